//! Hostile text and hostile sign-ins: rendering and password checks stay
//! off the async workers and are bounded, the rules judge what readers
//! see, feeds stay well-formed XML and emails stay plain addresses.

mod common;

use common::*;
use natter::domain::SiteSettings;
use quick_xml::events::Event;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The worst text a preview takes: the deepest quote its 10,000 characters
/// can make.
fn worst_text() -> String {
    ">".repeat(10_000)
}

// The test runtime has one thread, which also serves natter: a render on
// it would keep /healthz waiting until a preview is done. Off it, four
// renders at once share the cores while /healthz answers at once.
#[tokio::test]
async fn health_answers_while_huge_previews_render() {
    let s = TestServer::start().await;
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut previews = Vec::new();
    for n in 0..4 {
        let (http, url, order) = (s.http.clone(), s.url("/api/preview"), order.clone());
        previews.push(tokio::spawn(async move {
            let res = http
                .post(url)
                .json(&json!({ "text": worst_text() }))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            let body: Value = res.json().await.unwrap();
            assert!(body["html"].as_str().unwrap().contains("<blockquote>"));
            order.lock().unwrap().push(format!("preview {n}"));
        }));
    }
    // Let the previews reach the server before asking for health.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let res = s.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    order.lock().unwrap().push("healthz".into());
    for p in previews {
        p.await.unwrap();
    }
    let order = order.lock().unwrap().clone();
    assert_eq!(order[0], "healthz", "{order:?}");
}

async fn login(s: &TestServer, ip: &str, username: &str, password: &str) -> reqwest::Response {
    s.http
        .post(s.url("/admin/api/login"))
        .header("x-forwarded-for", ip)
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
}

fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers()
        .get("retry-after")
        .unwrap_or_else(|| panic!("a {} without Retry-After", res.status()))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn too_many_sign_ins_at_once_are_refused_with_503() {
    let s = TestServer::start().await;
    let s = Arc::new(s);
    let tries: Vec<_> = (0..16)
        .map(|n| {
            let s = s.clone();
            tokio::spawn(async move {
                login(&s, &fresh_ip(), &format!("user{n}"), "wrong password").await
            })
        })
        .collect();
    let mut busy = 0;
    for t in tries {
        let res = t.await.unwrap();
        match res.status() {
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert!(retry_after(&res) >= 1);
                let body: Value = res.json().await.unwrap();
                assert_eq!(body["error"], "busy", "{body}");
            }
            StatusCode::UNAUTHORIZED => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(busy > 0, "16 sign-ins at once were all checked");
    // Once the rush is over, signing in works again.
    s.admin().await;
}

#[tokio::test]
async fn wrong_passwords_for_one_name_back_off_while_others_sign_in() {
    let dir = TempDir::new("backoff");
    let cfg = config(&dir);
    {
        let db = natter::store::Db::open(&cfg.database).unwrap();
        let hashes = [
            (
                "admin",
                natter::keys::hash_password(ADMIN_PASSWORD).unwrap(),
            ),
            (
                "editor",
                natter::keys::hash_password("editor's own password").unwrap(),
            ),
        ];
        db.write(move |c| {
            for (name, hash) in &hashes {
                natter::store::admins::insert(c, name, hash, 0)?;
            }
            Ok::<_, natter::store::StoreError>(())
        })
        .await
        .unwrap();
        db.close();
    }
    let s = TestServer::with(dir, cfg).await;
    // Each try from another address, so only the per-name limit can act.
    for _ in 0..5 {
        let res = login(&s, &fresh_ip(), "editor", "guess").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = login(&s, &fresh_ip(), "editor", "editor's own password").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let first = retry_after(&res);
    assert!(first >= 1);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "sign_in_paused", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("editor"),
        "{body}"
    );

    // The other name is not held back.
    s.admin().await;

    tokio::time::sleep(Duration::from_secs(first) + Duration::from_millis(200)).await;
    let res = login(&s, &fresh_ip(), "editor", "guess again").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = login(&s, &fresh_ip(), "editor", "guess once more").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let second = retry_after(&res);
    assert!(second > first, "{second} after {first}");
    s.admin().await;
}

#[tokio::test]
async fn character_references_do_not_get_past_the_rules() {
    let s = TestServer::with_settings(SiteSettings {
        max_links: 0,
        block_words: vec!["casino".into()],
        ..SiteSettings::default()
    })
    .await;
    for text in ["[a](http&#58;//one.example)", "best cas&#105;no in town"] {
        let res = s
            .post_as(&fresh_ip(), "/refs", json!({ "text": text }))
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED, "{text}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["comment"]["status"], "pending", "{text}");
    }
    let res = s
        .post_as(&fresh_ip(), "/refs", json!({ "text": "a casual word" }))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(s.thread("/refs").await["thread"]["count"], 1);
}

/// Every text node of an XML document, failing on anything not well-formed
/// or on characters XML 1.0 forbids.
fn xml_texts(xml: &str) -> Vec<String> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{d7ff}').contains(&c)
            || ('\u{e000}'..='\u{fffd}').contains(&c)
            || c >= '\u{10000}'
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut texts = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Text(t) => {
                let text = t.xml10_content().into_owned();
                assert!(text.chars().all(allowed), "forbidden character in {text:?}");
                texts.push(text);
            }
            Event::Start(e) | Event::Empty(e) => {
                for a in e.attributes() {
                    let value = a.unwrap().value.into_owned();
                    assert!(
                        value.chars().all(allowed),
                        "forbidden character in {value:?}"
                    );
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    texts
}

#[tokio::test]
async fn feeds_stay_well_formed_with_characters_xml_forbids() {
    let s = TestServer::start().await;
    s.post_ok(
        "/odd",
        json!({ "text": "before\u{fffe}middle\u{ffff}after\u{1}end", "name": "Od\u{fffe}d" }),
    )
    .await;
    for path in [
        format!("/api/feed?url={}", enc(&page_url("/odd"))),
        "/api/feed?site=blog".to_string(),
    ] {
        let res = s.get(&path).await;
        assert_eq!(res.status(), StatusCode::OK);
        let texts = xml_texts(&res.text().await.unwrap());
        assert!(
            texts
                .iter()
                .any(|t| t.contains("before") && t.contains("end")),
            "{texts:?}"
        );
    }
}

#[tokio::test]
async fn an_email_must_be_a_plain_address() {
    let s = TestServer::start().await;
    for email in [
        "a@b.c?bcc=spy@evil.example",
        "a@b.c,spy@evil.example",
        "Jo <jo@example.org>",
        "\"jo\"@example.org",
    ] {
        let res = s
            .post_as(
                &fresh_ip(),
                "/mail",
                json!({ "text": "hello", "email": email }),
            )
            .await;
        let body = assert_error(
            res,
            StatusCode::BAD_REQUEST,
            "validation_failed",
            Some("email"),
        )
        .await;
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("name@example.org"),
            "{body}"
        );
    }
    s.post_ok(
        "/mail",
        json!({ "text": "hello", "email": "jo+blog@example.org" }),
    )
    .await;
}
