//! Who an author is (DESIGN §5, §8, §14): `first` moderation knows an author
//! only by the key their widget keeps or by an address they confirmed, and
//! avatars are keyed per site and per author key, never by the email.

mod common;

use common::mail::{SmtpSink, link_after, smtp};
use common::*;
use natter::domain::{ModerationMode, SiteSettings};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Posts a comment from `ip` and returns the status and the answer.
async fn post(s: &TestServer, ip: &str, page: &str, body: Value) -> (StatusCode, Value) {
    let res = s.post_as(ip, page, body).await;
    let status = res.status();
    (status, res.json().await.unwrap())
}

/// Approves a held comment through the admin API.
async fn approve(s: &TestServer, id: &Value) {
    s.moderate(std::slice::from_ref(id), "approve").await;
}

/// Alice's first comment under `first` moderation, approved: her voter key
/// is `alice-browser`.
async fn alice_is_approved(s: &TestServer) -> Value {
    let (status, held) = post(
        s,
        "203.0.113.10",
        "/first",
        json!({"text": "Hello, I am Alice", "name": "Alice", "email": "alice@example.org",
               "website": "https://alice.example", "voter": "alice-browser"}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{held}");
    approve(s, &held["comment"]["id"]).await;
    let thread = s.thread("/first").await;
    thread["comments"][0].clone()
}

#[tokio::test]
async fn a_typed_email_does_not_make_an_impostor_a_known_author() {
    let s = TestServer::with_settings(moderated(ModerationMode::First)).await;
    alice_is_approved(&s).await;
    for voter in [Some("mallory-browser"), None] {
        let mut body = json!({"text": format!("I am Alice too ({voter:?})"), "name": "Alice",
                              "email": "alice@example.org"});
        if let Some(v) = voter {
            body["voter"] = v.into();
        }
        let (status, answer) = post(&s, &fresh_ip(), "/first", body).await;
        assert_eq!(
            status,
            StatusCode::ACCEPTED,
            "an impostor with Alice's address was published: {answer}"
        );
    }
    assert_eq!(s.thread("/first").await["thread"]["count"], 1);
}

#[tokio::test]
async fn the_same_author_key_is_published_after_approval() {
    let s = TestServer::with_settings(moderated(ModerationMode::First)).await;
    alice_is_approved(&s).await;
    // Alice again, from the same browser on another network, with no email.
    let (status, answer) = post(
        &s,
        "198.51.100.77",
        "/first",
        json!({"text": "Back from the train", "voter": "alice-browser"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
}

#[tokio::test]
async fn an_author_who_confirmed_their_address_is_recognised() {
    let sink = SmtpSink::start(0, None);
    let dir = TempDir::new("authors");
    let mut cfg = config(&dir);
    cfg.smtp = Some(smtp(sink.port));
    cfg.sites[0].settings = moderated(ModerationMode::First);
    let s = TestServer::with(dir, cfg).await;
    alice_is_approved(&s).await;

    // On a new browser, Alice's typed address alone proves nothing...
    let (status, answer) = post(
        &s,
        &fresh_ip(),
        "/first",
        json!({"text": "New laptop", "name": "Alice", "email": "alice@example.org",
               "voter": "alice-laptop", "notify": {"replies": true}}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert_eq!(answer["notify"], "confirm");

    // ...until she confirms it from her mailbox.
    let mail = sink.wait_for(1).await[0].clone();
    assert_eq!(mail["to"], json!(["alice@example.org"]));
    let link = link_after(&mail, "Yes, send me these emails");
    let res = s
        .http
        .post(&link)
        .form(&[("do", "confirm")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let (status, answer) = post(
        &s,
        &fresh_ip(),
        "/first",
        json!({"text": "Laptop again", "name": "Alice", "email": "alice@example.org",
               "voter": "alice-laptop"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    // Someone else typing the confirmed address is still held.
    let (status, answer) = post(
        &s,
        &fresh_ip(),
        "/first",
        json!({"text": "Not Alice", "name": "Alice", "email": "alice@example.org",
               "voter": "mallory-browser"}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
}

fn avatar(answer: &Value) -> String {
    answer["comment"]["author"]["avatar"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn one_email_on_two_sites_has_two_avatars() {
    const OTHER: &str = "https://other.example.org";
    let dir = TempDir::new("authors");
    let mut cfg = config(&dir);
    cfg.sites
        .push(site("other", OTHER, SiteSettings::default()));
    let s = TestServer::with(dir, cfg).await;
    let body = json!({"text": "Same me", "email": "jo@example.org", "voter": "jo-browser"});
    let (status, on_blog) = post(&s, &fresh_ip(), "/a", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let res = s
        .http
        .post(s.url(&format!("/api/comments?url={}", enc(&format!("{OTHER}/a")))))
        .header("x-forwarded-for", fresh_ip())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let on_other: Value = res.json().await.unwrap();
    assert_ne!(avatar(&on_blog), avatar(&on_other));
}

#[tokio::test]
async fn one_email_with_two_author_keys_has_two_avatars() {
    let s = TestServer::start().await;
    let (_, first) = post(
        &s,
        &fresh_ip(),
        "/b",
        json!({"text": "One", "email": "jo@example.org", "voter": "jo-phone"}),
    )
    .await;
    let (_, again) = post(
        &s,
        &fresh_ip(),
        "/b",
        json!({"text": "Two", "email": "jo@example.org", "voter": "jo-phone"}),
    )
    .await;
    let (_, other) = post(
        &s,
        &fresh_ip(),
        "/b",
        json!({"text": "Three", "email": "jo@example.org", "voter": "someone-else"}),
    )
    .await;
    let (_, keyless) = post(
        &s,
        &fresh_ip(),
        "/b",
        json!({"text": "Four", "email": "jo@example.org"}),
    )
    .await;
    assert_eq!(avatar(&first), avatar(&again), "one author key, one face");
    assert_ne!(avatar(&first), avatar(&other));
    assert_ne!(avatar(&first), avatar(&keyless));
    assert_ne!(avatar(&other), avatar(&keyless));
}

#[tokio::test]
async fn a_held_answer_gives_nothing_of_the_typed_address_owner() {
    let s = TestServer::with_settings(moderated(ModerationMode::First)).await;
    let alice = alice_is_approved(&s).await;
    for voter in [Some("mallory-browser"), None] {
        let mut body = json!({"text": format!("Probe {voter:?}"), "name": "Mallory",
                              "email": "alice@example.org"});
        if let Some(v) = voter {
            body["voter"] = v.into();
        }
        let (status, held) = post(&s, &fresh_ip(), "/first", body).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{held}");
        let author = &held["comment"]["author"];
        assert_ne!(author["avatar"], alice["author"]["avatar"], "{held}");
        assert_eq!(author["name"], "Mallory");
        assert_eq!(author["website"], Value::Null);
        let text = held.to_string();
        for hers in ["Alice", "alice.example", "alice@example.org"] {
            assert!(!text.contains(hers), "{hers} in {text}");
        }
    }
}
