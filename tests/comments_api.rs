//! The comments API against a real server: success and error paths.

mod common;

use common::*;
use natter::domain::ModerationMode;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_page_without_comments_reads_empty_and_creates_nothing() {
    let s = TestServer::start().await;
    let t = s.thread("/post/1").await;
    assert_eq!(t["comments"], json!([]));
    assert_eq!(t["thread"]["count"], 0);
    assert_eq!(t["thread"]["key"], "/post/1");
    assert_eq!(t["next_cursor"], Value::Null);
    // Still nothing after the read: a thread is made by its first comment.
    let t = s.thread("/post/1").await;
    assert_eq!(t["thread"]["url"], Value::Null);
}

#[tokio::test]
async fn posting_publishes_and_the_thread_shows_it() {
    let s = TestServer::start().await;
    let posted = s
        .post_ok("/post/1", json!({"text": "Hello **there**", "name": "Sam", "email": "sam@example.org", "website": "https://sam.example.org", "title": "Post one"}))
        .await;
    let c = &posted["comment"];
    assert_eq!(c["status"], "published");
    assert_eq!(c["html"], "<p>Hello <strong>there</strong></p>\n");
    assert_eq!(c["author"]["name"], "Sam");
    assert_eq!(c["author"]["website"], "https://sam.example.org");
    assert!(
        c["author"]["avatar"]
            .as_str()
            .unwrap()
            .starts_with("/api/avatar/")
    );
    assert!(posted["edit_token"].as_str().unwrap().len() >= 20);
    assert!(posted["edit_until"].as_str().unwrap().ends_with('Z'));
    let text = posted.to_string();
    assert!(!text.contains("sam@example.org"), "email leaked: {text}");

    // The same page, written another way, is the same thread.
    let res = s
        .get(&format!(
            "/api/comments?url={}",
            enc("https://Blog.example.org/post/1/index.html#comments")
        ))
        .await;
    let t: Value = res.json().await.unwrap();
    assert_eq!(t["thread"]["count"], 1);
    assert_eq!(t["thread"]["title"], "Post one");
    assert_eq!(t["thread"]["url"], "https://blog.example.org/post/1");
    assert_eq!(t["comments"][0]["id"], c["id"]);
    assert!(!t.to_string().contains("sam@example.org"));
}

#[tokio::test]
async fn page_id_keys_the_thread_across_urls() {
    let s = TestServer::start().await;
    let res = s
        .http
        .post(s.url(&format!(
            "/api/comments?url={}&page_id=post-7",
            enc(&page_url("/old/address"))
        )))
        .json(&json!({"text": "keyed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let t: Value = s
        .get(&format!(
            "/api/comments?url={}&page_id=post-7",
            enc(&page_url("/new/address"))
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["thread"]["count"], 1);
    assert_eq!(t["thread"]["key"], "post-7");
}

#[tokio::test]
async fn replies_nest_and_sorting_and_paging_work() {
    let s = TestServer::start().await;
    let a = s.post_text("/p", "first").await["comment"]["id"].clone();
    let b = s.post_text("/p", "second").await["comment"]["id"].clone();
    let c = s.post_text("/p", "third").await["comment"]["id"].clone();
    let r1 = s
        .post_ok("/p", json!({"text": "reply to first", "parent": a}))
        .await["comment"]["id"]
        .clone();
    s.post_ok("/p", json!({"text": "reply to reply", "parent": r1}))
        .await;

    let t = s.thread("/p").await;
    assert_eq!(t["thread"]["count"], 5);
    let top: Vec<&Value> = t["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(top, [&a, &b, &c]);
    assert_eq!(t["comments"][0]["replies"][0]["id"], r1);
    assert_eq!(
        t["comments"][0]["replies"][0]["replies"][0]["html"],
        "<p>reply to reply</p>\n"
    );

    let newest: Value = s
        .get(&format!(
            "/api/comments?url={}&sort=newest",
            enc(&page_url("/p"))
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(newest["comments"][0]["id"], c);

    // Paging by top-level comment, with the cursor the server gives.
    let p1: Value = s
        .get(&format!(
            "/api/comments?url={}&limit=2",
            enc(&page_url("/p"))
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p1["comments"].as_array().unwrap().len(), 2);
    let cursor = p1["next_cursor"].as_str().expect("a cursor").to_string();
    let p2: Value = s
        .get(&format!(
            "/api/comments?url={}&limit=2&cursor={cursor}",
            enc(&page_url("/p"))
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p2["comments"][0]["id"], c);
    assert_eq!(p2["next_cursor"], Value::Null);

    // Top: the most liked first.
    let res = s
        .http
        .post(s.url(&format!("/api/comments/{c}/vote")))
        .json(&json!({"value": 1, "voter": "v1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let top: Value = s
        .get(&format!(
            "/api/comments?url={}&sort=top",
            enc(&page_url("/p"))
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(top["comments"][0]["id"], c);
    assert_eq!(top["comments"][0]["likes"], 1);
}

#[tokio::test]
async fn bad_thread_queries_are_explained() {
    let s = TestServer::start().await;
    assert_error(
        s.get("/api/comments").await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("url"),
    )
    .await;
    assert_error(
        s.get("/api/comments?url=/relative").await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("url"),
    )
    .await;
    let u = enc(&page_url("/p"));
    assert_error(
        s.get(&format!("/api/comments?url={u}&sort=random")).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("sort"),
    )
    .await;
    assert_error(
        s.get(&format!("/api/comments?url={u}&limit=0")).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("limit"),
    )
    .await;
    assert_error(
        s.get(&format!("/api/comments?url={u}&cursor=zzz")).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("cursor"),
    )
    .await;
}

#[tokio::test]
async fn an_unregistered_origin_is_refused_with_how_to_register() {
    let s = TestServer::start().await;
    let res = s
        .get(&format!(
            "/api/comments?url={}",
            enc("https://stranger.example/post")
        ))
        .await;
    let body = assert_error(res, StatusCode::FORBIDDEN, "unknown_site", None).await;
    let msg = body["message"].as_str().unwrap();
    assert!(msg.contains("https://stranger.example"), "{msg}");
    assert!(msg.contains("natter site add"), "{msg}");
    let res = s.post_as(&fresh_ip(), "/x", json!({"text": "hi"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = s
        .http
        .post(s.url(&format!(
            "/api/comments?url={}",
            enc("https://stranger.example/post")
        )))
        .json(&json!({"text": "hi"}))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "unknown_site", None).await;
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let s = TestServer::start().await;
    for (body, field) in [
        (json!({"text": ""}), "text"),
        (json!({"text": "   "}), "text"),
        (json!({"text": "x".repeat(10_001)}), "text"),
        (json!({"text": "ok", "name": "n".repeat(81)}), "name"),
        (json!({"text": "ok", "email": "nobody"}), "email"),
        (
            json!({"text": "ok", "email": format!("{}@example.org", "a".repeat(250))}),
            "email",
        ),
        (
            json!({"text": "ok", "website": "javascript:alert(1)"}),
            "website",
        ),
        (
            json!({"text": "ok", "website": format!("https://e.org/{}", "a".repeat(500))}),
            "website",
        ),
        (json!({"text": "ok", "parent": 999_999}), "parent"),
        (json!({"text": "ok", "voter": "v".repeat(65)}), "voter"),
    ] {
        let res = s.post_as(&fresh_ip(), "/v", body.clone()).await;
        assert_error(
            res,
            StatusCode::BAD_REQUEST,
            "validation_failed",
            Some(field),
        )
        .await;
    }
    // A wrong shape is a 400 that says what is wrong.
    let res = s.post_as(&fresh_ip(), "/v", json!({"text": 5})).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "bad_request", None).await;
    assert!(
        body["message"].as_str().unwrap().contains("invalid type"),
        "{body}"
    );
    let res = s
        .post_as(&fresh_ip(), "/v", json!({"text": "x", "colour": "red"}))
        .await;
    assert_error(res, StatusCode::BAD_REQUEST, "bad_request", None).await;
    // Nothing of that was stored.
    assert_eq!(s.thread("/v").await["thread"]["count"], 0);
}

#[tokio::test]
async fn required_fields_follow_the_site() {
    let settings = natter::domain::SiteSettings {
        require_name: true,
        require_email: true,
        ..Default::default()
    };
    let s = TestServer::with_settings(settings).await;
    let res = s
        .post_as(&fresh_ip(), "/r", json!({"text": "hi", "email": "a@b.org"}))
        .await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("name"),
    )
    .await;
    let res = s
        .post_as(&fresh_ip(), "/r", json!({"text": "hi", "name": "A"}))
        .await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("email"),
    )
    .await;
    s.post_ok("/r", json!({"text": "hi", "name": "A", "email": "a@b.org"}))
        .await;
}

#[tokio::test]
async fn held_comments_answer_202_and_stay_out_of_the_thread() {
    let s = TestServer::with_settings(moderated(ModerationMode::All)).await;
    let res = s
        .post_as(&fresh_ip(), "/m", json!({"text": "please approve"}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["comment"]["status"], "pending");
    assert!(body["edit_token"].is_string());
    let t = s.thread("/m").await;
    assert_eq!(t["thread"]["count"], 0);
    assert_eq!(t["comments"], json!([]));
    let counts: Value = s
        .get(&format!("/api/counts?url={}", enc(&page_url("/m"))))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(counts["counts"][page_url("/m")], 0);
}

#[tokio::test]
async fn too_many_links_hold_a_comment() {
    let s = TestServer::start().await;
    let res = s
        .post_as(
            &fresh_ip(),
            "/l",
            json!({"text": "http://a.example http://b.example http://c.example"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = s
        .post_as(
            &fresh_ip(),
            "/l",
            json!({"text": "one link http://a.example"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_same_text_twice_is_refused() {
    let s = TestServer::start().await;
    s.post_text("/d", "echo").await;
    let res = s.post_as(&fresh_ip(), "/d", json!({"text": "echo"})).await;
    assert_error(res, StatusCode::CONFLICT, "duplicate", None).await;
    // Another page may say the same.
    s.post_text("/d2", "echo").await;
}

#[tokio::test]
async fn edit_and_delete_own_comment_inside_the_window() {
    let s = TestServer::start().await;
    let posted = s.post_text("/e", "first draft").await;
    let id = posted["comment"]["id"].as_i64().unwrap();
    let token = posted["edit_token"].as_str().unwrap().to_string();
    let path = s.url(&format!("/api/comments/{id}"));

    let res = s
        .http
        .patch(&path)
        .json(&json!({"text": "no token"}))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::UNAUTHORIZED, "missing_token", None).await;
    let res = s
        .http
        .patch(&path)
        .bearer_auth("forged-token-value")
        .json(&json!({"text": "x"}))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "invalid_token", None).await;
    let res = s
        .http
        .patch(&path)
        .bearer_auth(&token)
        .json(&json!({"text": ""}))
        .send()
        .await
        .unwrap();
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("text"),
    )
    .await;

    let res = s
        .http
        .patch(&path)
        .bearer_auth(&token)
        .json(&json!({"text": "second *draft*"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let edited: Value = res.json().await.unwrap();
    assert_eq!(edited["comment"]["html"], "<p>second <em>draft</em></p>\n");
    assert!(edited["comment"]["edited"].is_string());
    assert_eq!(
        s.thread("/e").await["comments"][0]["html"],
        "<p>second <em>draft</em></p>\n"
    );

    // Another comment's token does not work here.
    let other = s.post_text("/e", "another").await;
    let res = s
        .http
        .delete(&path)
        .bearer_auth(other["edit_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "invalid_token", None).await;

    let res = s
        .http
        .delete(&path)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let t = s.thread("/e").await;
    assert_eq!(t["thread"]["count"], 1);
    assert_eq!(
        t["comments"].as_array().unwrap().len(),
        1,
        "a comment without replies disappears"
    );
    let res = s
        .http
        .delete(&path)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "not_found", None).await;
}

#[tokio::test]
async fn a_deleted_comment_with_replies_stays_as_a_tombstone() {
    let s = TestServer::start().await;
    let posted = s
        .post_ok(
            "/t",
            json!({"text": "parent words", "name": "Pat", "email": "pat@example.org"}),
        )
        .await;
    let id = posted["comment"]["id"].clone();
    s.post_ok("/t", json!({"text": "a reply", "parent": id}))
        .await;
    let res = s
        .http
        .delete(s.url(&format!("/api/comments/{id}")))
        .bearer_auth(posted["edit_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let t = s.thread("/t").await;
    let tomb = &t["comments"][0];
    assert_eq!(tomb["status"], "deleted");
    assert_eq!(tomb["html"], "");
    assert_eq!(tomb["author"]["name"], "");
    assert_eq!(tomb["replies"][0]["html"], "<p>a reply</p>\n");
    assert_eq!(t["thread"]["count"], 1);
    assert!(!t.to_string().contains("parent words"));
}

#[tokio::test]
async fn the_edit_window_closes() {
    let settings = natter::domain::SiteSettings {
        edit_window_seconds: 0,
        ..Default::default()
    };
    let s = TestServer::with_settings(settings).await;
    let posted = s.post_text("/w", "quick").await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let res = s
        .http
        .patch(s.url(&format!("/api/comments/{}", posted["comment"]["id"])))
        .bearer_auth(posted["edit_token"].as_str().unwrap())
        .json(&json!({"text": "too late"}))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "edit_window_closed", None).await;
}

#[tokio::test]
async fn votes_count_once_per_voter_and_not_for_oneself() {
    let s = TestServer::start().await;
    let posted = s
        .post_ok("/vote", json!({"text": "vote on me", "voter": "author-1"}))
        .await;
    let id = posted["comment"]["id"].clone();
    let vote = |ip: &'static str, body: Value| {
        let req = s
            .http
            .post(s.url(&format!("/api/comments/{id}/vote")))
            .header("x-forwarded-for", ip)
            .json(&body);
        async move { req.send().await.unwrap() }
    };
    let r: Value = vote("203.0.113.1", json!({"value": 1, "voter": "a"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (r["likes"].as_i64(), r["dislikes"].as_i64()),
        (Some(1), Some(0))
    );
    let r: Value = vote("203.0.113.1", json!({"value": 1, "voter": "a"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        r["likes"], 1,
        "a second like from the same voter changes nothing"
    );
    let r: Value = vote("203.0.113.1", json!({"value": -1, "voter": "a"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (r["likes"].as_i64(), r["dislikes"].as_i64()),
        (Some(0), Some(1))
    );
    let r: Value = vote("203.0.113.2", json!({"value": 1, "voter": "b"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (r["likes"].as_i64(), r["dislikes"].as_i64()),
        (Some(1), Some(1))
    );
    let r: Value = vote("203.0.113.1", json!({"value": 0, "voter": "a"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (r["likes"].as_i64(), r["dislikes"].as_i64()),
        (Some(1), Some(0))
    );

    let own_ip = s
        .post_as(
            "203.0.113.9",
            "/vote",
            json!({"text": "mine", "voter": "me"}),
        )
        .await;
    let own: Value = own_ip.json().await.unwrap();
    let res = s
        .http
        .post(s.url(&format!("/api/comments/{}/vote", own["comment"]["id"])))
        .header("x-forwarded-for", "203.0.113.9")
        .json(&json!({"value": 1, "voter": "me"}))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "own_comment", None).await;

    assert_error(
        vote("203.0.113.3", json!({"value": 5})).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("value"),
    )
    .await;
    let res = s
        .http
        .post(s.url("/api/comments/424242/vote"))
        .json(&json!({"value": 1}))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "not_found", None).await;
    assert_eq!(s.thread("/vote").await["comments"][0]["likes"], 1);
}

#[tokio::test]
async fn preview_renders_without_storing() {
    let s = TestServer::start().await;
    let res = s
        .http
        .post(s.url("/api/preview"))
        .json(&json!({"text": "*hi* <script>alert(1)</script>"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["html"],
        "<p><em>hi</em> &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    );
    let res = s
        .http
        .post(s.url("/api/preview"))
        .json(&json!({"text": ""}))
        .send()
        .await
        .unwrap();
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("text"),
    )
    .await;
}

#[tokio::test]
async fn counts_in_one_request_by_get_and_post() {
    let s = TestServer::start().await;
    s.post_text("/c1", "a").await;
    s.post_text("/c1", "b").await;
    s.post_text("/c2", "c").await;
    let (u1, u2, u3) = (page_url("/c1"), page_url("/c2/"), page_url("/none"));
    let get: Value = s
        .get(&format!(
            "/api/counts?url={}&url={}&url={}&url={}",
            enc(&u1),
            enc(&u2),
            enc(&u3),
            enc("https://elsewhere.example/x")
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(get["counts"][&u1], 2);
    assert_eq!(get["counts"][&u2], 1);
    assert_eq!(get["counts"][&u3], 0);
    assert_eq!(get["counts"]["https://elsewhere.example/x"], 0);
    let post: Value = s
        .http
        .post(s.url("/api/counts"))
        .json(&json!({"urls": [u1, u2]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(post["counts"][&u1], 2);
    assert_eq!(post["counts"][&u2], 1);
    // A new comment shows at once (the cached answer is dropped).
    s.post_text("/c1", "c").await;
    let post: Value = s
        .http
        .post(s.url("/api/counts"))
        .json(&json!({"urls": [u1]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(post["counts"][&u1], 3);
    assert_error(
        s.get("/api/counts").await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("url"),
    )
    .await;
}

#[tokio::test]
async fn config_tells_the_widget_about_the_site() {
    let s = TestServer::with_settings(moderated(ModerationMode::First)).await;
    let c: Value = s
        .get(&format!("/api/config?url={}", enc(&page_url("/a"))))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["site"], "blog");
    assert_eq!(c["moderation"], "first");
    assert_eq!(c["edit_window_seconds"], 900);
    assert_eq!(c["max_depth"], 5);
    assert_eq!(c["email_notifications"], false);
    assert_eq!(c["limits"]["text_max"], 10_000);
    let res = s
        .get(&format!("/api/config?url={}", enc("https://nope.example/")))
        .await;
    assert_error(res, StatusCode::FORBIDDEN, "unknown_site", None).await;
}

#[tokio::test]
async fn first_mode_holds_until_an_earlier_comment_is_approved() {
    let s = TestServer::with_settings(moderated(ModerationMode::First)).await;
    let res = s
        .post_as(
            &fresh_ip(),
            "/f",
            json!({"text": "new here", "email": "new@example.org", "voter": "new-reader"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    // Approve it the way a moderator's action does, straight in the database.
    let db = rusqlite::Connection::open(s.dir.path("natter.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    db.execute(
        "UPDATE comments SET status = 'published' WHERE email = 'new@example.org'",
        [],
    )
    .unwrap();
    let res = s
        .post_as(
            &fresh_ip(),
            "/f",
            json!({"text": "back again", "email": "new@example.org", "voter": "new-reader"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // The address alone is not the author (DESIGN §5).
    let res = s
        .post_as(
            &fresh_ip(),
            "/f",
            json!({"text": "an impostor", "email": "new@example.org"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn the_avatar_is_an_svg_identicon() {
    let s = TestServer::start().await;
    let posted = s
        .post_ok("/av", json!({"text": "face", "email": "face@example.org"}))
        .await;
    let path = posted["comment"]["author"]["avatar"]
        .as_str()
        .unwrap()
        .to_string();
    let res = s.get(&path).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.unwrap().starts_with("<svg"));
    assert_error(
        s.get("/api/avatar/nothing.svg").await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_json() {
    let s = TestServer::start().await;
    assert_error(
        s.get("/api/nothing").await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
    assert_error(
        s.get("/nothing.txt").await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
    let res = s.http.put(s.url("/api/comments")).send().await.unwrap();
    assert_error(
        res,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        None,
    )
    .await;
    let res = s.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn block_list_words_hold_a_comment() {
    let settings = natter::domain::SiteSettings {
        block_words: vec!["Casino".into()],
        ..Default::default()
    };
    let s = TestServer::with_settings(settings).await;
    let res = s
        .post_as(&fresh_ip(), "/bw", json!({"text": "Visit my cAsInO today"}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = s
        .post_as(&fresh_ip(), "/bw", json!({"text": "A kind word"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(s.thread("/bw").await["thread"]["count"], 1);
}
