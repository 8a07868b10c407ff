//! The admin API: sessions, CSRF, the queue, bans, threads, sites, audit.

mod common;

use common::*;
use natter::domain::ModerationMode;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn login_checks_the_password_and_sets_a_strict_cookie() {
    let s = TestServer::start().await;
    for (user, pw) in [
        ("admin", "wrong password"),
        ("nobody", ADMIN_PASSWORD),
        ("", ""),
    ] {
        let res = s
            .http
            .post(s.url("/admin/api/login"))
            .header("x-forwarded-for", fresh_ip())
            .json(&json!({"username": user, "password": pw}))
            .send()
            .await
            .unwrap();
        assert!(res.headers().get("set-cookie").is_none());
        assert_error(res, StatusCode::UNAUTHORIZED, "login_failed", None).await;
    }
    let res = s
        .http
        .post(s.url("/admin/api/login"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    for part in [
        "natter_admin=",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/admin",
    ] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: no Secure flag");
    assert_eq!(res.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn the_cookie_is_secure_behind_https() {
    let dir = TempDir::new("secure");
    let mut cfg = config(&dir);
    cfg.public_url = Some("https://comments.example.org".parse().unwrap());
    let s = TestServer::with(dir, cfg).await;
    let res = s
        .http
        .post(s.url("/admin/api/login"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Secure")
    );
}

#[tokio::test]
async fn login_attempts_are_rate_limited() {
    let s = TestServer::start().await;
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = s
            .http
            .post(s.url("/admin/api/login"))
            .header("x-forwarded-for", "203.0.113.200")
            .json(&json!({"username": "admin", "password": "guess"}))
            .send()
            .await
            .unwrap()
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn every_call_needs_a_session_and_every_change_a_csrf_token() {
    let s = TestServer::start().await;
    let reads = [
        "/admin/api/session",
        "/admin/api/comments",
        "/admin/api/bans",
        "/admin/api/threads",
        "/admin/api/sites",
        "/admin/api/audit",
    ];
    for path in reads {
        assert_error(
            s.get(path).await,
            StatusCode::UNAUTHORIZED,
            "not_signed_in",
            None,
        )
        .await;
        let forged = s
            .http
            .get(s.url(path))
            .header("cookie", "natter_admin=forged")
            .send()
            .await
            .unwrap();
        assert_error(forged, StatusCode::UNAUTHORIZED, "not_signed_in", None).await;
    }
    let a = s.admin().await;
    let changes: [(Method, &str, Value); 7] = [
        (
            Method::POST,
            "/admin/api/comments/bulk",
            json!({"ids": [1], "action": "approve"}),
        ),
        (Method::PATCH, "/admin/api/comments/1", json!({"text": "x"})),
        (
            Method::POST,
            "/admin/api/bans",
            json!({"kind": "email", "value": "a@b.org"}),
        ),
        (Method::DELETE, "/admin/api/bans/1", json!(null)),
        (
            Method::PATCH,
            "/admin/api/threads/1",
            json!({"locked": true}),
        ),
        (
            Method::PUT,
            "/admin/api/sites/x",
            json!({"id": "x", "name": "X", "origins": ["https://x.example"]}),
        ),
        (Method::POST, "/admin/api/logout", json!({})),
    ];
    for (method, path, body) in &changes {
        let no_session = s
            .http
            .request(method.clone(), s.url(path))
            .json(body)
            .send()
            .await
            .unwrap();
        assert_error(no_session, StatusCode::UNAUTHORIZED, "not_signed_in", None).await;
        let no_csrf = s
            .http
            .request(method.clone(), s.url(path))
            .header("cookie", &a.cookie)
            .json(body)
            .send()
            .await
            .unwrap();
        assert_error(no_csrf, StatusCode::FORBIDDEN, "csrf_mismatch", None).await;
        let wrong = s
            .http
            .request(method.clone(), s.url(path))
            .header("cookie", &a.cookie)
            .header("x-csrf-token", "nope")
            .json(body)
            .send()
            .await
            .unwrap();
        assert_error(wrong, StatusCode::FORBIDDEN, "csrf_mismatch", None).await;
    }
    let res = s
        .admin_call(&a, Method::GET, "/admin/api/session", None)
        .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["username"], "admin");
    assert_eq!(body["csrf_token"], a.csrf.as_str());
}

#[tokio::test]
async fn the_queue_approve_spam_delete_restore() {
    let s = TestServer::with_settings(moderated(ModerationMode::All)).await;
    let res = s
        .post_as(
            &fresh_ip(),
            "/q",
            json!({"text": "held one", "name": "Hana", "email": "hana@example.org"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let held: Value = res.json().await.unwrap();
    let id = held["comment"]["id"].as_i64().unwrap();
    let a = s.admin().await;

    let list: Value = s
        .admin_call(&a, Method::GET, "/admin/api/comments?status=pending", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    let c = &list["comments"][0];
    assert_eq!(c["id"], id);
    assert_eq!(c["author"]["email"], "hana@example.org");
    assert_eq!(c["thread"]["url"], page_url("/q"));
    assert!(c["ip_hash"].as_str().unwrap().len() >= 16);

    let approve = s
        .admin_call(
            &a,
            Method::POST,
            "/admin/api/comments/bulk",
            Some(json!({"ids": [id], "action": "approve"})),
        )
        .await;
    assert_eq!(approve.json::<Value>().await.unwrap()["changed"], 1);
    let t = s.thread("/q").await;
    assert_eq!(t["thread"]["count"], 1);
    assert_eq!(t["comments"][0]["id"], id);
    let counts: Value = s
        .get(&format!("/api/counts?url={}", enc(&page_url("/q"))))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(counts["counts"][page_url("/q")], 1);

    s.admin_call(
        &a,
        Method::POST,
        "/admin/api/comments/bulk",
        Some(json!({"ids": [id], "action": "spam"})),
    )
    .await;
    assert_eq!(s.thread("/q").await["thread"]["count"], 0);
    s.admin_call(
        &a,
        Method::POST,
        "/admin/api/comments/bulk",
        Some(json!({"ids": [id], "action": "restore"})),
    )
    .await;
    assert_eq!(s.thread("/q").await["thread"]["count"], 1);
    s.admin_call(
        &a,
        Method::POST,
        "/admin/api/comments/bulk",
        Some(json!({"ids": [id], "action": "delete"})),
    )
    .await;
    assert_eq!(s.thread("/q").await["comments"], json!([]));
    s.admin_call(
        &a,
        Method::POST,
        "/admin/api/comments/bulk",
        Some(json!({"ids": [id], "action": "restore"})),
    )
    .await;
    assert_eq!(
        s.thread("/q").await["comments"][0]["html"],
        "<p>held one</p>\n"
    );

    let bad = s
        .admin_call(
            &a,
            Method::POST,
            "/admin/api/comments/bulk",
            Some(json!({"ids": [id], "action": "explode"})),
        )
        .await;
    assert_error(bad, StatusCode::BAD_REQUEST, "bad_request", None).await;
    let audit: Value = s
        .admin_call(&a, Method::GET, "/admin/api/audit", None)
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in ["approve", "spam", "restore", "delete", "login"] {
        assert!(actions.contains(&action), "{actions:?}");
    }
    assert!(
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["admin"] == "admin")
    );
    // Each line's time is RFC 3339, as in every other answer.
    assert!(audit["entries"].as_array().unwrap().iter().all(|e| {
        let at = e["at"].as_str().unwrap_or_default();
        at.len() == 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T'
    }));
}

#[tokio::test]
async fn search_by_text_author_email_page_and_site() {
    let s = TestServer::start().await;
    s.post_ok(
        "/alpha",
        json!({"text": "about gardens", "name": "Rosa", "email": "rosa@example.org"}),
    )
    .await;
    s.post_ok("/beta", json!({"text": "about trains", "name": "Tom"}))
        .await;
    let a = s.admin().await;
    for (q, expect) in [
        ("gardens", 1),
        ("Tom", 1),
        ("rosa@example", 1),
        ("/beta", 1),
        ("about", 2),
        ("100%", 0),
    ] {
        let list: Value = s
            .admin_call(
                &a,
                Method::GET,
                &format!("/admin/api/comments?q={}", enc(q)),
                None,
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(list["total"], expect, "q={q}");
    }
    let list: Value = s
        .admin_call(
            &a,
            Method::GET,
            "/admin/api/comments?site=blog&status=published",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 2);
    let res = s
        .admin_call(&a, Method::GET, "/admin/api/comments?status=lost", None)
        .await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("status"),
    )
    .await;
}

#[tokio::test]
async fn a_moderator_edit_is_rendered_safely() {
    let s = TestServer::start().await;
    let id = s.post_text("/ed", "typo here").await["comment"]["id"].clone();
    let a = s.admin().await;
    let res = s
        .admin_call(
            &a,
            Method::PATCH,
            &format!("/admin/api/comments/{id}"),
            Some(json!({"text": "fixed <script>alert(1)</script>"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let t = s.thread("/ed").await;
    assert_eq!(
        t["comments"][0]["html"],
        "<p>fixed &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    );
}

#[tokio::test]
async fn bans_refuse_posts_without_saying_why() {
    let s = TestServer::start().await;
    let posted = s
        .post_as(
            "203.0.113.31",
            "/b",
            json!({"text": "troll words", "email": "troll@example.org"}),
        )
        .await;
    let id = posted.json::<Value>().await.unwrap()["comment"]["id"].clone();
    let a = s.admin().await;
    let res = s
        .admin_call(
            &a,
            Method::POST,
            "/admin/api/bans",
            Some(json!({"kind": "ip", "comment_id": id, "reason": "abuse", "days": 30})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let ban_id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = s
        .post_as("203.0.113.31", "/b", json!({"text": "again"}))
        .await;
    let body = assert_error(res, StatusCode::FORBIDDEN, "banned", None).await;
    assert!(
        !body["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("ip")
    );
    // An email ban catches the same person from another address.
    s.admin_call(
        &a,
        Method::POST,
        "/admin/api/bans",
        Some(json!({"kind": "email", "value": "Troll@Example.org"})),
    )
    .await;
    let res = s
        .post_as(
            "203.0.113.32",
            "/b",
            json!({"text": "new address", "email": "troll@example.org"}),
        )
        .await;
    assert_error(res, StatusCode::FORBIDDEN, "banned", None).await;
    let bans: Value = s
        .admin_call(&a, Method::GET, "/admin/api/bans", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bans["bans"].as_array().unwrap().len(), 2);
    // Times are RFC 3339, as in every other answer; a ban without end has none.
    let rfc3339 = |v: &Value| {
        let t = v.as_str().unwrap_or_default();
        t.len() == 20 && t.ends_with('Z') && t.as_bytes()[10] == b'T'
    };
    for ban in bans["bans"].as_array().unwrap() {
        assert!(rfc3339(&ban["created"]), "{ban}");
        match ban["kind"].as_str() {
            Some("ip") => assert!(rfc3339(&ban["expires"]), "{ban}"),
            _ => assert!(ban["expires"].is_null(), "{ban}"),
        }
    }
    let res = s
        .admin_call(
            &a,
            Method::DELETE,
            &format!("/admin/api/bans/{ban_id}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = s
        .post_as("203.0.113.31", "/b", json!({"text": "forgiven"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = s
        .admin_call(
            &a,
            Method::POST,
            "/admin/api/bans",
            Some(json!({"kind": "face"})),
        )
        .await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("kind"),
    )
    .await;
}

#[tokio::test]
async fn lock_retitle_and_move_a_thread() {
    let s = TestServer::start().await;
    s.post_ok(
        "/old-address",
        json!({"text": "moving soon", "title": "First title"}),
    )
    .await;
    let a = s.admin().await;
    let threads: Value = s
        .admin_call(&a, Method::GET, "/admin/api/threads?site=blog", None)
        .await
        .json()
        .await
        .unwrap();
    let t = &threads["threads"][0];
    assert_eq!(t["title"], "First title");
    assert_eq!(t["count"], 1);
    let id = t["id"].clone();

    let res = s
        .admin_call(
            &a,
            Method::PATCH,
            &format!("/admin/api/threads/{id}"),
            Some(json!({"locked": true, "title": "Better title"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = s
        .post_as(&fresh_ip(), "/old-address", json!({"text": "too late"}))
        .await;
    assert_error(res, StatusCode::FORBIDDEN, "thread_locked", None).await;
    let thread = s.thread("/old-address").await;
    assert_eq!(thread["thread"]["locked"], true);
    assert_eq!(thread["thread"]["title"], "Better title");

    let res = s
        .admin_call(
            &a,
            Method::PATCH,
            &format!("/admin/api/threads/{id}"),
            Some(json!({"url": page_url("/new-address/"), "locked": false})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(s.thread("/new-address").await["thread"]["count"], 1);
    assert_eq!(s.thread("/old-address").await["thread"]["count"], 0);

    s.post_text("/taken", "here first").await;
    let res = s
        .admin_call(
            &a,
            Method::PATCH,
            &format!("/admin/api/threads/{id}"),
            Some(json!({"url": page_url("/taken")})),
        )
        .await;
    assert_error(res, StatusCode::CONFLICT, "conflict", None).await;
    let res = s
        .admin_call(
            &a,
            Method::PATCH,
            &format!("/admin/api/threads/{id}"),
            Some(json!({"url": "https://elsewhere.example/x"})),
        )
        .await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("url"),
    )
    .await;
}

#[tokio::test]
async fn sites_are_created_and_edited() {
    let s = TestServer::start().await;
    let a = s.admin().await;
    let body = json!({"id": "zine", "name": "The Zine", "origins": ["https://zine.example"], "settings": {"moderation": "all", "require_name": true}});
    let res = s
        .admin_call(&a, Method::PUT, "/admin/api/sites/zine", Some(body))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let cfg: Value = s
        .get(&format!(
            "/api/config?url={}",
            enc("https://zine.example/p")
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cfg["moderation"], "all");
    assert_eq!(cfg["require_name"], true);
    let sites: Value = s
        .admin_call(&a, Method::GET, "/admin/api/sites", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        sites["sites"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "zine")
    );

    let bad = json!({"id": "zine", "name": "Z", "origins": ["zine.example"]});
    let res = s
        .admin_call(&a, Method::PUT, "/admin/api/sites/zine", Some(bad))
        .await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("origins"),
    )
    .await;
    let bad = json!({"id": "zine", "name": "Z", "origins": ["https://zine.example"], "settings": {"text_max": 0}});
    let res = s
        .admin_call(&a, Method::PUT, "/admin/api/sites/zine", Some(bad))
        .await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("settings.text_max"),
    )
    .await;
    let bad = json!({"id": "zine", "name": "Z", "origins": ["https://zine.example"], "settings": {"colour": "red"}});
    let res = s
        .admin_call(&a, Method::PUT, "/admin/api/sites/zine", Some(bad))
        .await;
    assert_error(res, StatusCode::BAD_REQUEST, "bad_request", None).await;
}

#[tokio::test]
async fn logout_ends_the_session_and_everywhere_ends_all() {
    let s = TestServer::start().await;
    let a = s.admin().await;
    let b = s.admin().await;
    let c = s.admin().await;
    let res = s
        .admin_call(&a, Method::POST, "/admin/api/logout", Some(json!({})))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        s.admin_call(&a, Method::GET, "/admin/api/session", None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.admin_call(&b, Method::GET, "/admin/api/session", None)
            .await
            .status(),
        StatusCode::OK
    );
    s.admin_call(
        &b,
        Method::POST,
        "/admin/api/logout",
        Some(json!({"everywhere": true})),
    )
    .await;
    assert_eq!(
        s.admin_call(&c, Method::GET, "/admin/api/session", None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_admin_page_is_served_with_a_strict_policy() {
    let s = TestServer::start().await;
    let res = s.get("/admin").await;
    if res.status() == StatusCode::NOT_FOUND {
        panic!("widget/admin/index.html is missing");
    }
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
}
