//! An author's edit is judged again like a new comment, and raises
//! `comment.edited` for webhooks (and for moderators when it is held).

mod common;

use common::mail::{Receiver, SmtpSink, wait_until};
use common::*;
use natter::config::{Smtp, SmtpTls};
use natter::domain::{ModerationMode, SiteSettings, Webhook};
use reqwest::StatusCode;
use serde_json::{Value, json};

const MODERATOR: &str = "mod@example.org";

/// A server that mails moderators through the sink and calls the receiver.
async fn server(sink: &SmtpSink, receiver: &Receiver, settings: SiteSettings) -> TestServer {
    let dir = TempDir::new("rejudge");
    let mut cfg = config(&dir);
    // The webhook receiver listens on loopback, which natter only calls when allowed.
    cfg.webhook_allow_private = vec![natter::config::Cidr::parse("127.0.0.1/32").unwrap()];
    cfg.smtp = Some(Smtp {
        host: "127.0.0.1".into(),
        port: sink.port,
        tls: SmtpTls::None,
        username: None,
        password: None,
        from: "Comments <comments@example.org>".into(),
    });
    cfg.sites[0].settings = SiteSettings {
        moderator_emails: vec![MODERATOR.into()],
        webhooks: vec![Webhook {
            url: receiver.url.clone(),
            secret: "a long shared webhook secret".into(),
        }],
        ..settings
    };
    TestServer::with(dir, cfg).await
}

/// Posts a comment; returns its id and edit token.
async fn post(s: &TestServer, page: &str, body: Value) -> (i64, String) {
    let res = s.post_as(&fresh_ip(), page, body).await;
    assert!(res.status().is_success(), "{}", res.status());
    let v: Value = res.json().await.unwrap();
    (
        v["comment"]["id"].as_i64().unwrap(),
        v["edit_token"].as_str().unwrap().to_string(),
    )
}

/// The author's edit; returns the status code and the comment answered.
async fn edit(s: &TestServer, id: i64, token: &str, text: &str) -> (StatusCode, Value) {
    let res = s
        .http
        .patch(s.url(&format!("/api/comments/{id}")))
        .bearer_auth(token)
        .json(&json!({ "text": text }))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    (status, body["comment"].clone())
}

async fn approve(s: &TestServer, id: i64) {
    assert_eq!(s.moderate(&[json!(id)], "approve").await["changed"], 1);
}

/// The `comment.edited` events the receiver got, as JSON bodies.
fn edited_events(r: &Receiver) -> Vec<Value> {
    r.hooks()
        .iter()
        .filter(|h| h.headers.get("natter-event").map(String::as_str) == Some("comment.edited"))
        .map(|h| serde_json::from_slice(&h.body).unwrap())
        .collect()
}

const SPAM: &str = "Great deals at the casino: https://a.example https://b.example \
                    https://c.example https://d.example https://e.example";

#[tokio::test]
async fn an_approved_comment_edited_to_links_and_casino_on_an_all_site_is_held_again() {
    let (sink, receiver) = (SmtpSink::start(0, None), Receiver::start(0).await);
    let s = server(
        &sink,
        &receiver,
        SiteSettings {
            moderation: ModerationMode::All,
            block_words: vec!["casino".into()],
            ..SiteSettings::default()
        },
    )
    .await;
    let (id, token) = post(
        &s,
        "/all",
        json!({"text": "A harmless first word", "name": "Sly"}),
    )
    .await;
    approve(&s, id).await;
    assert_eq!(s.thread("/all").await["thread"]["count"], 1);

    let (status, comment) = edit(&s, id, &token, SPAM).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{comment}");
    assert_eq!(comment["status"], "pending");
    let t = s.thread("/all").await;
    assert_eq!(t["thread"]["count"], 0, "{t}");
    assert!(!t.to_string().contains("casino"), "{t}");

    wait_until(
        || !edited_events(&receiver).is_empty(),
        "a comment.edited webhook",
    )
    .await;
    let event = &edited_events(&receiver)[0];
    assert_eq!(event["comment"]["id"], id);
    assert_eq!(event["comment"]["status"], "pending");
    assert_eq!(event["comment"]["text"], SPAM);
    wait_until(
        || {
            sink.mails_to(MODERATOR)
                .iter()
                .any(|m| m["text"].as_str().unwrap().contains("changed"))
        },
        "an email to the moderator about the edit",
    )
    .await;
}

#[tokio::test]
async fn a_clean_edit_on_a_none_site_stays_published_and_raises_comment_edited() {
    let (sink, receiver) = (SmtpSink::start(0, None), Receiver::start(0).await);
    let s = server(&sink, &receiver, SiteSettings::default()).await;
    let (id, token) = post(&s, "/none", json!({"text": "First draft"})).await;
    let (status, comment) = edit(&s, id, &token, "Second draft, better").await;
    assert_eq!(status, StatusCode::OK, "{comment}");
    assert_eq!(comment["status"], "published");
    let t = s.thread("/none").await;
    assert_eq!(t["thread"]["count"], 1);
    assert!(
        t["comments"][0]["html"]
            .as_str()
            .unwrap()
            .contains("Second draft")
    );

    wait_until(
        || !edited_events(&receiver).is_empty(),
        "a comment.edited webhook",
    )
    .await;
    let event = &edited_events(&receiver)[0];
    assert_eq!(event["event"], "comment.edited");
    assert_eq!(event["comment"]["status"], "published");
    assert_eq!(event["comment"]["text"], "Second draft, better");
}

#[tokio::test]
async fn a_held_edit_leaves_the_thread_and_tells_the_moderators() {
    let (sink, receiver) = (SmtpSink::start(0, None), Receiver::start(0).await);
    let s = server(&sink, &receiver, SiteSettings::default()).await;
    let (id, token) = post(&s, "/held", json!({"text": "Plain words", "name": "Pat"})).await;
    assert_eq!(s.thread("/held").await["thread"]["count"], 1);
    // Character references count as what readers see.
    let text =
        "[a](http&#58;//one.example) [b](http&#58;//two.example) [c](http&#58;//three.example)";
    let (status, comment) = edit(&s, id, &token, text).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{comment}");
    assert_eq!(comment["status"], "pending");
    let t = s.thread("/held").await;
    assert_eq!(t["thread"]["count"], 0);
    assert_eq!(t["comments"], json!([]), "{t}");

    // The first email told of the new comment; the next one is the edit.
    let about_edit = || {
        sink.mails_to(MODERATOR)
            .into_iter()
            .find(|m| m["text"].as_str().unwrap().contains("changed"))
    };
    wait_until(
        || about_edit().is_some(),
        "an email to the moderator about the edit",
    )
    .await;
    let mail = about_edit().unwrap();
    let body = mail["text"].as_str().unwrap();
    assert!(body.contains("Pat") && body.contains("changed"), "{body}");
    assert!(body.contains("Approve it"), "{body}");
    wait_until(
        || !edited_events(&receiver).is_empty(),
        "a comment.edited webhook",
    )
    .await;
}

#[tokio::test]
async fn on_a_first_site_an_edit_by_a_known_author_stays_published() {
    let (sink, receiver) = (SmtpSink::start(0, None), Receiver::start(0).await);
    let s = server(&sink, &receiver, moderated(ModerationMode::First)).await;
    let (id, token) = post(
        &s,
        "/first",
        // The widget's author key is how natter knows an author (DESIGN §5).
        json!({"text": "Hello there", "email": "kim@example.org", "voter": "kim-browser"}),
    )
    .await;
    approve(&s, id).await;
    let (status, comment) = edit(&s, id, &token, "Hello there, edited").await;
    assert_eq!(status, StatusCode::OK, "{comment}");
    assert_eq!(comment["status"], "published");
    assert_eq!(s.thread("/first").await["thread"]["count"], 1);
}
