//! Abuse and privacy: CORS, origins, body rules, rate limits, hashing, caching.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::Read;

#[tokio::test]
async fn cors_answers_only_registered_origins() {
    let s = TestServer::start().await;
    let path = format!("/api/comments?url={}", enc(&page_url("/p")));
    let res = s
        .http
        .get(s.url(&path))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
    assert!(
        res.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .contains("Natter-Form-Token")
    );
    assert!(
        res.headers()
            .get("access-control-allow-credentials")
            .is_none()
    );
    let res = s
        .http
        .get(s.url(&path))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    // An unregistered page may read why it was refused, and load the widget's files.
    let refused = format!("/api/comments?url={}", enc("https://evil.example/p"));
    let res = s
        .http
        .get(s.url(&refused))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let res = s
        .http
        .get(s.url("/embed.js"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    // The admin API never answers other origins.
    let res = s
        .http
        .get(s.url("/admin/api/session"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());

    let pre = s
        .http
        .request(reqwest::Method::OPTIONS, s.url("/api/comments"))
        .header("origin", ORIGIN)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), StatusCode::NO_CONTENT);
    assert_eq!(pre.headers()["access-control-allow-origin"], ORIGIN);
    assert!(
        pre.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("PATCH")
    );
    let pre = s
        .http
        .request(reqwest::Method::OPTIONS, s.url("/api/comments"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_error(pre, StatusCode::FORBIDDEN, "forbidden_origin", None).await;
}

#[tokio::test]
async fn writes_from_a_foreign_origin_are_refused() {
    let s = TestServer::start().await;
    let res = s
        .http
        .post(s.url(&format!("/api/comments?url={}", enc(&page_url("/o")))))
        .header("origin", "https://evil.example")
        .json(&json!({"text": "forged"}))
        .send()
        .await
        .unwrap();
    let body = assert_error(res, StatusCode::FORBIDDEN, "forbidden_origin", None).await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("https://evil.example")
    );
    let posted = s.post_text("/o", "real").await;
    let res = s
        .http
        .post(s.url(&format!("/api/comments/{}/vote", posted["comment"]["id"])))
        .header("origin", "https://evil.example")
        .json(&json!({"value": 1}))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "forbidden_origin", None).await;
    let res = s
        .http
        .delete(s.url(&format!("/api/comments/{}", posted["comment"]["id"])))
        .header("origin", "https://evil.example")
        .bearer_auth(posted["edit_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "forbidden_origin", None).await;
    // With the right origin it goes through.
    let res = s
        .http
        .post(s.url(&format!("/api/comments?url={}", enc(&page_url("/o")))))
        .header("origin", ORIGIN)
        .json(&json!({"text": "from the blog"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(s.thread("/o").await["thread"]["count"], 2);
}

#[tokio::test]
async fn only_json_bodies_are_accepted() {
    let s = TestServer::start().await;
    let url = s.url(&format!("/api/comments?url={}", enc(&page_url("/j"))));
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let res = s
            .http
            .post(&url)
            .header("x-forwarded-for", fresh_ip())
            .header("content-type", ct)
            .body("{\"text\":\"hi\"}")
            .send()
            .await
            .unwrap();
        assert_error(
            res,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            None,
        )
        .await;
    }
    let res = s
        .http
        .post(&url)
        .header("x-forwarded-for", fresh_ip())
        .body("{\"text\":\"hi\"}")
        .send()
        .await
        .unwrap();
    assert_error(
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        None,
    )
    .await;
    let res = s
        .http
        .post(&url)
        .header("x-forwarded-for", fresh_ip())
        .header("content-type", "application/json; charset=utf-8")
        .body("{\"text\":\"hi\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = s
        .http
        .post(&url)
        .header("x-forwarded-for", fresh_ip())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::BAD_REQUEST, "bad_request", None).await;
}

#[tokio::test]
async fn bodies_over_64_kib_are_refused() {
    let s = TestServer::start().await;
    let big = json!({"text": "x".repeat(70 * 1024)});
    let res = s.post_as(&fresh_ip(), "/big", big).await;
    assert_error(
        res,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        None,
    )
    .await;
}

#[tokio::test]
async fn posting_is_rate_limited_per_client_with_retry_after() {
    let s = TestServer::start().await;
    for i in 0..3 {
        let res = s
            .post_as("203.0.113.50", "/rl", json!({"text": format!("burst {i}")}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let res = s
        .post_as("203.0.113.50", "/rl", json!({"text": "one too many"}))
        .await;
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    let body = assert_error(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited", None).await;
    assert!(body["message"].as_str().unwrap().contains("wait"));
    // Another client is not held back, and the limited text was not stored.
    let res = s
        .post_as("203.0.113.51", "/rl", json!({"text": "someone else"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(s.thread("/rl").await["thread"]["count"], 4);
}

#[tokio::test]
async fn ipv6_clients_share_a_limit_per_64() {
    let s = TestServer::start().await;
    for i in 0..3 {
        let ip = format!("2001:db8:5:6::{}", i + 1);
        assert_eq!(
            s.post_as(&ip, "/v6", json!({"text": format!("v6 {i}")}))
                .await
                .status(),
            StatusCode::CREATED
        );
    }
    let res = s
        .post_as("2001:db8:5:6:ffff::9", "/v6", json!({"text": "same /64"}))
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let res = s
        .post_as("2001:db8:5:7::1", "/v6", json!({"text": "other /64"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn forwarded_for_is_ignored_from_untrusted_peers() {
    let dir = TempDir::new("proxy");
    let mut cfg = config(&dir);
    cfg.trusted_proxies.clear();
    let s = TestServer::with(dir, cfg).await;
    for i in 0..3 {
        let res = s
            .post_as(
                &format!("192.0.2.{i}"),
                "/x",
                json!({"text": format!("t{i}")}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    // Every post came from 127.0.0.1 whatever the header claims.
    let res = s.post_as("192.0.2.99", "/x", json!({"text": "t99"})).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn votes_are_rate_limited() {
    let s = TestServer::start().await;
    let id = s.post_text("/vr", "v").await["comment"]["id"].clone();
    let mut last = StatusCode::OK;
    for i in 0..11 {
        last = s
            .http
            .post(s.url(&format!("/api/comments/{id}/vote")))
            .header("x-forwarded-for", "203.0.113.70")
            .json(&json!({"value": if i % 2 == 0 { 1 } else { -1 }, "voter": "x"}))
            .send()
            .await
            .unwrap()
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn readers_get_no_cookies_and_ips_are_stored_only_hashed() {
    let s = TestServer::start().await;
    let res = s
        .post_as(
            "203.0.113.77",
            "/priv",
            json!({"text": "private", "voter": "v-77"}),
        )
        .await;
    assert!(res.headers().get("set-cookie").is_none());
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = s
        .get(&format!("/api/comments?url={}", enc(&page_url("/priv"))))
        .await;
    assert!(res.headers().get("set-cookie").is_none());
    let mut s = s;
    s.stop().await;
    let mut bytes = Vec::new();
    for f in ["natter.db", "natter.db-wal"] {
        if let Ok(mut file) = std::fs::File::open(s.dir.path(f)) {
            file.read_to_end(&mut bytes).unwrap();
        }
    }
    let hay = String::from_utf8_lossy(&bytes);
    assert!(hay.contains("private"), "the comment is in the file");
    assert!(
        !hay.contains("203.0.113.77"),
        "the IP address was stored in the clear"
    );
    assert!(
        !hay.contains("v-77"),
        "the voter id was stored in the clear"
    );
}

#[tokio::test]
async fn etag_and_gzip() {
    let s = TestServer::start().await;
    s.post_text("/g", &"long words ".repeat(50)).await;
    let path = s.url(&format!("/api/comments?url={}", enc(&page_url("/g"))));
    let res = s
        .http
        .get(&path)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let gz = res.bytes().await.unwrap();
    let mut plain = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut plain)
        .unwrap();
    let value: Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(value["thread"]["count"], 1);

    let res = s
        .http
        .get(&path)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert!(res.bytes().await.unwrap().is_empty());
    // A write changes the ETag.
    s.post_text("/g", "more").await;
    let res = s
        .http
        .get(&path)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_ne!(res.headers()["etag"].to_str().unwrap(), etag);
}

#[tokio::test]
async fn the_timing_token_holds_fast_forms_and_refuses_forged_ones() {
    let dir = TempDir::new("timing");
    let mut cfg = config(&dir);
    cfg.spam_min_seconds = 2;
    let s = TestServer::with(dir, cfg).await;
    let res = s
        .get(&format!("/api/comments?url={}", enc(&page_url("/fast"))))
        .await;
    let token = res.headers()["natter-form-token"]
        .to_str()
        .unwrap()
        .to_string();
    let res = s
        .post_as(
            &fresh_ip(),
            "/fast",
            json!({"text": "bot speed", "form_token": token}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::ACCEPTED,
        "posted within a second: held"
    );
    let res = s
        .post_as(&fresh_ip(), "/fast", json!({"text": "no token"}))
        .await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("form_token"),
    )
    .await;
    let res = s
        .post_as(
            &fresh_ip(),
            "/fast",
            json!({"text": "forged", "form_token": "1000.AAAAAAAAAAAAAAAAAAAAAA"}),
        )
        .await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("form_token"),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let res = s
        .post_as(
            &fresh_ip(),
            "/fast",
            json!({"text": "human speed", "form_token": token}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_honeypot_is_answered_as_held_and_kept_out() {
    let s = TestServer::start().await;
    let res = s
        .post_as(
            &fresh_ip(),
            "/hp",
            json!({"text": "buy now", "homepage": "http://spam.example"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["comment"]["status"], "pending");
    assert_eq!(s.thread("/hp").await["thread"]["count"], 0);
}

/// Names and websites are data, never markup: the JSON carries them as
/// typed, and the HTML field is sanitised.
#[tokio::test]
async fn hostile_fields_come_back_inert() {
    let s = TestServer::start().await;
    let name = "<img src=x onerror=alert(1)>";
    let posted = s
        .post_ok("/h", json!({"text": "<script>alert(1)</script>[x](javascript:alert(1))", "name": name, "website": "https://e.example/\"><script>"}))
        .await;
    let c = &posted["comment"];
    assert_eq!(c["author"]["name"], name);
    let html = c["html"].as_str().unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("href=\"javascript:"), "{html}");
    assert!(!html.contains("onerror"), "{html}");
    let t = s.thread("/h").await;
    assert_eq!(t["comments"][0]["html"], c["html"]);
}
