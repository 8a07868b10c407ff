//! A real natter on 127.0.0.1:0 with a real SQLite file, and a real HTTP client.
#![allow(dead_code)]

pub mod email_sign_in;
pub mod feed;
pub mod importing;
pub mod logged;
pub mod mail;
pub mod providers;

use natter::config::{Cidr, Config};
use natter::domain::{ModerationMode, Origin, Site, SiteId, SiteSettings};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The page origin registered for the test site.
pub const ORIGIN: &str = "https://blog.example.org";

/// The first admin's password in tests (user `admin`).
pub const ADMIN_PASSWORD: &str = "correct horse battery";

/// A folder under the system temp dir, removed at drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("natter-test-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn site(id: &str, origin: &str, settings: SiteSettings) -> Site {
    Site {
        id: SiteId::parse(id).unwrap(),
        name: id.into(),
        origins: vec![Origin::parse(origin).unwrap()],
        settings,
    }
}

/// A configuration for tests: one site on [`ORIGIN`], limits on, the
/// timing check off, 127.0.0.1 trusted as a proxy so tests can pose as
/// other clients with `X-Forwarded-For`.
pub fn config(dir: &TempDir) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        database: dir.path("natter.db"),
        sites: vec![site("blog", ORIGIN, SiteSettings::default())],
        spam_min_seconds: 0,
        trusted_proxies: vec![Cidr::parse("127.0.0.1/32").unwrap()],
        admin_password: Some(ADMIN_PASSWORD.into()),
        ..Config::default()
    }
}

pub struct TestServer {
    pub server: Option<natter::Server>,
    pub base: String,
    pub http: Client,
    pub dir: TempDir,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let dir = TempDir::new("api");
        let cfg = config(&dir);
        TestServer::with(dir, cfg).await
    }

    pub async fn with_settings(settings: SiteSettings) -> TestServer {
        let dir = TempDir::new("api");
        let mut cfg = config(&dir);
        cfg.sites[0].settings = settings;
        TestServer::with(dir, cfg).await
    }

    pub async fn with(dir: TempDir, cfg: Config) -> TestServer {
        let server = natter::start(cfg).await.expect("server starts");
        let base = format!("http://{}", server.addr);
        TestServer {
            server: Some(server),
            base,
            http: Client::new(),
            dir,
        }
    }

    pub async fn stop(&mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET /api/comments for a page path of the test site.
    pub async fn thread(&self, page: &str) -> Value {
        let res = self
            .get(&format!("/api/comments?url={}", enc(&page_url(page))))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    /// POSTs a comment as the client at `ip`.
    pub async fn post_as(&self, ip: &str, page: &str, body: Value) -> Response {
        self.http
            .post(self.url(&format!("/api/comments?url={}", enc(&page_url(page)))))
            .header("x-forwarded-for", ip)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// POSTs a comment and expects it published; returns the answer.
    pub async fn post_ok(&self, page: &str, body: Value) -> Value {
        let ip = fresh_ip();
        let res = self.post_as(&ip, page, body).await;
        let status = res.status();
        let value: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{value}");
        value
    }

    pub async fn post_text(&self, page: &str, text: &str) -> Value {
        self.post_ok(page, json!({ "text": text })).await
    }
}

/// A different client address each call, so rate limits don't interfere.
pub fn fresh_ip() -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("198.18.{}.{}", n / 250, n % 250 + 1)
}

pub fn page_url(page: &str) -> String {
    format!("{ORIGIN}{page}")
}

pub fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Asserts an error answer's status, code and (for validation) field.
pub async fn assert_error(
    res: Response,
    status: StatusCode,
    code: &str,
    field: Option<&str>,
) -> Value {
    assert_eq!(res.status(), status);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| m.len() > 10),
        "{body}"
    );
    match field {
        Some(f) => assert_eq!(body["field"], f, "{body}"),
        None => assert!(body.get("field").is_none(), "{body}"),
    }
    body
}

pub fn moderated(mode: ModerationMode) -> SiteSettings {
    SiteSettings {
        moderation: mode,
        ..SiteSettings::default()
    }
}

/// A signed-in moderator: the session cookie and the CSRF token.
pub struct Admin {
    pub cookie: String,
    pub csrf: String,
}

impl TestServer {
    /// Signs in as the first admin.
    pub async fn admin(&self) -> Admin {
        let res = self
            .http
            .post(self.url("/admin/api/login"))
            .header("x-forwarded-for", fresh_ip())
            .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let cookie = res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let body: Value = res.json().await.unwrap();
        Admin {
            cookie,
            csrf: body["csrf_token"].as_str().unwrap().to_string(),
        }
    }

    /// An admin API call with the session and CSRF token.
    pub async fn admin_call(
        &self,
        a: &Admin,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Response {
        let mut req = self
            .http
            .request(method, self.url(path))
            .header("cookie", &a.cookie)
            .header("x-csrf-token", &a.csrf);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap()
    }

    /// A moderator's bulk action (`approve`, `spam`, `delete`, `restore`)
    /// on comments, signed in afresh; panics unless it answers 200.
    pub async fn moderate(&self, ids: &[Value], action: &str) -> Value {
        let a = self.admin().await;
        let res = self
            .admin_call(
                &a,
                reqwest::Method::POST,
                "/admin/api/comments/bulk",
                Some(json!({"ids": ids, "action": action})),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }
}

/// Starts the natter binary on port 0 in `dir` and returns it with its address.
pub fn spawn_binary(dir: &TempDir, extra: &[&str]) -> (Child, String) {
    spawn_binary_logging(dir, extra, Stdio::null())
}

/// The same as [`spawn_binary`], with the server's log going to `log`.
pub fn spawn_binary_logging(dir: &TempDir, extra: &[&str], log: Stdio) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_natter"))
        .arg("serve")
        .args(["--listen", "127.0.0.1:0", "--database"])
        .arg(dir.path("natter.db"))
        .args(extra)
        .current_dir(&dir.0)
        .env("NATTER_RATE_LIMIT", "false")
        .env("NATTER_SPAM_MIN_SECONDS", "0")
        .env("NATTER_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("natter binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("natter listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    (child, addr.to_string())
}
