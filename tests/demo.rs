//! The demo site's sample conversation: there on a fresh start under the
//! page at `/`, written once, and gone for good once a moderator deletes it.

mod common;

use common::{TempDir, TestServer, enc};
use natter::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// natter with no site configured (so it serves the demo site), on the
/// database in `dir`.
async fn demo(dir: TempDir) -> TestServer {
    let cfg = Config {
        sites: Vec::new(),
        ..common::config(&dir)
    };
    TestServer::with(dir, cfg).await
}

/// Stops `s` and starts natter again on the same database.
async fn restart(mut s: TestServer) -> TestServer {
    s.stop().await;
    let dir = std::mem::replace(&mut s.dir, TempDir::new("demo-spare"));
    demo(dir).await
}

/// The thread of the demo page at `/`, as the widget there asks for it.
async fn front_page(s: &TestServer) -> Value {
    let res = s
        .get(&format!("/api/comments?url={}", enc(&s.url("/"))))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// Every comment of a thread answer, replies included, in document order.
fn all(thread: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut stack: Vec<Value> = thread["comments"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .cloned()
        .collect();
    while let Some(c) = stack.pop() {
        stack.extend(c["replies"].as_array().unwrap().iter().rev().cloned());
        out.push(c);
    }
    out
}

#[tokio::test]
async fn a_fresh_start_shows_a_sample_conversation_once_and_never_again_after_deleting_it() {
    let s = demo(TempDir::new("demo")).await;
    let thread = front_page(&s).await;
    let first = all(&thread);
    assert!(first.len() >= 4, "a few comments: {thread:#}");
    let replies = first.iter().filter(|c| !c["parent"].is_null()).count();
    assert!(replies >= 2, "some of them replies: {thread:#}");
    assert_eq!(thread["thread"]["count"], first.len());
    for c in &first {
        assert_eq!(c["status"], "published");
        let name = c["author"]["name"].as_str().unwrap();
        assert!(name.starts_with("Sample: "), "marked as a sample: {name}");
    }
    // The first says what it is, and that a moderator can delete it;
    // Markdown went through the one render function.
    let opening = thread["comments"][0]["html"].as_str().unwrap();
    assert!(opening.starts_with("<p>"), "{opening}");
    assert!(opening.contains("sample"), "{opening}");
    assert!(opening.contains("moderator can delete"), "{opening}");

    // A restart does not add them twice.
    let s = restart(s).await;
    let again = all(&front_page(&s).await);
    let ids = |cs: &[Value]| cs.iter().map(|c| c["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&again), ids(&first));

    // A moderator deletes them through the admin API...
    let a = s.admin().await;
    let res = s
        .admin_call(
            &a,
            Method::POST,
            "/admin/api/comments/bulk",
            Some(json!({"ids": ids(&first), "action": "delete"})),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(front_page(&s).await["comments"], json!([]));

    // ...and a restart does not bring them back.
    let mut s = restart(s).await;
    let after = front_page(&s).await;
    assert_eq!(after["comments"], json!([]), "{after:#}");
    assert_eq!(after["thread"]["count"], 0);
    s.stop().await;
}
