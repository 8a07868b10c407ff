//! Connections are bounded in time and number (DESIGN §14): raw TCP clients
//! against a real server, each misbehaving in its own way.

mod common;

use common::logged::Logged;
use common::{TempDir, TestServer, config, enc, page_url};
use natter::config::Limits;
use std::process::Command;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Short limits, so that tests wait seconds rather than minutes. Each
/// test shortens only the one it is about.
fn relaxed() -> Limits {
    Limits {
        header_timeout: Duration::from_secs(60),
        body_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(60),
        max_connections: 100,
        shutdown_grace: Duration::from_secs(60),
        ..Limits::default()
    }
}

async fn server(limits: Limits) -> TestServer {
    let dir = TempDir::new("conn");
    let mut cfg = config(&dir);
    cfg.limits = limits;
    TestServer::with(dir, cfg).await
}

async fn connect(s: &TestServer) -> TcpStream {
    TcpStream::connect(s.server.as_ref().unwrap().addr)
        .await
        .unwrap()
}

/// Waits up to `within` for the server to close the connection; whatever
/// it sends first (such as a 408) is returned.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let read_all = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(within, read_all).await.ok()?;
    Some(String::from_utf8_lossy(&seen).into_owned())
}

/// Reads one answer: its status and its head and body as text; `None` if
/// the connection closed first.
async fn read_answer(stream: &mut TcpStream) -> Option<(u16, String, String)> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => data.extend_from_slice(&buf[..n]),
            _ => return None,
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while data.len() < head_end + length {
        match tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => data.extend_from_slice(&buf[..n]),
            _ => return None,
        }
    }
    let body = String::from_utf8_lossy(&data[head_end..head_end + length]).into_owned();
    Some((status, head, body))
}

const HEALTH: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: natter\r\n\r\n";

#[tokio::test]
async fn partial_headers_are_closed_after_the_header_timeout() {
    let s = server(Limits {
        header_timeout: Duration::from_secs(1),
        ..relaxed()
    })
    .await;
    let mut c = connect(&s).await;
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: natter\r\nX-Slow: ")
        .await
        .unwrap();
    assert!(
        closed_within(&mut c, Duration::from_secs(15))
            .await
            .is_some(),
        "a request whose headers never end stays open"
    );
    // A connection that sends nothing at all is closed the same way.
    let mut silent = connect(&s).await;
    assert!(
        closed_within(&mut silent, Duration::from_secs(15))
            .await
            .is_some()
    );
    // Others are still served.
    let mut ok = connect(&s).await;
    ok.write_all(HEALTH).await.unwrap();
    assert_eq!(read_answer(&mut ok).await.unwrap().0, 200);
}

#[tokio::test]
async fn partial_body_is_answered_408_and_closed_after_the_body_timeout() {
    let s = server(Limits {
        body_timeout: Duration::from_secs(1),
        ..relaxed()
    })
    .await;
    let mut c = connect(&s).await;
    let path = format!("/api/comments?url={}", enc(&page_url("/slow")));
    c.write_all(
        format!(
            "POST {path} HTTP/1.1\r\nHost: natter\r\nContent-Type: application/json\r\n\
             Content-Length: 100\r\n\r\n{{\"text\": \"only part"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let seen = closed_within(&mut c, Duration::from_secs(15))
        .await
        .expect("a body that never ends keeps the connection open");
    assert!(seen.starts_with("HTTP/1.1 408"), "{seen:?}");
    assert!(seen.contains("request_timeout"), "{seen:?}");
    assert_eq!(s.thread("/slow").await["thread"]["count"], 0);
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed() {
    let s = server(Limits {
        idle_timeout: Duration::from_secs(1),
        ..relaxed()
    })
    .await;
    let mut c = connect(&s).await;
    c.write_all(HEALTH).await.unwrap();
    let (status, head, _) = read_answer(&mut c).await.unwrap();
    assert_eq!(status, 200);
    assert!(!head.to_ascii_lowercase().contains("connection: close"));
    assert!(
        closed_within(&mut c, Duration::from_secs(15))
            .await
            .is_some(),
        "an idle keep-alive connection stays open"
    );
}

#[tokio::test]
async fn the_idle_time_between_requests_is_not_the_header_timeout() {
    // Headers get 1 s, a connection between requests gets 60 s: a reader
    // who keeps the connection for the next click is not cut off.
    let s = server(Limits {
        header_timeout: Duration::from_secs(1),
        ..relaxed()
    })
    .await;
    let mut c = connect(&s).await;
    c.write_all(HEALTH).await.unwrap();
    assert_eq!(read_answer(&mut c).await.unwrap().0, 200);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    c.write_all(HEALTH).await.unwrap();
    assert_eq!(read_answer(&mut c).await.unwrap().0, 200);
}

#[tokio::test]
async fn past_the_cap_new_connections_are_closed_and_others_still_served() {
    let s = server(Limits {
        max_connections: 3,
        ..relaxed()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut c = connect(&s).await;
        c.write_all(HEALTH).await.unwrap();
        assert_eq!(read_answer(&mut c).await.unwrap().0, 200);
        held.push(c);
    }
    let mut extra = connect(&s).await;
    assert!(
        closed_within(&mut extra, Duration::from_secs(10))
            .await
            .is_some(),
        "a connection past the cap is kept"
    );
    // The clients already connected still get answers.
    for c in &mut held {
        c.write_all(HEALTH).await.unwrap();
        assert_eq!(read_answer(c).await.unwrap().0, 200);
    }
    // Once one leaves, a new client gets its place.
    drop(held.pop());
    let mut next = None;
    for _ in 0..50 {
        let mut c = connect(&s).await;
        if c.write_all(HEALTH).await.is_ok()
            && let Some(a) = read_answer(&mut c).await
        {
            next = Some(a.0);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(next, Some(200));
}

#[tokio::test]
async fn stop_does_not_wait_for_stalled_clients_beyond_the_grace() {
    let mut s = server(Limits {
        shutdown_grace: Duration::from_secs(1),
        ..relaxed()
    })
    .await;
    let mut half_head = connect(&s).await;
    half_head
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: na")
        .await
        .unwrap();
    let mut half_body = connect(&s).await;
    let path = format!("/api/comments?url={}", enc(&page_url("/stop")));
    half_body
        .write_all(
            format!(
                "POST {path} HTTP/1.1\r\nHost: natter\r\nContent-Type: application/json\r\n\
                 Content-Length: 50\r\n\r\n{{\"te"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        tokio::time::timeout(Duration::from_secs(20), s.stop())
            .await
            .is_ok(),
        "stop waits for ever on a half-sent request"
    );
    assert!(
        closed_within(&mut half_body, Duration::from_secs(5))
            .await
            .is_some()
    );
}

#[tokio::test]
async fn early_answers_keep_the_connection_alive() {
    let s = server(relaxed()).await;
    let mut c = connect(&s).await;
    let path = format!("/api/comments?url={}", enc(&page_url("/early")));
    // Headers and body as two writes: the answer may be decided before the
    // body arrives, and the connection must still serve the next request.
    async fn send(c: &mut TcpStream, head: String, body: &[u8]) -> (u16, String) {
        c.write_all(head.as_bytes()).await.unwrap();
        c.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(150)).await;
        c.write_all(body).await.unwrap();
        let (status, head, _) = read_answer(c).await.expect("an answer");
        (status, head)
    }
    // `ip` poses as a client behind the trusted proxy.
    let post = |ip: &str, ct: &str, len: usize| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: natter\r\nX-Forwarded-For: {ip}\r\n\
             Content-Type: {ct}\r\nContent-Length: {len}\r\n\r\n"
        )
    };
    let body = br#"{"text": "hello there"}"#;
    // 415
    let (status, _) = send(&mut c, post("203.0.113.76", "text/plain", body.len()), body).await;
    assert_eq!(status, 415);
    // 413, within what natter reads anyway (the form limit is 4 KiB).
    let form = vec![b'a'; 8 * 1024];
    let (status, _) = send(
        &mut c,
        format!(
            "POST /notify?t=x HTTP/1.1\r\nHost: natter\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            form.len()
        ),
        &form,
    )
    .await;
    assert_eq!(status, 413);
    // 429: three posts pass, the fourth is limited.
    for _ in 0..3 {
        let text = format!(r#"{{"text": "post {}"}}"#, common::fresh_ip());
        let (status, _) = send(
            &mut c,
            post("203.0.113.77", "application/json", text.len()),
            text.as_bytes(),
        )
        .await;
        assert_eq!(status, 201);
    }
    let (status, head) = send(
        &mut c,
        post("203.0.113.77", "application/json", body.len()),
        body,
    )
    .await;
    assert_eq!(status, 429);
    assert!(!head.to_ascii_lowercase().contains("connection: close"));
    // The same connection still answers.
    c.write_all(HEALTH).await.unwrap();
    assert_eq!(read_answer(&mut c).await.map(|a| a.0), Some(200));
}

#[tokio::test]
async fn the_binary_says_once_when_the_cap_is_reached() {
    let dir = TempDir::new("conn-cap");
    let natter = Logged::start(&dir, "[limits]\nmax_connections = 2\n");
    let addr = &natter.addr;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut c = TcpStream::connect(addr.as_str()).await.unwrap();
        c.write_all(HEALTH).await.unwrap();
        assert_eq!(read_answer(&mut c).await.unwrap().0, 200);
        held.push(c);
    }
    for _ in 0..3 {
        let mut extra = TcpStream::connect(addr.as_str()).await.unwrap();
        assert!(
            closed_within(&mut extra, Duration::from_secs(10))
                .await
                .is_some()
        );
    }
    assert!(
        natter.logged("connection cap reached").await,
        "{}",
        natter.log()
    );
    let text = natter.log();
    assert_eq!(text.matches("connection cap reached").count(), 1, "{text}");
    assert!(text.contains("max_connections"), "{text}");
}

#[tokio::test]
async fn sigterm_exits_within_the_grace_while_a_client_holds_a_half_sent_request() {
    let dir = TempDir::new("conn-term");
    let mut natter = Logged::start(
        &dir,
        "[limits]\nshutdown_grace = \"1s\"\nheader_timeout = \"5m\"\nbody_timeout = \"5m\"\n",
    );
    let addr = natter.addr.clone();
    let mut half_head = TcpStream::connect(addr.as_str()).await.unwrap();
    half_head
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: na")
        .await
        .unwrap();
    let mut half_body = TcpStream::connect(addr.as_str()).await.unwrap();
    half_body
        .write_all(
            b"POST /api/preview HTTP/1.1\r\nHost: natter\r\nContent-Type: application/json\r\n\
              Content-Length: 50\r\n\r\n{\"te",
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let status = Command::new("kill")
        .args(["-TERM", &natter.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut exited = None;
    for _ in 0..200 {
        if let Some(code) = natter.child.try_wait().unwrap() {
            exited = Some(code);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let code =
        exited.unwrap_or_else(|| panic!("natter did not exit after SIGTERM: {}", natter.log()));
    assert!(code.success(), "{code:?}: {}", natter.log());
    assert!(natter.logged("stopped").await, "{}", natter.log());
}
