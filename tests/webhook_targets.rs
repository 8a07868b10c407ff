//! Webhooks go only to public addresses unless natter.toml allows a private
//! range by name (DESIGN §14), when saved and again when called.

mod common;

use common::mail::{Receiver, wait_until};
use common::*;
use natter::config::{Cidr, Config, Overrides};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

const HOOKED: &str = "https://hooked.example.org";

fn hooked_site(url: &str) -> Value {
    json!({
        "id": "hooked",
        "name": "Hooked",
        "origins": [HOOKED],
        "settings": {"webhooks": [{"url": url, "secret": "a long shared webhook secret"}]}
    })
}

async fn save_hooked(s: &TestServer, a: &Admin, url: &str) -> reqwest::Response {
    s.admin_call(
        a,
        Method::PUT,
        "/admin/api/sites/hooked",
        Some(hooked_site(url)),
    )
    .await
}

/// Posts a comment on a page of the hooked site.
async fn post_on_hooked(s: &TestServer, text: &str) {
    let url = enc(&format!("{HOOKED}/post"));
    let res = s
        .http
        .post(s.url(&format!("/api/comments?url={url}")))
        .header("x-forwarded-for", fresh_ip())
        .json(&json!({ "text": text }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn internal_addresses_are_refused_when_a_webhook_is_saved() {
    let s = TestServer::start().await;
    let a = s.admin().await;
    for (url, shown) in [
        ("http://127.0.0.1:9/hook", "127.0.0.1 is a loopback address"),
        (
            "http://169.254.169.254/latest/meta-data/",
            "169.254.169.254 is a link-local",
        ),
        ("http://[::1]:9/hook", "::1 is a loopback address"),
        ("http://localhost:9/hook", "localhost resolves to"),
    ] {
        let res = save_hooked(&s, &a, url).await;
        let body = assert_error(
            res,
            StatusCode::BAD_REQUEST,
            "validation_failed",
            Some("settings.webhooks"),
        )
        .await;
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(shown), "{url}: {message}");
        assert!(message.contains("allow_private"), "{url}: {message}");
    }
    let sites: Value = s
        .admin_call(&a, Method::GET, "/admin/api/sites", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(!sites.to_string().contains("hooked"), "{sites}");
}

#[test]
fn natter_toml_with_an_internal_webhook_is_refused_unless_allowed() {
    let dir = TempDir::new("hook-config");
    let site = "[[site]]\nid = \"blog\"\norigins = [\"https://blog.example.org\"]\n\
                [[site.webhook]]\nurl = \"http://10.1.2.3/hook\"\nsecret = \"a long shared webhook secret\"\n";
    std::fs::write(dir.path("natter.toml"), site).unwrap();
    let err = Config::load(
        Some(&dir.path("natter.toml")),
        &Vec::new(),
        &Overrides::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("10.1.2.3 is a private address") && err.contains("allow_private"),
        "{err}"
    );

    std::fs::write(
        dir.path("natter.toml"),
        format!("[webhooks]\nallow_private = [\"10.0.0.0/8\"]\n{site}"),
    )
    .unwrap();
    let config = Config::load(
        Some(&dir.path("natter.toml")),
        &Vec::new(),
        &Overrides::default(),
    )
    .expect("an allowed range is accepted");
    assert_eq!(
        config.webhook_allow_private,
        [Cidr::parse("10.0.0.0/8").unwrap()]
    );
}

#[tokio::test]
async fn an_allowed_range_is_saved_and_called() {
    let receiver = Receiver::start(0).await;
    let dir = TempDir::new("hook-allowed");
    let mut cfg = config(&dir);
    cfg.webhook_allow_private = vec![Cidr::parse("127.0.0.1/32").unwrap()];
    let s = TestServer::with(dir, cfg).await;
    let a = s.admin().await;
    let res = save_hooked(&s, &a, &receiver.url).await;
    assert_eq!(res.status(), StatusCode::OK);
    post_on_hooked(&s, "Hello, allowed receiver").await;
    wait_until(|| !receiver.hooks().is_empty(), "a delivered webhook").await;
    let body: Value = serde_json::from_slice(&receiver.hooks()[0].body).unwrap();
    assert_eq!(body["comment"]["text"], "Hello, allowed receiver");
}

#[tokio::test]
async fn a_webhook_whose_allowance_was_removed_is_not_called() {
    let receiver = Receiver::start(0).await;
    let dir = TempDir::new("hook-removed");
    let mut cfg = config(&dir);
    cfg.webhook_allow_private = vec![Cidr::parse("127.0.0.1/32").unwrap()];
    let mut s = TestServer::with(dir, cfg.clone()).await;
    let a = s.admin().await;
    assert_eq!(
        save_hooked(&s, &a, &receiver.url).await.status(),
        StatusCode::OK
    );
    s.stop().await;
    let dir = std::mem::replace(&mut s.dir, TempDir::new("unused"));

    // Restarted with the allowance taken out of the configuration.
    cfg.webhook_allow_private.clear();
    let s = TestServer::with(dir, cfg).await;
    let a = s.admin().await;
    post_on_hooked(&s, "Nobody inside hears this").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let dead = loop {
        let o: Value = s
            .admin_call(&a, Method::GET, "/admin/api/outbox?state=dead", None)
            .await
            .json()
            .await
            .unwrap();
        if o["counts"]["dead"].as_u64().unwrap_or(0) >= 1 {
            break o;
        }
        assert!(std::time::Instant::now() < deadline, "not failed: {o}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let item = dead["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "webhook")
        .unwrap_or_else(|| panic!("no failed webhook: {dead}"));
    let error = item["last_error"].as_str().unwrap();
    assert!(
        error.contains("not called") && error.contains("127.0.0.1 is a loopback address"),
        "{error}"
    );
    assert!(receiver.hooks().is_empty(), "the receiver was called");
}
