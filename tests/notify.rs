//! Notifications end to end: a real SMTP server process and a real webhook
//! receiver on loopback, against a real natter.

mod common;

use common::mail::{Receiver, SmtpSink, link_after, smtp, wait_until};
use common::*;
use natter::config::Outbox;
use natter::domain::{ModerationMode, SiteSettings, Webhook};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

/// A server that mails through `port`, retrying after 1 s, 2 s, 2 s…
async fn server(port: u16, settings: SiteSettings, attempts: u32) -> TestServer {
    let dir = TempDir::new("notify");
    let mut cfg = config(&dir);
    cfg.smtp = Some(smtp(port));
    cfg.outbox = Outbox {
        first_retry: Duration::from_secs(1),
        max_retry: Duration::from_secs(2),
        attempts,
    };
    cfg.sites[0].settings = settings;
    // The webhook receivers of these tests listen on loopback.
    cfg.webhook_allow_private = vec![natter::config::Cidr::parse("127.0.0.1/32").unwrap()];
    TestServer::with(dir, cfg).await
}

/// The outbox as the admin page sees it: counts and items in one state.
async fn outbox(s: &TestServer, a: &Admin, state: &str) -> Value {
    let res = s
        .admin_call(
            a,
            Method::GET,
            &format!("/admin/api/outbox?state={state}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// Polls the outbox in one state until `done` holds (20 s at most);
/// returns the last answer.
async fn outbox_until(
    s: &TestServer,
    a: &Admin,
    state: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let o = outbox(s, a, state).await;
        if done(&o) {
            return o;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the outbox did not get there: {o}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until nothing is waiting in the outbox.
async fn drained(s: &TestServer, a: &Admin) {
    outbox_until(s, a, "pending", |o| o["counts"]["pending"] == 0).await;
}

/// A loopback port with no mail server on it (one that was just let go).
fn closed_smtp_port() -> u16 {
    let mut probe = SmtpSink::start(0, None);
    probe.stop();
    probe.port
}

/// Site settings that email `mod@example.org` about every new comment.
fn mailing_the_moderator() -> SiteSettings {
    SiteSettings {
        moderator_emails: vec!["mod@example.org".into()],
        ..SiteSettings::default()
    }
}

/// Opens a link's page, then presses its button (`do=value`).
async fn press(s: &TestServer, link: &str, value: &str) -> (StatusCode, String) {
    let page = s.http.get(link).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "{link}");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("value=\"{value}\"")),
        "no {value} button on the page:\n{html}"
    );
    let res = s
        .http
        .post(link)
        .form(&[("do", value)])
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn a_reader_confirms_gets_replies_and_unsubscribes() {
    let sink = SmtpSink::start(0, None);
    let s = server(sink.port, SiteSettings::default(), 10).await;
    let a = s.admin().await;

    let config: Value = s
        .get(&format!("/api/config?url={}", enc(&page_url("/p"))))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(config["email_notifications"], true);

    // Alice asks for replies: she is sent a confirmation and nothing else.
    let posted = s
        .post_ok(
            "/p",
            json!({"text": "First!", "name": "Alice", "email": "alice@example.org",
                   "notify": {"replies": true}}),
        )
        .await;
    assert_eq!(posted["notify"], "confirm");
    let alice = posted["comment"]["id"].as_i64().unwrap();
    let mails = sink.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    let confirm = &mails[0];
    assert_eq!(confirm["to"], json!(["alice@example.org"]));
    assert!(
        confirm["list_unsubscribe"]
            .as_str()
            .unwrap()
            .starts_with("<http")
    );
    assert_eq!(
        confirm["list_unsubscribe_post"],
        "List-Unsubscribe=One-Click"
    );
    assert!(confirm["html"].as_str().unwrap().contains("<a href="));

    // A reply before she confirmed is not sent to her.
    s.post_ok(
        "/p",
        json!({"text": "Early reply", "name": "Bob", "parent": alice}),
    )
    .await;
    drained(&s, &a).await;
    assert_eq!(sink.mails_to("alice@example.org").len(), 1);

    // Opening the link only shows a button; pressing it confirms.
    let link = link_after(confirm, "Yes, send me these emails");
    let (status, html) = press(&s, &link, "confirm").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("confirmed"), "{html}");

    // Now a reply reaches her, and Bob (who asked for nothing) gets nothing.
    s.post_ok(
        "/p",
        json!({"text": "Welcome, <b>Alice</b>", "name": "Bob", "email": "bob@example.org",
               "parent": alice}),
    )
    .await;
    sink.wait_for(2).await;
    let reply = sink.mails_to("alice@example.org").pop().unwrap();
    assert_eq!(
        reply["subject"],
        "Bob replied to your comment on “https://blog.example.org/p”"
    );
    assert!(
        reply["text"]
            .as_str()
            .unwrap()
            .contains("> Welcome, <b>Alice</b>")
    );
    assert!(
        reply["html"]
            .as_str()
            .unwrap()
            .contains("Welcome, &lt;b&gt;Alice&lt;/b&gt;")
    );
    assert_eq!(reply["list_unsubscribe_post"], "List-Unsubscribe=One-Click");
    assert!(sink.mails_to("bob@example.org").is_empty());

    // Her own reply in the thread is never sent to her.
    s.post_ok(
        "/p",
        json!({"text": "Thanks Bob", "name": "Alice", "email": "Alice@Example.org",
               "parent": alice}),
    )
    .await;
    drained(&s, &a).await;
    assert_eq!(sink.mails_to("alice@example.org").len(), 2);

    // One-click unsubscribe (RFC 8058) from her mail program: no login.
    let unsub = reply["list_unsubscribe"].as_str().unwrap();
    let unsub = unsub.trim_start_matches('<').trim_end_matches('>');
    let res = s
        .http
        .post(unsub)
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

    s.post_ok(
        "/p",
        json!({"text": "Are you still there?", "name": "Bob", "parent": alice}),
    )
    .await;
    drained(&s, &a).await;
    assert_eq!(
        sink.mails_to("alice@example.org").len(),
        2,
        "no more email after unsubscribing"
    );
}

#[tokio::test]
async fn thread_followers_hear_of_published_comments_only() {
    let sink = SmtpSink::start(0, None);
    let s = server(sink.port, moderated(ModerationMode::All), 10).await;
    let a = s.admin().await;
    let res = s
        .post_as(
            &fresh_ip(),
            "/t",
            json!({"text": "Following", "email": "fan@example.org", "notify": {"thread": true}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let confirm = &sink.wait_for(1).await[0];
    press(
        &s,
        &link_after(confirm, "Yes, send me these emails"),
        "confirm",
    )
    .await;

    // A held comment sends nothing to readers until a moderator approves it.
    let res = s
        .post_as(
            &fresh_ip(),
            "/t",
            json!({"text": "Held for now", "name": "Cy"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let id = res.json::<Value>().await.unwrap()["comment"]["id"]
        .as_i64()
        .unwrap();
    drained(&s, &a).await;
    assert_eq!(sink.mails_to("fan@example.org").len(), 1);
    let res = s
        .admin_call(
            &a,
            Method::POST,
            "/admin/api/comments/bulk",
            Some(json!({"ids": [id], "action": "approve"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    sink.wait_for(2).await;
    let mail = sink.mails_to("fan@example.org").pop().unwrap();
    assert!(
        mail["subject"]
            .as_str()
            .unwrap()
            .starts_with("New comment on")
    );
    assert!(mail["text"].as_str().unwrap().contains("Held for now"));

    // Restoring it after a delete does not tell anyone twice.
    for action in ["delete", "restore"] {
        s.admin_call(
            &a,
            Method::POST,
            "/admin/api/comments/bulk",
            Some(json!({"ids": [id], "action": action})),
        )
        .await;
    }
    drained(&s, &a).await;
    assert_eq!(sink.mails_to("fan@example.org").len(), 2);
}

#[tokio::test]
async fn a_moderator_link_approves_exactly_once() {
    let sink = SmtpSink::start(0, None);
    let settings = SiteSettings {
        moderation: ModerationMode::All,
        ..mailing_the_moderator()
    };
    let s = server(sink.port, settings, 10).await;
    let a = s.admin().await;
    let res = s
        .post_as(
            &fresh_ip(),
            "/m",
            json!({"text": "Please <script>alert(1)</script> approve me", "name": "Dee"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let mail = &sink.wait_for(1).await[0];
    assert_eq!(mail["to"], json!(["mod@example.org"]));
    assert!(mail["subject"].as_str().unwrap().contains("waiting"));
    let html = mail["html"].as_str().unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;"));

    let approve = link_after(mail, "Approve it");
    // A changed link is refused and changes nothing.
    let forged = approve.replace("approve.", "delete.");
    let res = s
        .http
        .post(&forged)
        .form(&[("do", "delete")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        s.thread("/m").await["comments"].as_array().unwrap().len(),
        0
    );

    let (status, html) = press(&s, &approve, "approve").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Approved"));
    assert_eq!(
        s.thread("/m").await["comments"].as_array().unwrap().len(),
        1
    );

    // The second click changes nothing and says so.
    let res = s
        .http
        .post(&approve)
        .form(&[("do", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("already been used"));
    let page = s.http.get(&approve).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::CONFLICT);
    let audit: Value = s
        .admin_call(&a, Method::GET, "/admin/api/audit", None)
        .await
        .json()
        .await
        .unwrap();
    let approvals = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "approve")
        .count();
    assert_eq!(approvals, 1, "{audit}");

    // The delete link of the same email still works, once.
    let delete = link_after(mail, "Delete it");
    let (status, _) = press(&s, &delete, "delete").await;
    assert_eq!(status, StatusCode::OK);
    let t = s.thread("/m").await;
    assert!(
        t["comments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["deleted"] == true),
        "{t}"
    );
}

#[tokio::test]
async fn smtp_down_then_up_delivers_each_email_once() {
    // The mail server is down.
    let port = closed_smtp_port();
    let settings = mailing_the_moderator();
    let s = server(port, settings, 10).await;
    let a = s.admin().await;
    for i in 0..3 {
        s.post_text(
            "/down",
            &format!("comment {i} while the mail server is down"),
        )
        .await;
    }
    // The posts were answered at once; the emails wait and are retried.
    outbox_until(&s, &a, "pending", |o| {
        let items = o["items"].as_array().unwrap();
        let tried = items
            .iter()
            .filter(|i| i["attempts"].as_u64().unwrap() >= 1 && !i["last_error"].is_null())
            .count();
        tried == 3
    })
    .await;
    let sink = SmtpSink::start(port, None);
    sink.wait_for(3).await;
    drained(&s, &a).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 3, "each email exactly once");
    let mut ids: Vec<&str> = mails
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3);
    for i in 0..3 {
        let text = format!("comment {i} while");
        assert_eq!(
            mails
                .iter()
                .filter(|m| m["text"].as_str().unwrap().contains(&text))
                .count(),
            1
        );
    }
}

#[tokio::test]
async fn the_last_failure_is_a_dead_letter_that_can_be_sent_again() {
    let port = closed_smtp_port();
    let s = server(port, mailing_the_moderator(), 2).await;
    let a = s.admin().await;
    s.post_text("/dead", "nobody can mail this yet").await;
    let dead = outbox_until(&s, &a, "dead", |o| o["counts"]["dead"] == 1).await;
    let item = &dead["items"][0];
    assert_eq!(item["attempts"], 2);
    assert_eq!(item["recipient"], "mod@example.org");
    assert!(item["last_error"].as_str().unwrap().len() > 5);
    let metrics = s.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("natter_outbox_items{state=\"dead\"} 1"),
        "{metrics}"
    );

    let sink = SmtpSink::start(port, None);
    let path = format!("/admin/api/outbox/{}/retry", item["id"]);
    let res = s.admin_call(&a, Method::POST, &path, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    sink.wait_for(1).await;
    drained(&s, &a).await;
    assert_eq!(outbox(&s, &a, "dead").await["counts"]["dead"], 0);
    // Only a dead item can be sent again.
    let res = s.admin_call(&a, Method::POST, &path, None).await;
    assert_error(res, StatusCode::CONFLICT, "conflict", None).await;
}

/// How a receiver checks a webhook: HMAC-SHA256 of `timestamp.body` under
/// the shared secret, and a timestamp no older than five minutes.
fn verify_webhook(secret: &str, h: &common::mail::Hook, now: i64) -> bool {
    use hmac::{KeyInit, Mac};
    let Some(ts) = h
        .headers
        .get("natter-timestamp")
        .and_then(|t| t.parse::<i64>().ok())
    else {
        return false;
    };
    let Some(sig) = h
        .headers
        .get("natter-signature")
        .and_then(|s| s.strip_prefix("sha256="))
    else {
        return false;
    };
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{ts}.").as_bytes());
    mac.update(&h.body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (now - ts).abs() <= 300 && expected == sig
}

#[tokio::test]
async fn a_webhook_that_fails_twice_gets_the_event_on_the_third_try() {
    let receiver = Receiver::start(2).await;
    let secret = "a long shared webhook secret";
    let settings = SiteSettings {
        webhooks: vec![Webhook {
            url: receiver.url.clone(),
            secret: secret.into(),
        }],
        ..SiteSettings::default()
    };
    let sink = SmtpSink::start(0, None);
    let s = server(sink.port, settings, 5).await;
    let posted = s.post_text("/hook", "Hello, hooks").await;
    let id = posted["comment"]["id"].as_i64().unwrap();
    let ok = |r: &Receiver| r.hooks().iter().filter(|h| h.status == 200).count();
    wait_until(|| ok(&receiver) >= 2, "two delivered events").await;

    let hooks = receiver.hooks();
    let now = natter::domain::now();
    for event in ["comment.created", "comment.published"] {
        let tries: Vec<_> = hooks
            .iter()
            .filter(|h| h.headers["natter-event"] == event)
            .collect();
        assert_eq!(tries.len(), 3, "{event}: two failures, then success");
        assert_eq!(
            tries.iter().map(|h| h.status).collect::<Vec<_>>(),
            [500, 500, 200]
        );
        let delivery = &tries[0].headers["natter-delivery"];
        assert!(
            tries
                .iter()
                .all(|h| &h.headers["natter-delivery"] == delivery)
        );
        for h in &tries {
            assert!(verify_webhook(secret, h, now), "the signature checks out");
            let body: Value = serde_json::from_slice(&h.body).unwrap();
            assert_eq!(body["event"], event);
            assert_eq!(body["comment"]["id"], id);
            assert_eq!(body["comment"]["text"], "Hello, hooks");
            assert!(body["comment"].get("email").is_none());
        }
        // A changed body or the wrong secret fails the check.
        let mut tampered = tries[2].clone();
        tampered.body = String::from_utf8_lossy(&tampered.body)
            .replace("Hello", "Howdy")
            .into_bytes();
        assert!(!verify_webhook(secret, &tampered, now));
        assert!(!verify_webhook("another secret of 16+", tries[2], now));
    }
}

#[tokio::test]
async fn a_commenter_exports_then_erases_their_comments_by_email() {
    let sink = SmtpSink::start(0, None);
    let s = server(sink.port, SiteSettings::default(), 10).await;
    let a = s.admin().await;
    for text in ["My first thought", "My second thought"] {
        s.post_ok(
            "/priv",
            json!({"text": text, "name": "Cara", "email": "cara@example.org"}),
        )
        .await;
    }
    s.post_text("/priv", "Somebody else's comment").await;

    let form = s.get("/privacy?site=blog").await;
    assert_eq!(form.status(), StatusCode::OK);
    assert!(form.text().await.unwrap().contains("name=\"email\""));

    let ask = |email: &'static str, action: &'static str| {
        s.http
            .post(s.url("/privacy"))
            .header("x-forwarded-for", fresh_ip())
            .form(&[("site", "blog"), ("email", email), ("action", action)])
            .send()
    };
    // An address with no comments gets the same answer and no email.
    let res = ask("nobody@example.org", "export").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let nobody = res.text().await.unwrap();
    let res = ask("cara@example.org", "export").await.unwrap();
    assert_eq!(res.text().await.unwrap(), nobody);
    let mail = &sink.wait_for(1).await[0];
    assert_eq!(mail["to"], json!(["cara@example.org"]));
    let res = ask("not an address", "export").await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let link = link_after(mail, "Continue");
    s.http.get(&link).send().await.unwrap();
    let res = s
        .http
        .post(&link)
        .form(&[("do", "export")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let export: Value = res.json().await.unwrap();
    let texts: Vec<&str> = export["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["My first thought", "My second thought"]);

    ask("cara@example.org", "erase").await.unwrap();
    sink.wait_for(2).await;
    drained(&s, &a).await;
    let mail = sink.mails_to("cara@example.org").pop().unwrap();
    let link = link_after(&mail, "Continue");
    let (status, html) = press(&s, &link, "erase").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Comments erased: 2"), "{html}");
    let t = s.thread("/priv").await;
    let shown: Vec<&str> = t["comments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert!(!shown.iter().any(|x| x.contains("thought")), "{t}");
    let res = s
        .http
        .post(&link)
        .form(&[("do", "erase")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn without_smtp_notifications_are_off_and_asking_is_refused() {
    let s = TestServer::start().await;
    let config: Value = s
        .get(&format!("/api/config?url={}", enc(&page_url("/p"))))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(config["email_notifications"], false);
    let res = s
        .post_as(
            &fresh_ip(),
            "/p",
            json!({"text": "hi", "email": "x@example.org", "notify": {"thread": true}}),
        )
        .await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("notify"),
    )
    .await;
}

#[tokio::test]
async fn killed_mid_outbox_and_restarted_loses_and_doubles_nothing() {
    // The mail server takes two emails, then never answers the third.
    let mut first = SmtpSink::start(0, Some(2));
    let dir = TempDir::new("outbox-kill");
    std::fs::write(
        dir.path("natter.toml"),
        format!(
            "[[site]]\nid = \"blog\"\norigins = [\"{ORIGIN}\"]\nmoderator_emails = [\"mod@example.org\"]\n\n\
             [smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nfrom = \"Comments <comments@example.org>\"\n\n\
             [outbox]\nfirst_retry = \"1s\"\nmax_retry = \"2s\"\n",
            first.port
        ),
    )
    .unwrap();
    let config = dir.path("natter.toml");
    let args = ["--config", config.to_str().unwrap()];
    let (mut child, base) = spawn_binary(&dir, &args);
    natter::init_tls();
    let http = reqwest::Client::new();
    for i in 0..5 {
        let res = http
            .post(format!(
                "{base}/api/comments?url={}",
                enc(&page_url("/kill"))
            ))
            .json(&json!({"text": format!("comment number {i}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    first.wait_held().await;
    assert_eq!(first.mails().len(), 2);
    child.kill().unwrap();
    child.wait().unwrap();

    // Back up, with a mail server that answers.
    let accepted_before = first.mails();
    let port = first.port;
    first.stop();
    let second = SmtpSink::start(port, None);
    let (mut child, _) = spawn_binary(&dir, &args);
    second.wait_for(3).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    child.kill().unwrap();
    child.wait().unwrap();

    let all: Vec<Value> = accepted_before.into_iter().chain(second.mails()).collect();
    assert_eq!(all.len(), 5, "five comments, five emails: {all:#?}");
    for i in 0..5 {
        let text = format!("comment number {i}");
        let n = all
            .iter()
            .filter(|m| m["text"].as_str().unwrap().contains(&text))
            .count();
        assert_eq!(n, 1, "{text} was mailed {n} times");
    }
}

#[tokio::test]
async fn emails_are_written_in_the_sites_language() {
    let sink = SmtpSink::start(0, None);
    let settings = SiteSettings {
        language: "fr".into(),
        ..mailing_the_moderator()
    };
    let s = server(sink.port, settings, 10).await;
    s.post_ok(
        "/fr",
        json!({"text": "Bonjour", "name": "Zoé", "title": "Un billet"}),
    )
    .await;
    let mail = &sink.wait_for(1).await[0];
    // French sets a no-break space inside « ».
    assert_eq!(
        mail["subject"],
        "Nouveau commentaire sur «\u{a0}Un billet\u{a0}»"
    );
    let html = mail["html"].as_str().unwrap();
    assert!(html.contains("<html lang=\"fr\""), "{html}");
}

#[tokio::test]
async fn links_keep_the_path_natter_is_served_under() {
    let sink = SmtpSink::start(0, None);
    let dir = TempDir::new("notify-path");
    let mut cfg = config(&dir);
    cfg.smtp = Some(smtp(sink.port));
    cfg.public_url = Some("https://comments.example.org/natter".parse().unwrap());
    cfg.sites[0].settings = SiteSettings {
        moderation: ModerationMode::All,
        ..mailing_the_moderator()
    };
    let s = TestServer::with(dir, cfg).await;
    s.post_as(&fresh_ip(), "/sub", json!({"text": "Under a path"}))
        .await;
    let mail = &sink.wait_for(1).await[0];
    let approve = link_after(mail, "Approve it");
    assert!(
        approve.starts_with("https://comments.example.org/natter/notify?t=approve."),
        "{approve}"
    );
}
