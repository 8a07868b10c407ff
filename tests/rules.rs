//! Rules that could be walked around (issue 10, item 13): votes once per
//! client, no votes or edits from banned authors or on locked threads,
//! moderator links that act only on what they were made for, subscriptions
//! only by an address's owner, and privacy requests with their own limits.

mod common;

use common::mail::{SmtpSink, link_after, smtp, wait_until};
use common::*;
use natter::config::Outbox;
use natter::domain::{ModerationMode, SiteSettings};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

async fn vote(s: &TestServer, ip: &str, id: &Value, body: Value) -> Response {
    s.http
        .post(s.url(&format!("/api/comments/{id}/vote")))
        .header("x-forwarded-for", ip)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn likes(res: Response) -> i64 {
    assert_eq!(res.status(), StatusCode::OK);
    res.json::<Value>().await.unwrap()["likes"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn one_client_counts_once_whatever_voter_id_it_sends() {
    let s = TestServer::start().await;
    let posted = s
        .post_ok("/v", json!({"text": "like me", "voter": "author"}))
        .await;
    let id = &posted["comment"]["id"];
    let mut last = 0;
    for voter in ["a", "b", "c", "d"] {
        last = likes(vote(&s, "203.0.113.50", id, json!({"value": 1, "voter": voter})).await).await;
    }
    assert_eq!(last, 1, "one address voting as a, b, c, d");
    // The same voter id from other addresses is still one voter.
    for ip in ["203.0.113.51", "203.0.113.52"] {
        last = likes(vote(&s, ip, id, json!({"value": 1, "voter": "d"})).await).await;
    }
    assert_eq!(last, 1, "one voter id from three addresses");
    // A second, different client adds its like.
    last = likes(vote(&s, "203.0.113.53", id, json!({"value": 1, "voter": "e"})).await).await;
    assert_eq!(last, 2);
    // Taking a vote back takes back that client's only vote.
    last = likes(vote(&s, "203.0.113.53", id, json!({"value": 0, "voter": "e"})).await).await;
    assert_eq!(last, 1);
}

#[tokio::test]
async fn an_author_cannot_vote_for_their_own_comment_by_changing_ids() {
    let s = TestServer::start().await;
    let res = s
        .post_as(
            "203.0.113.60",
            "/own",
            json!({"text": "mine", "voter": "me"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["comment"]["id"].clone();
    for (ip, voter) in [
        ("203.0.113.60", json!("someone-else")),
        ("203.0.113.60", Value::Null),
        ("203.0.113.61", json!("me")),
    ] {
        let res = vote(&s, ip, &id, json!({"value": 1, "voter": voter})).await;
        assert_error(res, StatusCode::FORBIDDEN, "own_comment", None).await;
    }
}

#[tokio::test]
async fn banned_authors_cannot_vote_or_edit() {
    let s = TestServer::start().await;
    let other = s.post_text("/ban", "a comment to vote on").await;
    let res = s
        .post_as("203.0.113.70", "/ban", json!({"text": "before the ban"}))
        .await;
    let own: Value = res.json().await.unwrap();
    let a = s.admin().await;
    let res = s
        .admin_call(
            &a,
            Method::POST,
            "/admin/api/bans",
            Some(json!({"kind": "ip", "comment_id": own["comment"]["id"], "reason": "abuse"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let res = vote(
        &s,
        "203.0.113.70",
        &other["comment"]["id"],
        json!({"value": 1, "voter": "v"}),
    )
    .await;
    let body = assert_error(res, StatusCode::FORBIDDEN, "banned", None).await;
    assert!(!body["message"].as_str().unwrap().contains("IP"), "{body}");
    let res = s
        .http
        .patch(s.url(&format!("/api/comments/{}", own["comment"]["id"])))
        .header("x-forwarded-for", "203.0.113.70")
        .bearer_auth(own["edit_token"].as_str().unwrap())
        .json(&json!({"text": "after the ban"}))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "banned", None).await;
    assert!(
        s.thread("/ban")
            .await
            .to_string()
            .contains("before the ban"),
        "the text was changed"
    );
}

#[tokio::test]
async fn a_locked_thread_takes_no_votes() {
    let s = TestServer::start().await;
    let posted = s.post_text("/locked", "closing soon").await;
    let a = s.admin().await;
    let threads: Value = s
        .admin_call(&a, Method::GET, "/admin/api/threads?site=blog", None)
        .await
        .json()
        .await
        .unwrap();
    let thread = threads["threads"][0]["id"].clone();
    let res = s
        .admin_call(
            &a,
            Method::PATCH,
            &format!("/admin/api/threads/{thread}"),
            Some(json!({"locked": true})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = vote(
        &s,
        &fresh_ip(),
        &posted["comment"]["id"],
        json!({"value": 1, "voter": "late"}),
    )
    .await;
    assert_error(res, StatusCode::FORBIDDEN, "thread_locked", None).await;
    assert_eq!(s.thread("/locked").await["comments"][0]["likes"], 0);
}

/// A natter that mails through the sink, with `settings` for its site.
async fn mailing(sink: &SmtpSink, settings: SiteSettings) -> TestServer {
    let dir = TempDir::new("rules");
    let mut cfg = config(&dir);
    cfg.smtp = Some(smtp(sink.port));
    cfg.outbox = Outbox {
        first_retry: Duration::from_secs(1),
        max_retry: Duration::from_secs(2),
        attempts: 5,
    };
    cfg.sites[0].settings = settings;
    TestServer::with(dir, cfg).await
}

/// Waits until the outbox has nothing waiting.
async fn drained(s: &TestServer, a: &Admin) {
    for _ in 0..400 {
        let o: Value = s
            .admin_call(a, Method::GET, "/admin/api/outbox?state=pending", None)
            .await
            .json()
            .await
            .unwrap();
        if o["counts"]["pending"] == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the outbox did not drain");
}

async fn status_of(s: &TestServer, a: &Admin, id: i64) -> String {
    let list: Value = s
        .admin_call(a, Method::GET, "/admin/api/comments?site=blog", None)
        .await
        .json()
        .await
        .unwrap();
    list["comments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .map(|c| c["status"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("comment {id} not listed: {list}"))
}

#[tokio::test]
async fn an_approve_link_does_nothing_after_a_spam_decision() {
    let sink = SmtpSink::start(0, None);
    let s = mailing(
        &sink,
        SiteSettings {
            moderation: ModerationMode::All,
            moderator_emails: vec!["mod@example.org".into()],
            ..SiteSettings::default()
        },
    )
    .await;
    let res = s
        .post_as(&fresh_ip(), "/spam", json!({"text": "buy my stuff"}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let id = res.json::<Value>().await.unwrap()["comment"]["id"]
        .as_i64()
        .unwrap();
    let mail = sink.wait_for(1).await[0].clone();
    let approve = link_after(&mail, "Approve it");

    s.moderate(&[json!(id)], "spam").await;
    let a = s.admin().await;

    let page = s.http.get(&approve).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::CONFLICT);
    let res = s
        .http
        .post(&approve)
        .form(&[("do", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("already"), "{html}");
    assert_eq!(status_of(&s, &a, id).await, "spam");
    assert_eq!(s.thread("/spam").await["thread"]["count"], 0);
}

#[tokio::test]
async fn nobody_but_its_owner_subscribes_an_address() {
    let sink = SmtpSink::start(0, None);
    let s = mailing(&sink, SiteSettings::default()).await;
    let a = s.admin().await;
    let ask = |page: &'static str, voter: &'static str, email: &'static str| {
        s.post_ok(
            page,
            json!({"text": format!("{voter} for {email} on {page}"), "email": email, "voter": voter,
                   "notify": {"thread": true}}),
        )
    };

    // Alice asks and confirms from her own browser.
    let mine = ask("/one", "alice-browser", "alice@example.org").await;
    assert_eq!(mine["notify"], "confirm");
    let mail = sink.wait_for(1).await[0].clone();
    let link = link_after(&mail, "Yes, send me these emails");
    let res = s
        .http
        .post(&link)
        .form(&[("do", "confirm")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // Mallory asks for Alice's address on another page: the answer reads as
    // for any address nobody confirmed, and nothing reaches Alice.
    let theirs = ask("/two", "mallory-browser", "alice@example.org").await;
    let stranger = ask("/two", "mallory-browser", "nobody@example.org").await;
    assert_eq!(theirs["notify"], "confirm");
    assert_eq!(theirs["notify"], stranger["notify"]);
    s.post_text("/two", "news on page two").await;
    s.post_text("/one", "news on page one").await;
    wait_until(
        || {
            sink.mails_to("alice@example.org")
                .iter()
                .any(|m| m["text"].as_str().unwrap().contains("news on page one"))
        },
        "Alice's email about page one",
    )
    .await;
    drained(&s, &a).await;
    let to_alice = sink.mails_to("alice@example.org");
    assert!(
        !to_alice
            .iter()
            .any(|m| m["text"].as_str().unwrap().contains("page two")),
        "a stranger subscribed Alice: {to_alice:?}"
    );

    // Alice herself, from the browser that confirmed, is on at once.
    let again = ask("/three", "alice-browser", "alice@example.org").await;
    assert_eq!(again["notify"], "on");
}

#[tokio::test]
async fn privacy_requests_have_their_own_limits() {
    let sink = SmtpSink::start(0, None);
    let s = mailing(&sink, SiteSettings::default()).await;
    let a = s.admin().await;
    s.post_ok(
        "/p",
        json!({"text": "something of mine", "email": "cara@example.org"}),
    )
    .await;
    let ask = |ip: &str, email: &str| {
        s.http
            .post(s.url("/privacy"))
            .header("x-forwarded-for", ip)
            .form(&[("site", "blog"), ("email", email), ("action", "export")])
            .send()
    };
    // Asking for one address again and again sends it one email.
    let first = ask("203.0.113.80", "cara@example.org").await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let first = first.text().await.unwrap();
    for ip in ["203.0.113.81", "203.0.113.82", "203.0.113.83"] {
        let res = ask(ip, "cara@example.org").await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.text().await.unwrap(), first);
    }
    sink.wait_for(1).await;
    drained(&s, &a).await;
    assert_eq!(sink.mails_to("cara@example.org").len(), 1);

    // Privacy requests do not use up the address's admin sign-ins.
    for n in 0..5 {
        let email = format!("someone{n}@example.org");
        let res = ask("203.0.113.90", &email).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res = s
        .http
        .post(s.url("/admin/api/login"))
        .header("x-forwarded-for", "203.0.113.90")
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn votes_and_subscriptions_from_before_0007_still_count() {
    let sink = SmtpSink::start(0, None);
    let dir = TempDir::new("rules-upgrade");
    let path = dir.path("natter.db");
    natter::store::migrate_database(&path, Some(6)).unwrap();
    {
        // Rows as release 0006 wrote them: a vote under the old key, and a
        // confirmed address that follows the thread.
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute_batch(&format!(
            "INSERT INTO sites (id, name, origins, settings) VALUES ('blog', 'Blog', '[\"{ORIGIN}\"]', '{{}}');
             INSERT INTO threads (id, site_id, key, url, title, created) VALUES (1, 'blog', '/old', '{ORIGIN}/old', 'Old', 1700000000);
             INSERT INTO comments (id, thread_id, status, text, html, created, likes)
               VALUES (1, 1, 'published', 'liked once', '<p>liked once</p>', 1700000000, 1);
             INSERT INTO votes (comment_id, voter_hash, value, created) VALUES (1, 'abc', 1, 1700000000);
             INSERT INTO subscribers (id, site_id, email, email_hash, confirmed, created)
               VALUES (1, 'blog', 'old@example.org', 'h', 1700000000, 1700000000);
             INSERT INTO subscriptions (subscriber_id, thread_id, comment_id, created) VALUES (1, 1, 0, 1700000000);"
        ))
        .unwrap();
    }
    let mut cfg = config(&TempDir::new("cfg"));
    cfg.database = path;
    cfg.smtp = Some(smtp(sink.port));
    let s = TestServer::with(dir, cfg).await;
    assert_eq!(s.thread("/old").await["comments"][0]["likes"], 1);
    let res = vote(
        &s,
        &fresh_ip(),
        &json!(1),
        json!({"value": 1, "voter": "new"}),
    )
    .await;
    assert_eq!(likes(res).await, 2);
    s.post_text("/old", "news for the old follower").await;
    let mail = &sink.wait_for(1).await[0];
    assert_eq!(mail["to"], json!(["old@example.org"]));
}
