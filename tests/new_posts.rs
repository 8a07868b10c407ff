//! "Notify me of new posts" end to end: a real natter reading a blog's
//! feed from a loopback HTTP server the test changes, mailing through the
//! real SMTP server of the tests.

mod common;

use common::email_sign_in::{email_provider, sign_in};
use common::feed::{FeedServer, rss};
use common::mail::{SmtpSink, link_after, smtp, wait_until};
use common::*;
use natter::domain::SiteSettings;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A natter whose site lives on the feed server's origin and reads its
/// feed every second.
async fn natter(dir: TempDir, feed: &FeedServer, smtp_port: u16) -> TestServer {
    let mut cfg = config(&dir);
    cfg.smtp = Some(smtp(smtp_port));
    let settings = SiteSettings {
        feed: Some(feed.url()),
        feed_every_seconds: 1,
        sign_in: vec!["email".into()],
        ..SiteSettings::default()
    };
    cfg.providers = vec![email_provider()];
    cfg.sites = vec![site("blog", &feed.origin, settings)];
    TestServer::with(dir, cfg).await
}

/// `POST /api/new-posts` for `email`; returns the status and answer.
async fn ask(s: &TestServer, feed: &FeedServer, email: &str) -> (StatusCode, Value) {
    let res = s
        .http
        .post(s.url("/api/new-posts"))
        .header("x-forwarded-for", fresh_ip())
        .header("origin", &feed.origin)
        .json(&json!({"url": format!("{}/about/", feed.origin), "email": email}))
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

/// Opens a link's page and presses its button `do=value`.
async fn press(s: &TestServer, link: &str, value: &str) -> String {
    let page = s.http.get(link).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "{link}");
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("value=\"{value}\"")), "{html}");
    let res = s
        .http
        .post(link)
        .form(&[("do", value)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

/// Asks for new posts for `email` and confirms it by its email's link.
async fn subscribe_confirmed(s: &TestServer, feed: &FeedServer, sink: &SmtpSink, email: &str) {
    let (status, body) = ask(s, feed, email).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["status"], "confirm");
    wait_until(|| !sink.mails_to(email).is_empty(), "the confirmation").await;
    let mail = &sink.mails_to(email)[0];
    assert!(
        mail["text"].as_str().unwrap().contains("new post"),
        "{mail}"
    );
    press(s, &link_after(mail, "Yes, send me these emails"), "confirm").await;
}

/// The new-post emails to `email`.
fn posts_to(sink: &SmtpSink, email: &str) -> Vec<Value> {
    sink.mails_to(email)
        .into_iter()
        .filter(|m| m["subject"].as_str().unwrap().starts_with("New post on"))
        .collect()
}

/// Waits until the outbox has nothing waiting.
async fn drained(s: &TestServer) {
    let a = s.admin().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let o: Value = s
            .admin_call(&a, Method::GET, "/admin/api/outbox?state=pending", None)
            .await
            .json()
            .await
            .unwrap();
        if o["counts"]["pending"] == 0 {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "outbox: {o}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn each_new_post_is_emailed_once_to_each_confirmed_reader() {
    let sink = SmtpSink::start(0, None);
    // The blog is down when natter starts: nothing is recorded yet.
    let feed = FeedServer::start("", 503).await;
    let mut s = natter(TempDir::new("new-posts"), &feed, sink.port).await;
    subscribe_confirmed(&s, &feed, &sink, "alice@example.org").await;
    subscribe_confirmed(&s, &feed, &sink, "carol@example.org").await;
    let (status, body) = ask(&s, &feed, "bob@example.org").await;
    assert_eq!(
        (status, &body["status"]),
        (StatusCode::ACCEPTED, &json!("confirm"))
    );

    // The first read that works records what the feed holds, and tells nobody.
    let old = [("p-2", "Second"), ("p-1", "First")];
    feed.set(&rss(&feed.origin, &old), 200);
    let n = feed.seen().requests;
    feed.wait_requests(n, 3).await;
    drained(&s).await;
    assert!(posts_to(&sink, "alice@example.org").is_empty());

    // A new post: one email to each confirmed reader, none to Bob.
    let new = [
        ("p-3", "Third &amp; last"),
        ("p-2", "Second"),
        ("p-1", "First"),
    ];
    feed.set(&rss(&feed.origin, &new), 200);
    wait_until(
        || {
            posts_to(&sink, "alice@example.org").len() == 1
                && posts_to(&sink, "carol@example.org").len() == 1
        },
        "the new post's emails",
    )
    .await;
    let mail = &posts_to(&sink, "alice@example.org")[0];
    assert_eq!(mail["subject"], "New post on blog: Third & last");
    assert_eq!(
        link_after(mail, "Read the post"),
        format!("{}/p-3/", feed.origin)
    );
    assert_eq!(mail["list_unsubscribe_post"], "List-Unsubscribe=One-Click");

    // Read again (answered 304 now), and again after a restart: still once.
    let n = feed.seen().requests;
    feed.wait_requests(n, 3).await;
    drained(&s).await;
    let seen = feed.seen();
    assert!(seen.conditional >= 3 && seen.not_modified >= 3, "{seen:?}");
    s.stop().await;
    let dir = std::mem::replace(&mut s.dir, TempDir::new("spare"));
    let s = natter(dir, &feed, sink.port).await;
    let before = feed.seen();
    feed.wait_requests(before.requests, 3).await;
    drained(&s).await;
    assert!(
        feed.seen().not_modified >= before.not_modified + 3,
        "the ETag was kept"
    );
    // Even a full answer (a changed ETag) tells of nothing old again.
    feed.set(&rss(&feed.origin, &new), 200);
    let n = feed.seen().requests;
    feed.wait_requests(n, 2).await;
    drained(&s).await;
    assert_eq!(posts_to(&sink, "alice@example.org").len(), 1);
    assert_eq!(posts_to(&sink, "carol@example.org").len(), 1);
    let bob = sink.mails_to("bob@example.org");
    assert_eq!(bob.len(), 1, "Bob gets only the confirmation");
    assert!(
        bob[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("Please confirm")
    );
}

#[tokio::test]
async fn a_reader_signed_in_with_a_verified_address_is_subscribed_at_once() {
    let sink = SmtpSink::start(0, None);
    let feed = FeedServer::start(&rss("http://x", &[("a", "A")]), 200).await;
    let s = natter(TempDir::new("new-posts-signed-in"), &feed, sink.port).await;
    let page = format!("{}/p", feed.origin);
    let token = sign_in(&s, &sink, &page, "dana@example.org").await;
    let signed_in = |token: &str| {
        s.http
            .post(s.url("/api/new-posts"))
            .bearer_auth(token)
            .json(&json!({"url": page, "email": "someone@example.org"}))
            .send()
    };
    let res = signed_in(&token).await.unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "subscribed", "{body}");

    feed.set(&rss(&feed.origin, &[("b", "B"), ("a", "A")]), 200);
    wait_until(
        || posts_to(&sink, "dana@example.org").len() == 1,
        "the email",
    )
    .await;
    drained(&s).await;
    assert!(sink.mails_to("someone@example.org").is_empty());

    let res = signed_in("not-a-token").await.unwrap();
    assert_error(res, StatusCode::UNAUTHORIZED, "signed_out", None).await;
}

#[tokio::test]
async fn the_one_click_unsubscribe_ends_new_post_emails() {
    let sink = SmtpSink::start(0, None);
    let feed = FeedServer::start(&rss("http://x", &[("a", "A")]), 200).await;
    let s = natter(TempDir::new("new-posts-unsub"), &feed, sink.port).await;
    subscribe_confirmed(&s, &feed, &sink, "alice@example.org").await;
    feed.set(&rss(&feed.origin, &[("b", "B"), ("a", "A")]), 200);
    wait_until(
        || posts_to(&sink, "alice@example.org").len() == 1,
        "the email",
    )
    .await;
    let mail = &posts_to(&sink, "alice@example.org")[0];
    let unsub = mail["list_unsubscribe"]
        .as_str()
        .unwrap()
        .trim_matches(|c| c == '<' || c == '>')
        .to_string();
    assert_eq!(unsub, link_after(mail, "Stop these emails"));
    let res = s
        .http
        .post(&unsub)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("will not send you these emails")
    );

    feed.set(
        &rss(&feed.origin, &[("c", "C"), ("b", "B"), ("a", "A")]),
        200,
    );
    let n = feed.seen().requests;
    feed.wait_requests(n, 2).await;
    drained(&s).await;
    assert_eq!(posts_to(&sink, "alice@example.org").len(), 1);
}

#[tokio::test]
async fn a_broken_feed_keeps_natter_up_and_a_later_good_one_works() {
    let sink = SmtpSink::start(0, None);
    let feed = FeedServer::start(&rss("http://x", &[("a", "A")]), 200).await;
    let s = natter(TempDir::new("new-posts-broken"), &feed, sink.port).await;
    subscribe_confirmed(&s, &feed, &sink, "alice@example.org").await;
    let n = feed.seen().requests;
    feed.wait_requests(n, 1).await;

    // Not a feed, then a feed that leads off the site: read, refused, logged.
    feed.set("<html><body>Oops</body>", 200);
    let n = feed.seen().requests;
    feed.wait_requests(n, 2).await;
    let other = FeedServer::start(&rss("http://y", &[("elsewhere", "Elsewhere")]), 200).await;
    feed.redirect(Some(other.url()));
    let n = feed.seen().requests;
    feed.wait_requests(n, 2).await;
    assert_eq!(
        other.seen().requests,
        0,
        "a redirect off the site is not followed"
    );
    assert_eq!(s.get("/healthz").await.status(), StatusCode::OK);
    feed.redirect(None);
    feed.set(&rss(&feed.origin, &[("b", "Back"), ("a", "A")]), 200);
    wait_until(
        || posts_to(&sink, "alice@example.org").len() == 1,
        "the email",
    )
    .await;
    assert_eq!(
        posts_to(&sink, "alice@example.org")[0]["subject"],
        "New post on blog: Back"
    );
}

#[tokio::test]
async fn asking_needs_a_feed_a_right_address_and_the_sites_origin() {
    let sink = SmtpSink::start(0, None);
    let feed = FeedServer::start(&rss("http://x", &[]), 200).await;
    let s = natter(TempDir::new("new-posts-ask"), &feed, sink.port).await;
    let (status, body) = ask(&s, &feed, "not an address").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "email");
    let res = s
        .http
        .post(s.url("/api/new-posts"))
        .header("origin", "https://evil.example.net")
        .json(&json!({"url": format!("{}/p", feed.origin), "email": "a@example.org"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A site without a feed says so.
    let dir = TempDir::new("new-posts-nofeed");
    let mut cfg = config(&dir);
    cfg.smtp = Some(smtp(sink.port));
    let plain = TestServer::with(dir, cfg).await;
    let res = plain
        .http
        .post(plain.url("/api/new-posts"))
        .json(&json!({"url": page_url("/p"), "email": "a@example.org"}))
        .send()
        .await
        .unwrap();
    let body = assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("url"),
    )
    .await;
    assert!(
        body["message"].as_str().unwrap().contains("no feed"),
        "{body}"
    );
}

#[test]
fn a_feed_on_another_origin_is_refused_at_start() {
    let dir = TempDir::new("new-posts-origin");
    std::fs::write(
        dir.path("natter.toml"),
        "[[site]]\nid = \"blog\"\norigins = [\"https://blog.example.org\"]\nfeed = \"https://elsewhere.example.net/feed/\"\n",
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database"])
        .arg(dir.path("natter.db"))
        .current_dir(&dir.0)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("natter started with a feed on another origin");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("elsewhere.example.net") && err.contains("not on one of the site's origins"),
        "{err}"
    );
}
