//! "Your subscriptions": the page every reader email links to, which lists
//! what an address gets from a site and ends each with a button.

mod common;

use common::email_sign_in::{email_provider, sign_in};
use common::feed::{FeedServer, rss};
use common::mail::{SmtpSink, link_after, smtp, wait_until};
use common::*;
use natter::domain::SiteSettings;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn natter(feed: &FeedServer, smtp_port: u16) -> TestServer {
    let dir = TempDir::new("yours");
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

/// Posts a comment on the page `/p` of the feed's site.
async fn comment(s: &TestServer, feed: &FeedServer, body: Value) -> Value {
    let url = format!("{}/p", feed.origin);
    let res = s
        .http
        .post(s.url(&format!("/api/comments?url={}", enc(&url))))
        .header("x-forwarded-for", fresh_ip())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

/// The address after `label: ` in an email's footer.
fn footer_link(mail: &Value, label: &str) -> String {
    let text = mail["text"].as_str().unwrap();
    text.lines()
        .skip_while(|l| l.trim_end() != "--")
        .find_map(|l| l.trim_end().strip_prefix(&format!("{label}: ")))
        .unwrap_or_else(|| panic!("no {label:?} in the footer:\n{text}"))
        .trim()
        .to_string()
}

/// The values of a page's buttons (`name="do" value="…"`).
fn buttons(html: &str) -> Vec<String> {
    html.split("name=\"do\" value=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

async fn page(s: &TestServer, link: &str) -> String {
    let res = s.http.get(link).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

async fn press(s: &TestServer, link: &str, value: &str) -> String {
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

#[tokio::test]
async fn every_reader_email_leads_to_a_page_that_lists_and_ends_each_subscription() {
    let sink = SmtpSink::start(0, None);
    let feed = FeedServer::start(&rss("http://x", &[("a", "A")]), 200).await;
    let s = natter(&feed, sink.port).await;
    let alice = "alice@example.org";

    // Alice follows replies and the thread; the confirmation links her page.
    let posted = comment(
        &s,
        &feed,
        json!({"text": "Hi", "name": "Alice", "email": alice,
        "title": "Hello", "notify": {"replies": true, "thread": true}}),
    )
    .await;
    wait_until(|| sink.mails_to(alice).len() == 1, "the confirmation").await;
    let confirm = &sink.mails_to(alice)[0];
    let yours = footer_link(confirm, "Your subscriptions");
    press(
        &s,
        &link_after(confirm, "Yes, send me these emails"),
        "confirm",
    )
    .await;

    // Then new posts: asked about once more, since it is new.
    let res = s
        .http
        .post(s.url("/api/new-posts"))
        .json(&json!({"url": format!("{}/p", feed.origin), "email": alice}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    wait_until(
        || sink.mails_to(alice).len() == 2,
        "the second confirmation",
    )
    .await;
    let again = &sink.mails_to(alice)[1];
    assert!(again["text"].as_str().unwrap().contains("new post"));
    assert_eq!(
        footer_link(again, "Your subscriptions").split("t=").next(),
        yours.split("t=").next()
    );
    press(
        &s,
        &link_after(again, "Yes, send me these emails"),
        "confirm",
    )
    .await;

    // Bob follows the thread too; his subscription is not Alice's to end.
    comment(
        &s,
        &feed,
        json!({"text": "Me too", "name": "Bob", "email": "bob@example.org",
        "notify": {"thread": true}}),
    )
    .await;
    wait_until(
        || sink.mails_to("bob@example.org").len() == 1,
        "Bob's confirmation",
    )
    .await;
    let bobs = footer_link(&sink.mails_to("bob@example.org")[0], "Your subscriptions");
    press(
        &s,
        &link_after(
            &sink.mails_to("bob@example.org")[0],
            "Yes, send me these emails",
        ),
        "confirm",
    )
    .await;
    let bob_sub = buttons(&page(&s, &bobs).await)[0].clone();

    // A reply and a new post: both emails link her page.
    comment(
        &s,
        &feed,
        json!({"text": "Welcome", "name": "Carl", "parent": posted["id"]}),
    )
    .await;
    feed.set(&rss(&feed.origin, &[("b", "B"), ("a", "A")]), 200);
    wait_until(
        || sink.mails_to(alice).len() == 5,
        "a comment, the reply and the post",
    )
    .await;
    for mail in sink.mails_to(alice) {
        assert!(
            footer_link(&mail, "Your subscriptions").contains("/notify?t=subs."),
            "{mail}"
        );
        assert!(
            footer_link(&mail, "Get a copy of your comments, or erase them")
                .contains("/privacy?site=blog")
        );
    }

    // The page lists the three, with a button each, and the privacy page.
    let html = page(&s, &yours).await;
    assert!(
        html.contains("Replies to your comment on “Hello”"),
        "{html}"
    );
    assert!(html.contains("New comments on “Hello”"), "{html}");
    assert!(html.contains("New posts on blog"), "{html}");
    assert!(
        html.contains("href=\"") && html.contains("/privacy?site=blog"),
        "{html}"
    );
    let choices = buttons(&html);
    assert_eq!(choices.len(), 4, "{choices:?}");
    assert_eq!(&choices[2..], ["posts", "all"]);

    // Another's subscription is left alone; each of hers ends.
    let html = press(&s, &yours, &bob_sub).await;
    assert!(!html.contains("Done."), "{html}");
    assert_eq!(buttons(&page(&s, &bobs).await), vec![bob_sub.clone()]);
    let html = press(&s, &yours, "posts").await;
    assert!(
        html.contains("Done. That subscription has ended."),
        "{html}"
    );
    assert!(!html.contains("New posts on blog"), "{html}");
    let html = press(&s, &yours, &choices[0]).await;
    assert!(!html.contains("New comments on “Hello”"), "{html}");
    assert!(
        html.contains("Replies to your comment on “Hello”"),
        "{html}"
    );
    let html = press(&s, &yours, &choices[1]).await;
    assert!(
        html.contains("sends no emails to this address now"),
        "{html}"
    );

    // Ended means ended: a new post and a new comment reach only Bob.
    feed.set(
        &rss(&feed.origin, &[("c", "C"), ("b", "B"), ("a", "A")]),
        200,
    );
    comment(&s, &feed, json!({"text": "More", "name": "Dan"})).await;
    wait_until(
        || sink.mails_to("bob@example.org").len() == 3,
        "Bob's emails",
    )
    .await;
    let n = feed.seen().requests;
    feed.wait_requests(n, 2).await;
    assert_eq!(sink.mails_to(alice).len(), 5);
}

#[tokio::test]
async fn the_page_of_an_unknown_or_changed_link_says_it_does_not_work() {
    let sink = SmtpSink::start(0, None);
    let feed = FeedServer::start(&rss("http://x", &[]), 200).await;
    let s = natter(&feed, sink.port).await;
    let res = s
        .http
        .get(s.url("/notify?t=subs.1.0.abc.def"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("does not work"));
}

#[tokio::test]
async fn the_privacy_export_and_erasure_take_in_the_readers_identities() {
    let sink = SmtpSink::start(0, None);
    let feed = FeedServer::start(&rss("http://x", &[]), 200).await;
    let s = natter(&feed, sink.port).await;
    let erin = "erin@example.org";
    // Erin signs in, and never comments: the identity alone is hers to ask for.
    let token = sign_in(&s, &sink, &format!("{}/p", feed.origin), erin).await;
    let me = |token: String| s.http.get(s.url("/api/me")).bearer_auth(token).send();
    assert_eq!(me(token.clone()).await.unwrap().status(), StatusCode::OK);

    let ask = |action: &'static str| {
        s.http
            .post(s.url("/privacy"))
            .header("x-forwarded-for", fresh_ip())
            .form(&[("site", "blog"), ("email", erin), ("action", action)])
            .send()
    };
    ask("export").await.unwrap();
    wait_until(|| sink.mails_to(erin).len() == 2, "the export link").await;
    let link = link_after(&sink.mails_to(erin)[1], "Continue");
    let res = s
        .http
        .post(&link)
        .form(&[("do", "export")])
        .send()
        .await
        .unwrap();
    let export: Value = res.json().await.unwrap();
    let ids = export["identities"]
        .as_array()
        .expect("identities in the export");
    assert_eq!(ids.len(), 1, "{export}");
    assert_eq!(ids[0]["email"], erin);
    assert_eq!(ids[0]["provider"], "email");

    ask("erase").await.unwrap();
    wait_until(|| sink.mails_to(erin).len() == 3, "the erase link").await;
    let link = link_after(&sink.mails_to(erin)[2], "Continue");
    press(&s, &link, "erase").await;
    let res = me(token).await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "the identity is gone"
    );
}
