//! Live threads (DESIGN §16): `GET /api/events` streams a thread's
//! created, edited, deleted and approved comments, resumes from
//! `Last-Event-ID` (also across a restart), keeps held comments out, and
//! bounds streams per client and in all.

mod common;

use common::*;
use natter::domain::ModerationMode;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// One event as a stream sent it.
#[derive(Debug)]
struct Ev {
    id: Option<i64>,
    kind: String,
    data: Value,
}

/// An open event stream, read as EventSource reads it.
struct Sse {
    res: reqwest::Response,
    buf: String,
}

impl Sse {
    /// Opens the stream of `page` as the client at `ip`; `last` is sent
    /// as `Last-Event-ID`, `since` as the query's.
    async fn open(
        s: &TestServer,
        page: &str,
        ip: &str,
        since: Option<i64>,
        last: Option<i64>,
    ) -> Result<Sse, reqwest::Response> {
        let mut url = format!("/api/events?url={}", enc(&page_url(page)));
        if let Some(n) = since {
            url.push_str(&format!("&since={n}"));
        }
        let mut req = s
            .http
            .get(s.url(&url))
            .header("x-forwarded-for", ip)
            .header("origin", ORIGIN);
        if let Some(n) = last {
            req = req.header("last-event-id", n.to_string());
        }
        let res = req.send().await.unwrap();
        if res.status() != StatusCode::OK {
            return Err(res);
        }
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
        Ok(Sse {
            res,
            buf: String::new(),
        })
    }

    /// The next event (heartbeats skipped); panics after 5 s without one.
    async fn next(&mut self) -> Ev {
        tokio::time::timeout(Duration::from_secs(5), self.read())
            .await
            .expect("an event within 5 s")
            .expect("the stream is open")
    }

    /// The next event, or none once the stream ends.
    async fn read(&mut self) -> Option<Ev> {
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                if let Some(ev) = parse(&block) {
                    return Some(ev);
                }
            }
            let chunk = self.res.chunk().await.ok()??;
            self.buf.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// Whether an event comes within `wait` (heartbeats aside).
    async fn quiet_for(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.read()).await.is_err()
    }
}

/// One event block; none for a heartbeat (a comment line).
fn parse(block: &str) -> Option<Ev> {
    let (mut id, mut kind, mut data) = (None, String::from("message"), String::new());
    for line in block.lines() {
        match line.split_once(':') {
            Some(("id", v)) => id = v.trim().parse().ok(),
            Some(("event", v)) => kind = v.trim().to_string(),
            Some(("data", v)) => data.push_str(v.trim()),
            _ => {}
        }
    }
    if data.is_empty() {
        return None;
    }
    Some(Ev {
        id,
        kind,
        data: serde_json::from_str(&data).unwrap(),
    })
}

fn quick_heartbeat(dir: &TempDir) -> natter::config::Config {
    let mut cfg = config(dir);
    cfg.limits.live_heartbeat = Duration::from_secs(1);
    cfg
}

#[tokio::test]
async fn a_new_comment_reaches_the_open_stream_as_the_thread_shows_it() {
    let s = TestServer::start().await;
    let mut sse = Sse::open(&s, "/l", &fresh_ip(), None, None).await.unwrap();
    let ready = sse.next().await;
    assert_eq!(ready.kind, "ready");

    let posted = s
        .post_text("/l", "Hello <script>window.pwned=1</script> **live**")
        .await;
    let ev = sse.next().await;
    assert_eq!(ev.kind, "created");
    assert!(ev.id.unwrap() > ready.id.unwrap());
    assert_eq!(ev.data["id"], posted["comment"]["id"]);
    let shown = &s.thread("/l").await["comments"][0];
    assert_eq!(
        &ev.data, shown,
        "the event carries the comment as the thread shows it"
    );
    assert!(!ev.data["html"].as_str().unwrap().contains("<script"));

    // An edit arrives as the thread then shows it.
    let res = s
        .http
        .patch(s.url(&format!("/api/comments/{}", posted["comment"]["id"])))
        .bearer_auth(posted["edit_token"].as_str().unwrap())
        .json(&json!({"text": "Hello, *edited*"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let ev = sse.next().await;
    assert_eq!(ev.kind, "edited");
    assert_eq!(&ev.data, &s.thread("/l").await["comments"][0]);
    assert_eq!(ev.data["html"], "<p>Hello, <em>edited</em></p>\n");

    // Another thread's comments are not this stream's.
    s.post_text("/other", "elsewhere").await;
    assert!(sse.quiet_for(Duration::from_millis(700)).await);
}

#[tokio::test]
async fn held_comments_appear_only_once_approved_and_edits_and_deletions_follow() {
    let s = TestServer::with_settings(moderated(ModerationMode::All)).await;
    let mut sse = Sse::open(&s, "/m", &fresh_ip(), None, None).await.unwrap();
    assert_eq!(sse.next().await.kind, "ready");

    let res = s
        .post_as(&fresh_ip(), "/m", json!({"text": "wait for me"}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let held: Value = res.json().await.unwrap();
    assert!(
        sse.quiet_for(Duration::from_millis(700)).await,
        "a held comment is sent to no one"
    );

    let id = held["comment"]["id"].clone();
    s.moderate(std::slice::from_ref(&id), "approve").await;
    let ev = sse.next().await;
    assert_eq!((ev.kind.as_str(), &ev.data["id"]), ("approved", &id));
    assert_eq!(ev.data["status"], "published");

    let path = s.url(&format!("/api/comments/{id}"));
    let token = held["edit_token"].as_str().unwrap();
    let res = s
        .http
        .patch(&path)
        .bearer_auth(token)
        .json(&json!({"text": "changed"}))
        .send()
        .await
        .unwrap();
    // Every comment is held on this site, edits too: it leaves the thread
    // until a moderator approves it again.
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let ev = sse.next().await;
    assert_eq!((ev.kind.as_str(), &ev.data["id"]), ("deleted", &id));
    assert_eq!(ev.data["html"], "");
    s.moderate(std::slice::from_ref(&id), "approve").await;
    let ev = sse.next().await;
    assert_eq!(ev.kind, "approved");
    assert_eq!(ev.data["html"], "<p>changed</p>\n");

    let res = s
        .http
        .delete(&path)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let ev = sse.next().await;
    assert_eq!((ev.kind.as_str(), &ev.data["id"]), ("deleted", &id));
    assert_eq!(ev.data["status"], "deleted");
    assert_eq!(ev.data["html"], "");
}

#[tokio::test]
async fn a_dropped_stream_resumes_from_its_last_event_and_misses_nothing() {
    let s = TestServer::start().await;
    let ip = fresh_ip();
    let mut sse = Sse::open(&s, "/r", &ip, None, None).await.unwrap();
    let ready = sse.next().await;
    s.post_text("/r", "one").await;
    let last = sse.next().await.id.unwrap();
    drop(sse);

    for text in ["two", "three", "four"] {
        s.post_text("/r", text).await;
    }
    let mut sse = Sse::open(&s, "/r", &ip, None, Some(last)).await.unwrap();
    assert_eq!(sse.next().await.kind, "ready");
    let mut got = Vec::new();
    for _ in 0..3 {
        let ev = sse.next().await;
        assert_eq!(ev.kind, "created");
        got.push(ev.data["html"].as_str().unwrap().to_string());
    }
    assert_eq!(got, ["<p>two</p>\n", "<p>three</p>\n", "<p>four</p>\n"]);
    assert!(ready.id.unwrap() < last);
    // And then live again.
    s.post_text("/r", "five").await;
    assert_eq!(sse.next().await.data["html"], "<p>five</p>\n");
}

#[tokio::test]
async fn the_thread_answer_says_where_a_stream_starts_so_nothing_between_is_missed() {
    let s = TestServer::start().await;
    s.post_text("/b", "first").await;
    let from = s.thread("/b").await["thread"]["event_id"].as_i64().unwrap();
    assert!(from > 0);
    s.post_text("/b", "posted between the read and the stream")
        .await;

    let mut sse = Sse::open(&s, "/b", &fresh_ip(), Some(from), None)
        .await
        .unwrap();
    assert_eq!(sse.next().await.kind, "ready");
    let ev = sse.next().await;
    assert_eq!(ev.kind, "created");
    assert_eq!(
        ev.data["html"],
        "<p>posted between the read and the stream</p>\n"
    );
}

#[tokio::test]
async fn events_survive_a_restart_and_a_stream_resumes_after_it() {
    let dir = TempDir::new("live-restart");
    let mut s = TestServer::with(TempDir::new("unused"), config(&dir)).await;
    let mut sse = Sse::open(&s, "/x", &fresh_ip(), None, None).await.unwrap();
    let last = sse.next().await.id.unwrap();
    s.post_text("/x", "while the reader's stream is open").await;
    s.stop().await;
    // The stream ends when natter stops; the reader reconnects with the
    // last id it saw, which here is from before that comment.
    assert!(
        tokio::time::timeout(Duration::from_secs(5), async {
            while sse.read().await.is_some() {}
        })
        .await
        .is_ok(),
        "streams end when natter stops"
    );

    let s = TestServer::with(TempDir::new("unused2"), config(&dir)).await;
    let mut sse = Sse::open(&s, "/x", &fresh_ip(), None, Some(last))
        .await
        .unwrap();
    assert_eq!(sse.next().await.kind, "ready");
    let ev = sse.next().await;
    assert_eq!(ev.kind, "created");
    assert_eq!(
        ev.data["html"],
        "<p>while the reader's stream is open</p>\n"
    );
}

#[tokio::test]
async fn streams_are_bounded_per_client_and_in_all_and_freed_when_readers_go() {
    let dir = TempDir::new("live-limits");
    let mut cfg = quick_heartbeat(&dir);
    cfg.limits.live_streams = 3;
    cfg.limits.live_streams_per_client = 2;
    let s = TestServer::with(dir, cfg).await;
    let ip = fresh_ip();
    let a = Sse::open(&s, "/n", &ip, None, None).await.unwrap();
    let _b = Sse::open(&s, "/n", &ip, None, None).await.unwrap();
    let refused = Sse::open(&s, "/n", &ip, None, None)
        .await
        .err()
        .expect("a third from one client is refused");
    assert_eq!(refused.headers()["retry-after"], "60");
    assert_error(
        refused,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_streams",
        None,
    )
    .await;

    let _c = Sse::open(&s, "/n", &fresh_ip(), None, None).await.unwrap();
    let over = Sse::open(&s, "/n", &fresh_ip(), None, None).await.err();
    assert_error(
        over.expect("past the total"),
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_streams",
        None,
    )
    .await;

    // A reader who goes gives the place back (found by the heartbeat at
    // the latest).
    drop(a);
    let mut reopened = None;
    for _ in 0..50 {
        if let Ok(sse) = Sse::open(&s, "/n", &ip, None, None).await {
            reopened = Some(sse);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        reopened.is_some(),
        "the place of a closed stream is free again"
    );
}

#[tokio::test]
async fn a_quiet_stream_gets_heartbeats_and_outlives_the_idle_timeout() {
    let dir = TempDir::new("live-idle");
    let mut cfg = quick_heartbeat(&dir);
    cfg.limits.idle_timeout = Duration::from_secs(1);
    let s = TestServer::with(dir, cfg).await;
    let mut sse = Sse::open(&s, "/q", &fresh_ip(), None, None).await.unwrap();
    assert_eq!(sse.next().await.kind, "ready");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    s.post_text("/q", "still here").await;
    let ev = sse.next().await;
    assert_eq!(ev.data["html"], "<p>still here</p>\n");
    assert!(sse.buf.is_empty());
    // Heartbeats came while it was quiet.
    let raw = {
        let chunk = tokio::time::timeout(Duration::from_secs(3), sse.res.chunk())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        String::from_utf8(chunk.to_vec()).unwrap()
    };
    assert!(raw.starts_with(':'), "{raw:?}");
}

#[tokio::test]
async fn a_stream_is_refused_to_other_origins_and_for_unknown_sites() {
    let s = TestServer::start().await;
    let res = s
        .http
        .get(s.url(&format!("/api/events?url={}", enc(&page_url("/o")))))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "forbidden_origin", None).await;
    let res = s
        .get(&format!(
            "/api/events?url={}",
            enc("https://unknown.example/p")
        ))
        .await;
    assert_error(res, StatusCode::FORBIDDEN, "unknown_site", None).await;
    let res = s
        .get(&format!(
            "/api/events?url={}&since=abc",
            enc(&page_url("/o"))
        ))
        .await;
    assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("since"),
    )
    .await;
}

#[tokio::test]
async fn a_reader_back_after_the_events_were_dropped_is_told_to_reload() {
    let dir = TempDir::new("live-reset");
    let mut s = TestServer::with(TempDir::new("unused"), config(&dir)).await;
    let mut sse = Sse::open(&s, "/old", &fresh_ip(), None, None)
        .await
        .unwrap();
    let before = sse.next().await.id.unwrap();
    s.post_text("/old", "one").await;
    let newest = sse.next().await.id.unwrap();
    drop(sse);
    s.stop().await;
    // Two hours pass: natter keeps events for one.
    let db = rusqlite::Connection::open(dir.path("natter.db")).unwrap();
    db.execute("UPDATE events SET at = at - 7200", []).unwrap();
    drop(db);

    let s = TestServer::with(TempDir::new("unused2"), config(&dir)).await;
    let mut kinds = Vec::new();
    for _ in 0..30 {
        let mut sse = Sse::open(&s, "/old", &fresh_ip(), None, Some(before))
            .await
            .unwrap();
        kinds.push(sse.next().await.kind);
        if kinds.last().unwrap() == "reset" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(kinds.last().unwrap(), "reset", "{kinds:?}");
    // A reader who had seen everything loses nothing: no reload.
    let mut sse = Sse::open(&s, "/old", &fresh_ip(), None, Some(newest))
        .await
        .unwrap();
    assert_eq!(sse.next().await.kind, "ready");
}
