//! Clients are who the proxy says, exactly (DESIGN §14): every
//! X-Forwarded-For line, `ip:port` hops, and unreadable hops as a class of
//! their own. The test server trusts 127.0.0.1 as its proxy.

mod common;

use common::logged::Logged;
use common::{TempDir, TestServer, enc, page_url};
use reqwest::StatusCode;
use serde_json::json;

/// POSTs a comment with the given X-Forwarded-For lines (none: the proxy
/// itself asks).
async fn post_with(s: &TestServer, lines: &[&str], text: &str) -> StatusCode {
    let mut req = s
        .http
        .post(s.url(&format!("/api/comments?url={}", enc(&page_url("/xff")))))
        .json(&json!({ "text": text }));
    for l in lines {
        req = req.header("x-forwarded-for", *l);
    }
    req.send().await.unwrap().status()
}

#[tokio::test]
async fn a_second_header_line_cannot_pick_the_address() {
    let s = TestServer::start().await;
    // The client writes its own first line; the proxy appends the real one.
    for i in 0..3 {
        let forged = format!("6.6.6.{i}");
        let status = post_with(&s, &[&forged, "203.0.113.10"], &format!("post {i}")).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let status = post_with(&s, &["6.6.6.99", "203.0.113.10"], "one more").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Nor can a client pick 127.0.0.1 to read /metrics.
    let res = s
        .http
        .get(s.url("/metrics"))
        .header("x-forwarded-for", "127.0.0.1")
        .header("x-forwarded-for", "203.0.113.10")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn hops_with_ports_are_distinct_clients() {
    let s = TestServer::start().await;
    for i in 0..3 {
        let status = post_with(&s, &["8.8.8.8:1234"], &format!("from 8 {i}")).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    // Another reader behind the same proxy is not held back...
    assert_eq!(
        post_with(&s, &["[2001:db8::7]:443"], "v6 with a port").await,
        StatusCode::CREATED
    );
    assert_eq!(
        post_with(&s, &["8.8.4.4:999"], "another reader").await,
        StatusCode::CREATED
    );
    // ...while the same address on another port is the same reader.
    assert_eq!(
        post_with(&s, &["8.8.8.8:5555"], "from 8 again").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // An outside address with a port does not open /metrics.
    let res = s
        .http
        .get(s.url("/metrics"))
        .header("x-forwarded-for", "8.8.8.8:1234")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_unreadable_hop_gets_neither_the_proxys_address_nor_metrics() {
    let s = TestServer::start().await;
    // The proxy itself may read /metrics...
    assert_eq!(s.get("/metrics").await.status(), StatusCode::OK);
    // ...a request it forwards for "unknown" may not.
    for hop in ["unknown", "_hidden", "8.8.8.8, nonsense"] {
        let res = s
            .http
            .get(s.url("/metrics"))
            .header("x-forwarded-for", hop)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{hop}");
    }
    // Unknown clients are limited together, apart from the proxy.
    for i in 0..3 {
        let status = post_with(&s, &["unknown"], &format!("unknown {i}")).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    assert_eq!(
        post_with(&s, &["_hidden"], "still unknown").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        post_with(&s, &[], "the proxy's own").await,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_proxy_that_is_not_trusted_is_named_in_the_log_once() {
    let dir = TempDir::new("xff-log");
    let natter = Logged::start(&dir, "");
    let http = reqwest::Client::new();
    for _ in 0..3 {
        let res = http
            .get(format!("http://{}/healthz", natter.addr))
            .header("x-forwarded-for", "203.0.113.5")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    // /healthz takes no client; a limited route does.
    let res = http
        .get(format!(
            "http://{}/api/comments?url={}",
            natter.addr,
            enc("http://elsewhere.example/")
        ))
        .header("x-forwarded-for", "203.0.113.5")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error() || res.status().is_success());
    let _ = http
        .get(format!("http://{}/api/config", natter.addr))
        .header("x-forwarded-for", "203.0.113.6")
        .send()
        .await
        .unwrap();
    assert!(
        natter.logged("probably behind a proxy").await,
        "{}",
        natter.log()
    );
    let log = natter.log();
    assert_eq!(log.matches("probably behind a proxy").count(), 1, "{log}");
    assert!(log.contains("trusted_proxies"), "{log}");
}
