//! Atom feeds of threads and sites.

mod common;

use common::*;
use natter::domain::ModerationMode;
use quick_xml::events::Event;
use reqwest::StatusCode;
use serde_json::json;

/// Parses the feed (failing on malformed XML) and returns its entries'
/// (title, content) pairs.
fn entries(xml: &str) -> Vec<(String, String)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    let mut field = String::new();
    let mut depth = 0;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                depth += 1;
                let name = e.name().as_ref().to_string();
                if depth == 1 {
                    assert_eq!(name, "feed");
                    let ns = e.try_get_attribute("xmlns").unwrap().unwrap();
                    assert_eq!(&*ns.value, "http://www.w3.org/2005/Atom");
                }
                if name == "entry" {
                    current = Some(Default::default());
                }
                field = name;
            }
            Event::Text(t) => {
                if let Some(c) = current.as_mut() {
                    let text = t.xml10_content().into_owned();
                    match field.as_str() {
                        "title" => c.0.push_str(&text),
                        "content" => c.1.push_str(&text),
                        _ => {}
                    }
                }
            }
            Event::GeneralRef(r) => {
                if let Some(c) = current.as_mut() {
                    let s = quick_xml::escape::resolve_predefined_entity(&r)
                        .unwrap()
                        .to_string();
                    match field.as_str() {
                        "title" => c.0.push_str(&s),
                        "content" => c.1.push_str(&s),
                        _ => {}
                    }
                }
            }
            Event::End(e) => {
                depth -= 1;
                if e.name().as_ref() == "entry" {
                    out.push(current.take().unwrap());
                }
                field.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    out
}

#[tokio::test]
async fn a_thread_feed_carries_its_published_comments() {
    let s = TestServer::with_settings(moderated(ModerationMode::None)).await;
    s.post_ok("/feed", json!({"text": "First <script>alert(1)</script> & more", "name": "Ann <b>", "title": "Feeds & you"})).await;
    s.post_ok("/feed", json!({"text": "Second", "name": "Ben"}))
        .await;
    s.post_ok("/other", json!({"text": "Elsewhere"})).await;
    let res = s
        .get(&format!("/api/feed?url={}", enc(&page_url("/feed"))))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let xml = res.text().await.unwrap();
    let list = entries(&xml);
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].0, "Ben on Feeds & you", "newest first");
    assert_eq!(list[1].0, "Ann <b> on Feeds & you");
    assert!(
        list[1].1.contains("&lt;script&gt;"),
        "the HTML content carries the escaped text: {}",
        list[1].1
    );
    assert!(!xml.contains("<script"), "{xml}");

    let res = s
        .http
        .get(s.url(&format!("/api/feed?url={}", enc(&page_url("/feed")))))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

    let site = s.get("/api/feed?site=blog").await.text().await.unwrap();
    assert_eq!(entries(&site).len(), 3);
    let empty = s
        .get(&format!("/api/feed?url={}", enc(&page_url("/nothing"))))
        .await
        .text()
        .await
        .unwrap();
    assert!(entries(&empty).is_empty());
    assert_error(
        s.get("/api/feed?site=nosuch").await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
    assert_error(
        s.get("/api/feed").await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("url"),
    )
    .await;
}

#[tokio::test]
async fn held_comments_stay_out_of_feeds() {
    let s = TestServer::with_settings(moderated(ModerationMode::All)).await;
    let res = s
        .post_as(&fresh_ip(), "/held", json!({"text": "not yet"}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let xml = s
        .get(&format!("/api/feed?url={}", enc(&page_url("/held"))))
        .await
        .text()
        .await
        .unwrap();
    assert!(entries(&xml).is_empty());
    assert!(!xml.contains("not yet"));
    let xml = s.get("/api/feed?site=blog").await.text().await.unwrap();
    assert!(!xml.contains("not yet"));
}
