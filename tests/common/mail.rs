//! Real receivers on loopback: an SMTP server process (aiosmtpd, from
//! `tests/support/smtp_sink.py`) and an HTTP server that records webhooks.

use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running SMTP server and the messages it accepted.
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    mails: Arc<Mutex<Vec<Value>>>,
    held: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    /// Starts on `port` (0 for any free one). With `hold_after`, the
    /// server never answers the message after that many.
    pub fn start(port: u16, hold_after: Option<usize>) -> SmtpSink {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script).arg(port.to_string());
        if let Some(n) = hold_after {
            cmd.arg(n.to_string());
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 starts (the tests need Python 3 with aiosmtpd: pip install aiosmtpd)");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines
            .next()
            .and_then(Result::ok)
            .expect("the SMTP server says READY (is aiosmtpd installed? pip install aiosmtpd)");
        let port = first
            .strip_prefix("READY ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line from the SMTP server: {first}"));
        let mails = Arc::new(Mutex::new(Vec::new()));
        let held = Arc::new(Mutex::new(Vec::new()));
        let (m, h) = (mails.clone(), held.clone());
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let v: Value = serde_json::from_str(&line).expect("the sink prints JSON");
                match v.get("held") {
                    Some(id) => h.lock().unwrap().push(id.to_string()),
                    None => m.lock().unwrap().push(v),
                }
            }
        });
        SmtpSink {
            child,
            port,
            mails,
            held,
        }
    }

    /// Every message accepted so far.
    pub fn mails(&self) -> Vec<Value> {
        self.mails.lock().unwrap().clone()
    }

    /// The messages to one address.
    pub fn mails_to(&self, to: &str) -> Vec<Value> {
        self.mails()
            .into_iter()
            .filter(|m| m["to"].as_array().unwrap().iter().any(|t| t == to))
            .collect()
    }

    /// Waits until at least `n` messages were accepted.
    pub async fn wait_for(&self, n: usize) -> Vec<Value> {
        wait_until(|| self.mails().len() >= n, "emails").await;
        self.mails()
    }

    /// Waits until the server holds a message without answering.
    pub async fn wait_held(&self) {
        wait_until(|| !self.held.lock().unwrap().is_empty(), "a held message").await;
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Polls `done` for up to 20 seconds.
pub async fn wait_until(mut done: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The address after `label:` on the next line of an email's text.
/// natter's `[smtp]` for the sink on `port`: plain SMTP on loopback.
pub fn smtp(port: u16) -> natter::config::Smtp {
    natter::config::Smtp {
        host: "127.0.0.1".into(),
        port,
        tls: natter::config::SmtpTls::None,
        username: None,
        password: None,
        from: "Comments <comments@example.org>".into(),
    }
}

pub fn link_after(mail: &Value, label: &str) -> String {
    let text = mail["text"].as_str().expect("a text part");
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        if l.trim_end() == format!("{label}:") {
            return lines.next().unwrap().trim().to_string();
        }
    }
    panic!("no {label:?} link in:\n{text}")
}

/// One request a webhook receiver got.
#[derive(Debug, Clone)]
pub struct Hook {
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
    pub status: u16,
}

/// An HTTP server on loopback that records every POST and answers 500 to
/// the first `fail_first` tries of each delivery, 200 after.
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Hook>>>,
}

impl Receiver {
    pub async fn start(fail_first: usize) -> Receiver {
        use warp::Filter;
        let got: Arc<Mutex<Vec<Hook>>> = Arc::new(Mutex::new(Vec::new()));
        let g = got.clone();
        let route = warp::post()
            .and(warp::header::headers_cloned())
            .and(warp::body::bytes())
            .map(move |h: warp::http::HeaderMap, body: bytes::Bytes| {
                let headers: HashMap<String, String> = h
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
                    .collect();
                let mut got = g.lock().unwrap();
                let delivery = headers.get("natter-delivery").cloned();
                let tries = got
                    .iter()
                    .filter(|x| x.headers.get("natter-delivery") == delivery.as_ref())
                    .count();
                let status = if tries < fail_first { 500 } else { 200 };
                got.push(Hook {
                    headers,
                    body: body.to_vec(),
                    status,
                });
                warp::reply::with_status("", warp::http::StatusCode::from_u16(status).unwrap())
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(warp::serve(route).incoming(listener).run());
        Receiver {
            url: format!("http://{addr}/hook"),
            got,
        }
    }

    pub fn hooks(&self) -> Vec<Hook> {
        self.got.lock().unwrap().clone()
    }
}
