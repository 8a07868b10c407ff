//! The admin side of sign-in (DESIGN §15): why a comment was held, pins,
//! replies as the site's team, signed-in readers listed, linked and
//! banned, and sign-in providers managed with their secrets kept back.

mod common;

use common::mail::{SmtpSink, link_after, smtp};
use common::*;
use natter::domain::{ModerationMode, Provider, ProviderSpec, SiteSettings};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Posts a comment on a page of the test site; returns its answer.
async fn post(s: &TestServer, page: &str, body: Value) -> Value {
    let res = s.post_as(&fresh_ip(), page, body).await;
    let status = res.status();
    let v: Value = res.json().await.unwrap();
    assert!(status.is_success(), "{status} {v}");
    v
}

/// The admin's list of comments with these query parameters.
async fn listed(s: &TestServer, a: &Admin, query: &str) -> Vec<Value> {
    let res = s
        .admin_call(
            a,
            Method::GET,
            &format!("/admin/api/comments?{query}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    v["comments"].as_array().unwrap().clone()
}

/// The comment of the admin's list with this id.
async fn admin_view(s: &TestServer, a: &Admin, id: i64) -> Value {
    listed(s, a, "limit=200")
        .await
        .into_iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("comment {id} is not listed"))
}

/// The audit log's lines, newest first, as "change target".
async fn audit(s: &TestServer, a: &Admin) -> Vec<String> {
    let res = s.admin_call(a, Method::GET, "/admin/api/audit", None).await;
    let v: Value = res.json().await.unwrap();
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["action"].as_str().unwrap(),
                e["target"].as_str().unwrap()
            )
        })
        .collect()
}

fn db(s: &TestServer) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(s.dir.path("natter.db")).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    c
}

#[tokio::test]
async fn each_held_comment_says_which_rule_held_it() {
    let settings = SiteSettings {
        block_words: vec!["casino".into()],
        ..SiteSettings::default()
    };
    let s = TestServer::with_settings(settings).await;
    let a = s.admin().await;
    let links = post(
        &s,
        "/p",
        json!({"text": "http://a.example http://b.example http://c.example"}),
    )
    .await;
    let word = post(&s, "/p", json!({"text": "cheap CASINO chips"})).await;
    let trap = post(&s, "/p", json!({"text": "hello", "homepage": "x"})).await;
    let fine = post(&s, "/p", json!({"text": "a fine remark"})).await;
    let cases = [
        (&links, "links", "more links"),
        (&word, "blocked_word", "block list"),
        (&fine, "", ""),
    ];
    for (posted, reason, words) in cases {
        let c = admin_view(&s, &a, posted["comment"]["id"].as_i64().unwrap()).await;
        if reason.is_empty() {
            assert_eq!(c["status"], "published");
            assert!(c["held_reason"].is_null(), "{c}");
            continue;
        }
        assert_eq!(c["status"], "pending", "{c}");
        assert_eq!(c["held_reason"], reason, "{c}");
        assert!(c["held_because"].as_str().unwrap().contains(words), "{c}");
    }
    // The honeypot's comment is kept as spam, and says why.
    let spam = listed(&s, &a, "status=spam").await;
    assert_eq!(spam.len(), 1);
    assert!(trap["comment"]["id"].is_number());
    assert_eq!(spam[0]["held_reason"], "honeypot");

    // An edit that would now be held sends it back, saying so.
    let id = fine["comment"]["id"].as_i64().unwrap();
    let token = fine["edit_token"].as_str().unwrap();
    let res = s
        .http
        .patch(s.url(&format!("/api/comments/{id}")))
        .bearer_auth(token)
        .json(&json!({"text": "now with casino"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::ACCEPTED,
        "held again: answered as held"
    );
    let c = admin_view(&s, &a, id).await;
    assert_eq!(
        (c["status"].as_str(), c["held_reason"].as_str()),
        (Some("pending"), Some("edit"))
    );
}

#[tokio::test]
async fn the_sites_mode_is_named_as_the_reason() {
    for (mode, reason) in [
        (ModerationMode::All, "mode_all"),
        (ModerationMode::First, "first_comment"),
    ] {
        let s = TestServer::with_settings(moderated(mode)).await;
        let a = s.admin().await;
        let v = post(&s, "/p", json!({"text": "hello there"})).await;
        let c = admin_view(&s, &a, v["comment"]["id"].as_i64().unwrap()).await;
        assert_eq!(c["held_reason"], reason, "{c}");
        assert!(c["held_because"].as_str().unwrap().ends_with('.'));
    }
}

async fn pin(s: &TestServer, a: &Admin, id: i64, pinned: bool) -> reqwest::Response {
    let path = format!("/admin/api/comments/{id}/pin");
    s.admin_call(a, Method::POST, &path, Some(json!({ "pinned": pinned })))
        .await
}

#[tokio::test]
async fn a_moderator_pins_top_level_published_comments_only() {
    let s = TestServer::start().await;
    let a = s.admin().await;
    let first = s.post_text("/p", "first").await["comment"]["id"].clone();
    let reply = s
        .post_ok("/p", json!({"text": "a reply", "parent": first}))
        .await["comment"]["id"]
        .clone();
    let last = s.post_text("/p", "last").await["comment"]["id"].clone();

    let pin = |id: &Value, pinned: bool| pin(&s, &a, id.as_i64().unwrap(), pinned);
    assert_error(
        pin(&reply, true).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("pinned"),
    )
    .await;
    let res = pin(&last, true).await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["comment"]["pinned"], true);
    assert!(audit(&s, &a).await.contains(&format!("pin comment {last}")));

    // A deleted comment cannot be pinned.
    s.moderate(std::slice::from_ref(&first), "delete").await;
    let body = assert_error(
        pin(&first, true).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("pinned"),
    )
    .await;
    assert!(body["message"].as_str().unwrap().contains("published"));

    let res = pin(&last, false).await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["comment"]["pinned"], false);
    assert!(
        audit(&s, &a)
            .await
            .contains(&format!("unpin comment {last}"))
    );
    let stored: bool = db(&s)
        .query_row(
            "SELECT pinned FROM comments WHERE id = ?1",
            [last.as_i64().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!stored);
}

#[tokio::test]
async fn a_reply_from_the_admin_page_is_published_as_the_team_and_reaches_the_reader() {
    let sink = SmtpSink::start(0, None);
    let dir = TempDir::new("admin-reply");
    let mut cfg = config(&dir);
    cfg.smtp = Some(smtp(sink.port));
    let s = TestServer::with(dir, cfg).await;
    let a = s.admin().await;
    let posted = post(
        &s,
        "/p",
        json!({"text": "A question", "name": "Alice", "email": "alice@example.org",
               "notify": {"replies": true}}),
    )
    .await;
    let alice = posted["comment"]["id"].as_i64().unwrap();
    let confirm = sink.wait_for(1).await.remove(0);
    let link = link_after(&confirm, "Yes, send me these emails");
    let res = s
        .http
        .post(&link)
        .form(&[("do", "confirm")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let path = format!("/admin/api/comments/{alice}/reply");
    let empty = s
        .admin_call(&a, Method::POST, &path, Some(json!({"text": "  "})))
        .await;
    assert_error(
        empty,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("text"),
    )
    .await;
    let res = s
        .admin_call(
            &a,
            Method::POST,
            &path,
            Some(json!({"text": "Thanks, **Alice** <script>x</script>"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    let c = &v["comment"];
    assert_eq!(
        (c["status"].as_str(), c["team"].as_bool()),
        (Some("published"), Some(true))
    );
    assert_eq!(c["author"]["name"], "admin");
    assert!(
        c["html"]
            .as_str()
            .unwrap()
            .contains("<strong>Alice</strong>")
    );
    assert!(!c["html"].as_str().unwrap().contains("<script"), "{c}");

    // Readers see it at once under Alice's comment (the cache was dropped).
    let thread = s.thread("/p").await;
    let replies = &thread["comments"][0]["replies"];
    assert_eq!(replies[0]["author"]["name"], "admin", "{thread}");
    assert!(
        audit(&s, &a)
            .await
            .contains(&format!("reply comment {}", c["id"]))
    );

    // Alice hears of it as of any reply.
    sink.wait_for(2).await;
    let mail = sink.mails_to("alice@example.org").pop().unwrap();
    assert!(
        mail["subject"]
            .as_str()
            .unwrap()
            .starts_with("admin replied"),
        "{mail}"
    );

    // A comment marked as spam gets no reply.
    let held = s.post_text("/p", "another").await["comment"]["id"].clone();
    s.moderate(std::slice::from_ref(&held), "spam").await;
    let res = s
        .admin_call(
            &a,
            Method::POST,
            &format!("/admin/api/comments/{held}/reply"),
            Some(json!({"text": "hi"})),
        )
        .await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("parent"),
    )
    .await;
}

/// Posts a comment with a reader token, from a fresh address.
async fn as_reader(s: &TestServer, token: &str, text: &str) -> reqwest::Response {
    s.http
        .post(s.url(&format!("/api/comments?url={}", enc(&page_url("/p")))))
        .header("x-forwarded-for", fresh_ip())
        .bearer_auth(token)
        .json(&json!({ "text": text }))
        .send()
        .await
        .unwrap()
}

/// Makes a signed-in reader's identity as sign-in does, and gives it a
/// comment; returns (identity id, comment id).
async fn reader(s: &TestServer, name: &str, email: &str, provider: &str) -> (i64, i64) {
    let posted = s
        .post_ok("/p", json!({"text": format!("I am {name}"), "name": name}))
        .await;
    let comment = posted["comment"]["id"].as_i64().unwrap();
    let c = db(s);
    c.execute(
        "INSERT INTO identities (site_id, issuer, subject, provider, name, email, email_verified,
                                 created, last_seen)
         VALUES ('blog', 'https://id.example', ?1, ?2, ?1, ?3, 1, 10, 10)",
        (name, provider, email),
    )
    .unwrap();
    let id = c.last_insert_rowid();
    c.execute(
        "UPDATE comments SET identity_id = ?1 WHERE id = ?2",
        (id, comment),
    )
    .unwrap();
    (id, comment)
}

#[tokio::test]
async fn signed_in_readers_are_listed_searched_linked_and_banned() {
    let dir = TempDir::new("identities");
    let mut cfg = config(&dir);
    let spec = ProviderSpec {
        id: "gitlab".into(),
        kind: "oidc".into(),
        name: "GitLab".into(),
        issuer: Some("https://gitlab.example".into()),
        client_id: Some("natter".into()),
        client_secret: Some("s3cret".into()),
        ..ProviderSpec::default()
    };
    cfg.providers = vec![Provider::new(spec).unwrap()];
    let s = TestServer::with(dir, cfg).await;
    let a = s.admin().await;
    let (ann, ann_comment) = reader(&s, "Ann", "ann@example.org", "gitlab").await;
    let (bob, _) = reader(&s, "Bob", "bob@work.example", "email").await;

    let find = |q: &str| {
        let path = format!("/admin/api/identities?q={}", enc(q));
        let (s, a) = (&s, &a);
        async move {
            let res = s.admin_call(a, Method::GET, &path, None).await;
            assert_eq!(res.status(), StatusCode::OK);
            let v: Value = res.json().await.unwrap();
            v["identities"].as_array().unwrap().clone()
        }
    };
    assert_eq!(find("").await.len(), 2);
    let by_provider = find("gitlab").await;
    assert_eq!(by_provider.len(), 1);
    assert_eq!(by_provider[0]["name"], "Ann");
    assert_eq!(by_provider[0]["provider"], "GitLab");
    assert_eq!(by_provider[0]["comments"], 1);
    assert_eq!(find("WORK.example").await[0]["id"], bob);
    assert!(find("nobody").await.is_empty());
    assert!(find("100%").await.is_empty());
    let bad_site = s
        .admin_call(&a, Method::GET, "/admin/api/identities?site=nope", None)
        .await;
    assert_error(
        bad_site,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("site"),
    )
    .await;

    // The queue shows the verified mark and the provider's name.
    let c = admin_view(&s, &a, ann_comment).await;
    assert_eq!(
        (c["verified"].as_bool(), c["provider"].as_str()),
        (Some(true), Some("GitLab"))
    );
    assert_eq!(c["identity"], ann);

    // "This is me", then not.
    let link = format!("/admin/api/identities/{ann}/link");
    let res = s
        .admin_call(&a, Method::POST, &link, Some(json!({"linked": true})))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let me = find("ann").await.remove(0);
    assert_eq!(
        (me["linked"].as_bool(), me["yours"].as_bool()),
        (Some(true), Some(true))
    );
    let admin_id: Option<i64> = db(&s)
        .query_row(
            "SELECT admin_id FROM identities WHERE id = ?1",
            [ann],
            |r| r.get(0),
        )
        .unwrap();
    assert!(admin_id.is_some());
    assert!(
        audit(&s, &a)
            .await
            .contains(&format!("link_identity identity {ann}"))
    );
    // Signed in as that identity, the moderator's comment carries the badge.
    let token = "ann-reader-token";
    db(&s)
        .execute(
            "INSERT INTO reader_tokens (hash, identity_id, created, last_used) VALUES (?1, ?2, 10, 10)",
            (natter::keys::hash_token(token), ann),
        )
        .unwrap();
    let res = as_reader(&s, token, "Signed in and linked").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let thread = s.thread("/p").await;
    let mine = thread["comments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["html"].as_str().unwrap().contains("Signed in and linked"))
        .unwrap()
        .clone();
    assert_eq!(mine["badge"], "Blog team", "{mine}");
    let res = s
        .admin_call(&a, Method::POST, &link, Some(json!({"linked": false})))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let again = s
        .admin_call(&a, Method::POST, &link, Some(json!({"linked": false})))
        .await;
    assert_error(
        again,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("linked"),
    )
    .await;
    let gone = s
        .admin_call(
            &a,
            Method::POST,
            "/admin/api/identities/999/link",
            Some(json!({"linked": true})),
        )
        .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);

    // Banned by identity: as the author of a comment, or by number.
    let res = s
        .admin_call(
            &a,
            Method::POST,
            "/admin/api/bans",
            Some(json!({"kind": "identity", "comment_id": ann_comment})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = s
        .admin_call(
            &a,
            Method::POST,
            "/admin/api/bans",
            Some(json!({"kind": "identity", "value": bob.to_string()})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(find("").await.iter().all(|i| i["banned"] == true));
    // The banned identity can no longer post, whatever address it uses.
    let res = as_reader(&s, token, "Let me back in").await;
    assert_error(res, StatusCode::FORBIDDEN, "banned", None).await;
    let bans: Value = s
        .admin_call(&a, Method::GET, "/admin/api/bans", None)
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = bans["bans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["identity", "identity"]);
    // A guest's comment has no identity to ban.
    let guest = s.post_text("/p", "just a guest").await["comment"]["id"].clone();
    let res = s
        .admin_call(
            &a,
            Method::POST,
            "/admin/api/bans",
            Some(json!({"kind": "identity", "comment_id": guest})),
        )
        .await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("comment_id"),
    )
    .await;
}

#[tokio::test]
async fn providers_are_managed_with_their_secret_never_sent_back() {
    let dir = TempDir::new("providers");
    let mut cfg = config(&dir);
    let spec = ProviderSpec {
        id: "fromfile".into(),
        kind: "oidc".into(),
        name: "From File".into(),
        issuer: Some("https://file.example".into()),
        client_id: Some("natter".into()),
        client_secret: Some("file-secret-1".into()),
        ..ProviderSpec::default()
    };
    cfg.providers = vec![Provider::new(spec).unwrap()];
    let s = TestServer::with(dir, cfg).await;
    let a = s.admin().await;
    let call = |m: Method, path: &'static str, body: Option<Value>| s.admin_call(&a, m, path, body);

    let gitlab = json!({"id": "gitlab", "kind": "oidc", "name": "GitLab",
        "issuer": "https://gitlab.example", "client_id": "abc", "client_secret": "very-secret-1"});
    let res = call(Method::POST, "/admin/api/providers", Some(gitlab.clone())).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let text = res.text().await.unwrap();
    assert!(
        !text.contains("very-secret-1") && !text.contains("client_secret\":"),
        "{text}"
    );
    assert!(text.contains("\"client_secret_set\":true"), "{text}");

    let again = call(Method::POST, "/admin/api/providers", Some(gitlab)).await;
    assert_error(
        again,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("provider.id"),
    )
    .await;
    let clash = json!({"id": "fromfile", "kind": "email", "name": "Mine"});
    let res = call(Method::POST, "/admin/api/providers", Some(clash)).await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("provider.id"),
    )
    .await;
    let bad = json!({"id": "bad", "kind": "oidc", "name": "Bad", "issuer": "ftp://x", "client_id": "a", "client_secret": "b"});
    let res = call(Method::POST, "/admin/api/providers", Some(bad)).await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("provider.issuer"),
    )
    .await;

    // A change without a secret keeps the stored one.
    let change = json!({"id": "gitlab", "kind": "oidc", "name": "GitLab EU",
        "issuer": "https://gitlab.example", "client_id": "abc", "client_secret": ""});
    let res = call(
        Method::PUT,
        "/admin/api/providers/gitlab",
        Some(change.clone()),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let stored: String = db(&s)
        .query_row(
            "SELECT client_secret FROM providers WHERE id = 'gitlab'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, "very-secret-1");
    let res = call(Method::PUT, "/admin/api/providers/other", Some(change)).await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("provider.id"),
    )
    .await;

    let list = call(Method::GET, "/admin/api/providers", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !list.contains("very-secret-1") && !list.contains("file-secret-1"),
        "{list}"
    );
    let list: Value = serde_json::from_str(&list).unwrap();
    let names: Vec<(&str, bool)> = list["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["from_config"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(names, [("From File", true), ("GitLab EU", false)]);

    // A site may offer it; then it cannot be deleted.
    let sites: Value = call(Method::GET, "/admin/api/sites", None)
        .await
        .json()
        .await
        .unwrap();
    let mut blog = sites["sites"][0].clone();
    blog["settings"]["sign_in"] = json!(["gitlab", "nosuch"]);
    let res = call(Method::PUT, "/admin/api/sites/blog", Some(blog.clone())).await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("settings.sign_in"),
    )
    .await;
    blog["settings"]["sign_in"] = json!(["gitlab", "fromfile"]);
    let res = call(Method::PUT, "/admin/api/sites/blog", Some(blog.clone())).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = call(Method::DELETE, "/admin/api/providers/gitlab", None).await;
    let body = assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("provider.id"),
    )
    .await;
    assert!(body["message"].as_str().unwrap().contains("blog"));
    let res = call(Method::DELETE, "/admin/api/providers/fromfile", None).await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("provider.id"),
    )
    .await;
    blog["settings"]["sign_in"] = json!([]);
    call(Method::PUT, "/admin/api/sites/blog", Some(blog)).await;
    let res = call(Method::DELETE, "/admin/api/providers/gitlab", None).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = call(Method::DELETE, "/admin/api/providers/gitlab", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let log = audit(&s, &a).await;
    for line in [
        "save_provider provider gitlab",
        "delete_provider provider gitlab",
    ] {
        assert!(log.iter().any(|l| l == line), "{line} not in {log:?}");
    }
    assert_eq!(
        log.iter()
            .filter(|l| l.starts_with("save_provider"))
            .count(),
        2
    );
}
