//! Real sign-in providers on loopback and a browser-less reader to walk
//! natter's sign-in through them.
//!
//! - [`OidcProvider`]: the npm package `oidc-provider`, started by
//!   `tests/support/oidc_provider.mjs` (an OpenID Certified implementation);
//!   with `AUTO_LOGIN` it signs the reader in without a page.
//! - [`RogueProvider`]: `tests/support/rogue_provider.mjs`, whose ID tokens
//!   are wrong in one way per mode.
//! - [`Walker`]: an HTTP client that keeps cookies per host and follows
//!   redirects by hand, so a test sees and can stop at every hop.
//! - [`SignInNatter`]: a natter started from a `natter.toml` with
//!   `public_url`, `[[provider]]` sections and a site's `sign_in`.

use super::mail::{SmtpSink, wait_until};
use super::{ADMIN_PASSWORD, ORIGIN, TempDir, TestServer, enc, page_url};
use reqwest::{Client, Response, StatusCode, redirect};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;

/// The client natter is registered as at the providers.
pub const CLIENT_ID: &str = "natter";
/// Its secret.
pub const CLIENT_SECRET: &str = "s3cret";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Makes sure `node_modules/oidc-provider` is there: `cargo test` may run
/// before anyone ran `npm ci`, so the first test to need it runs it, under
/// a lock so that tests starting at once run it once.
pub fn ensure_node_modules() {
    let marker = repo().join("node_modules/oidc-provider/package.json");
    if marker.exists() {
        return;
    }
    let lock = File::create(Path::new(env!("CARGO_TARGET_TMPDIR")).join("npm-ci.lock"))
        .expect("the lock file for npm ci can be made");
    lock.lock().expect("the lock for npm ci is taken");
    if !marker.exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(repo())
            .stdout(Stdio::null())
            .status()
            .expect("npm runs (the sign-in tests need Node.js 20 or later and npm)");
        assert!(status.success(), "npm ci failed: {status}");
    }
}

/// A provider process, killed at drop; its log goes to a file.
pub struct NodeProcess {
    child: Child,
    // Held open: the script stops when its stdin closes, so a test that
    // dies without dropping this takes the provider with it.
    _stdin: ChildStdin,
    /// Where the process listens, as its first line said.
    pub issuer: String,
    log: PathBuf,
}

impl NodeProcess {
    fn spawn(script: &str, args: &[&str], env: &[(&str, &str)]) -> NodeProcess {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("{script}-{}-{n}.log", std::process::id()));
        let mut child = Command::new("node")
            .arg(repo().join("tests/support").join(script))
            .args(args)
            .envs(env.iter().copied())
            .current_dir(repo())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(File::create(&log).expect("the provider's log file"))
            .spawn()
            .expect("node starts (the sign-in tests need Node.js 20 or later on PATH)");
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        // Whatever else it prints is read and dropped, so that no write of
        // its ever fails on a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let issuer = serde_json::from_str::<Value>(&line)
            .ok()
            .and_then(|v| v["issuer"].as_str().map(String::from))
            .unwrap_or_else(|| {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{script} did not say where it listens; its log:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            });
        let stdin = child.stdin.take().unwrap();
        NodeProcess {
            child,
            _stdin: stdin,
            issuer,
            log,
        }
    }

    /// What the process logged so far (each request it got).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// One account at a provider.
pub struct Account {
    pub sub: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub email_verified: bool,
}

/// The accounts every test provider has: Ann (verified email) and Bob (not).
pub const ACCOUNTS: [Account; 2] = [
    Account {
        sub: "ann",
        name: "Ann Example",
        email: "ann@example.org",
        email_verified: true,
    },
    Account {
        sub: "bob",
        name: "Bob Example",
        email: "bob@example.org",
        email_verified: false,
    },
];

/// The real OpenID provider.
pub struct OidcProvider(pub NodeProcess);

impl OidcProvider {
    /// Starts it with natter as its one client, allowed to come back to
    /// each of `redirect_uris`; with `auto_login`, every sign-in finishes
    /// at once as that account.
    pub fn start(redirect_uris: &[String], auto_login: Option<&str>) -> OidcProvider {
        ensure_node_modules();
        let accounts: Vec<Value> = ACCOUNTS
            .iter()
            .map(|a| json!({"sub": a.sub, "name": a.name, "email": a.email, "email_verified": a.email_verified}))
            .collect();
        let settings = json!({
            "clients": [{
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": redirect_uris,
            }],
            "accounts": accounts,
        });
        let env: Vec<(&str, &str)> = auto_login.map(|s| ("AUTO_LOGIN", s)).into_iter().collect();
        OidcProvider(NodeProcess::spawn(
            "oidc_provider.mjs",
            &[&settings.to_string()],
            &env,
        ))
    }

    pub fn issuer(&self) -> &str {
        &self.0.issuer
    }
}

/// The hostile provider.
pub struct RogueProvider {
    pub process: NodeProcess,
    http: Client,
}

impl RogueProvider {
    /// Starts it crafting tokens in `mode` (see the script's head).
    pub fn start(mode: &str) -> RogueProvider {
        natter::init_tls();
        RogueProvider {
            process: NodeProcess::spawn("rogue_provider.mjs", &[mode], &[]),
            http: Client::new(),
        }
    }

    pub fn issuer(&self) -> &str {
        &self.process.issuer
    }

    /// Crafts tokens in `mode` from now on.
    pub async fn set_mode(&self, mode: &str) {
        let res = self
            .http
            .post(format!("{}/_mode", self.issuer()))
            .body(mode.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "mode {mode}");
    }

    /// What it saw: `authorize`, `token` and `issued` lists.
    pub async fn seen(&self) -> Value {
        let res = self.http.get(format!("{}/_log", self.issuer())).send();
        res.await.unwrap().json().await.unwrap()
    }
}

/// A client that keeps cookies per host (every path: the tests' hosts are
/// all loopback and names don't clash) and follows no redirect by itself.
pub struct Walker {
    pub http: Client,
    cookies: Mutex<HashMap<String, BTreeMap<String, String>>>,
    /// The address natter sees it at (`X-Forwarded-For`): one per walker,
    /// as one browser is one client, so rate limits don't mix tests.
    pub client_ip: String,
}

impl Default for Walker {
    fn default() -> Self {
        Walker::new()
    }
}

fn host_of(url: &str) -> String {
    let u = url::Url::parse(url).unwrap_or_else(|e| panic!("{url} is not a URL: {e}"));
    format!(
        "{}:{}",
        u.host_str().unwrap_or(""),
        u.port_or_known_default().unwrap_or(0)
    )
}

impl Walker {
    pub fn new() -> Walker {
        natter::init_tls();
        Walker {
            http: Client::builder()
                .redirect(redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Mutex::new(HashMap::new()),
            client_ip: super::fresh_ip(),
        }
    }

    fn cookie_header(&self, url: &str) -> Option<String> {
        let jar = self.cookies.lock().unwrap();
        let cookies = jar.get(&host_of(url)).filter(|c| !c.is_empty())?;
        let pairs: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        Some(pairs.join("; "))
    }

    fn keep_cookies(&self, url: &str, res: &Response) {
        let mut jar = self.cookies.lock().unwrap();
        let cookies = jar.entry(host_of(url)).or_default();
        for header in res.headers().get_all("set-cookie") {
            let text = header.to_str().unwrap_or("");
            let mut parts = text.split(';');
            let Some((name, value)) = parts.next().and_then(|p| p.trim().split_once('=')) else {
                continue;
            };
            let gone = value.is_empty()
                || parts.any(|a| {
                    let a = a.trim().to_ascii_lowercase();
                    a == "max-age=0" || (a.starts_with("expires=") && a.contains("1970"))
                });
            if gone {
                cookies.remove(name);
            } else {
                cookies.insert(name.to_string(), value.to_string());
            }
        }
    }

    /// Sends `req` to `url` with the host's cookies and keeps what it sets.
    pub async fn send(&self, url: &str, req: reqwest::RequestBuilder) -> Response {
        let req = req.header("x-forwarded-for", &self.client_ip);
        let req = match self.cookie_header(url) {
            Some(c) => req.header("cookie", c),
            None => req,
        };
        let res = req.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
        self.keep_cookies(url, &res);
        res
    }

    pub async fn get(&self, url: &str) -> Response {
        self.send(url, self.http.get(url)).await
    }

    pub async fn post_form(&self, url: &str, form: &[(&str, &str)]) -> Response {
        self.send(url, self.http.post(url).form(form)).await
    }

    /// GETs `url` and follows redirects until one points at a URL starting
    /// with `stop` (returned, not fetched). Panics, with the page, if a
    /// page that is no redirect comes first.
    pub async fn walk_to(&self, url: &str, stop: &str) -> String {
        let mut at = url.to_string();
        for _ in 0..12 {
            let res = self.get(&at).await;
            let status = res.status();
            let Some(location) = res.headers().get("location").cloned() else {
                let body = res.text().await.unwrap_or_default();
                panic!("{at} answered {status} with no redirect on the way to {stop}:\n{body}");
            };
            let next = url::Url::parse(&at)
                .unwrap()
                .join(location.to_str().unwrap())
                .unwrap()
                .to_string();
            if next.starts_with(stop) {
                return next;
            }
            at = next;
        }
        panic!("more than 12 redirects from {url} without reaching {stop}");
    }
}

/// The strings a page's scripts give `postMessage` as the target origin:
/// the second argument of each call, a string literal, a name the page
/// sets to one, or a field (`d.origin`) of the JSON the page carries in a
/// `<script type="application/json">`. What cannot be resolved is
/// returned as written, so that it fails the test's comparison.
pub fn post_message_targets(html: &str) -> Vec<String> {
    html.match_indices("postMessage(")
        .map(|(i, m)| second_argument(&html[i + m.len()..]))
        .map(|arg| {
            literal(&arg)
                .or_else(|| resolve_name(html, &arg))
                .or_else(|| json_field(html, &arg))
                .unwrap_or(arg)
        })
        .collect()
}

/// `field` of `name.field` from the page's JSON data blocks; the first
/// block that has the field as a string answers.
fn json_field(html: &str, arg: &str) -> Option<String> {
    let (_, field) = arg.rsplit_once('.')?;
    let opening = "<script type=\"application/json\"";
    html.match_indices(opening).find_map(|(i, _)| {
        let rest = &html[i..];
        let body = &rest[rest.find('>')? + 1..rest.find("</script>")?];
        let data: Value = serde_json::from_str(body).ok()?;
        data.get(field)?.as_str().map(String::from)
    })
}

/// The text of a call's second top-level argument, from after its `(`.
fn second_argument(rest: &str) -> String {
    let (mut depth, mut quote, mut escaped) = (0i32, None::<char>, false);
    let mut args = vec![String::new()];
    for c in rest.chars() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
        } else if matches!(c, '"' | '\'' | '`') {
            quote = Some(c);
        } else if matches!(c, '(' | '{' | '[') {
            depth += 1;
        } else if matches!(c, ')' | '}' | ']') {
            if depth == 0 {
                break;
            }
            depth -= 1;
        } else if c == ',' && depth == 0 {
            args.push(String::new());
            continue;
        }
        args.last_mut().unwrap().push(c);
    }
    args.get(1)
        .map(|a| a.trim().to_string())
        .unwrap_or_default()
}

fn literal(arg: &str) -> Option<String> {
    let q = arg.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    arg.strip_prefix(q)?
        .strip_suffix(q)
        .map(|s| s.replace("\\/", "/"))
}

/// The string literal a page assigns to `name` (`name = "…"`).
fn resolve_name(html: &str, name: &str) -> Option<String> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    {
        return None;
    }
    let at = html
        .find(&format!("{name} = "))
        .map(|i| i + name.len() + 3)
        .or_else(|| html.find(&format!("{name}=")).map(|i| i + name.len() + 1))?;
    let rest = html[at..].trim_start();
    let end = rest.find([';', '\n', ',']).unwrap_or(rest.len());
    literal(rest[..end].trim())
}

/// The reader token in a callback page (`"token":"…"` or `token: "…"`).
pub fn token_in(html: &str) -> Option<String> {
    for key in ["\"token\":\"", "\"token\": \"", "token: \"", "token:\""] {
        if let Some(i) = html.find(key) {
            let rest = &html[i + key.len()..];
            return rest.find('"').map(|end| rest[..end].to_string());
        }
    }
    None
}

/// A free loopback port, found and let go, for a natter whose address must
/// be known before it starts (its redirect URLs are registered first).
pub fn reserve_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A natter configured for sign-in, with its address known beforehand.
pub struct SignInNatter {
    pub server: TestServer,
    /// `http://127.0.0.1:PORT`, its `public_url`.
    pub base: String,
}

/// natter's redirect URL for a provider id, at `base`.
pub fn callback_url(base: &str, provider: &str) -> String {
    format!("{base}/auth/callback/{provider}")
}

impl SignInNatter {
    /// Starts natter on `port` from `toml` (the sections after the
    /// server's own lines, which this writes: listen, database,
    /// public_url, trusted proxies, the timing check off).
    pub async fn start(dir: TempDir, port: u16, toml: &str) -> SignInNatter {
        let base = format!("http://127.0.0.1:{port}");
        let text = format!(
            "listen = \"127.0.0.1:{port}\"\ndatabase = {:?}\npublic_url = \"{base}\"\n\
             trusted_proxies = [\"127.0.0.1/32\"]\n\n[spam]\nmin_seconds = 0\n\n{toml}",
            dir.path("natter.db").display().to_string(),
        );
        let path = dir.path("natter.toml");
        std::fs::write(&path, &text).unwrap();
        let mut cfg = natter::config::Config::load(
            Some(&path),
            &Vec::new(),
            &natter::config::Overrides::default(),
        )
        .unwrap_or_else(|e| panic!("natter.toml is refused: {e}\n{text}"));
        cfg.admin_password = Some(ADMIN_PASSWORD.into());
        let server = TestServer::with(dir, cfg).await;
        assert_eq!(server.base, base, "natter listens where public_url says");
        SignInNatter { server, base }
    }

    /// `GET /auth/start/{provider}?url=PAGE` for a page path of the site.
    pub fn start_url(&self, provider: &str, page: &str) -> String {
        format!(
            "{}/auth/start/{provider}?url={}",
            self.base,
            enc(&page_url(page))
        )
    }

    /// The popup flow up to the callback page: start, the provider's
    /// redirects, then natter's callback, whose answer is returned.
    pub async fn popup(&self, walker: &Walker, provider: &str, page: &str) -> Response {
        let start = self.start_url(provider, page);
        let callback = walker
            .walk_to(&start, &callback_url(&self.base, provider))
            .await;
        walker.get(&callback).await
    }

    /// The popup flow that must work: the callback page's token.
    pub async fn sign_in(&self, provider: &str, page: &str) -> String {
        let walker = Walker::new();
        let res = self.popup(&walker, provider, page).await;
        let status = res.status();
        let html = res.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "the callback page:\n{html}");
        assert_eq!(
            post_message_targets(&html),
            vec![ORIGIN.to_string()],
            "{html}"
        );
        token_in(&html).unwrap_or_else(|| panic!("no token in the callback page:\n{html}"))
    }

    /// `GET /api/me` with a reader token.
    pub async fn me(&self, token: &str) -> Response {
        let req = self.server.http.get(self.server.url("/api/me"));
        let req = req.header("x-forwarded-for", super::fresh_ip());
        req.bearer_auth(token).send().await.unwrap()
    }

    /// `POST /api/comments` on a page of the site as a signed-in reader.
    pub async fn post_signed_in(&self, token: &str, page: &str, body: Value) -> Response {
        let url = format!("/api/comments?url={}", enc(&page_url(page)));
        let req = self.server.http.post(self.server.url(&url));
        let req = req.header("x-forwarded-for", super::fresh_ip());
        req.bearer_auth(token).json(&body).send().await.unwrap()
    }
}

/// A `[[provider]]` section for an OpenID provider.
pub fn oidc_section(id: &str, name: &str, issuer: &str) -> String {
    format!(
        "[[provider]]\nid = \"{id}\"\nkind = \"oidc\"\nname = \"{name}\"\nissuer = \"{issuer}\"\n\
         client_id = \"{CLIENT_ID}\"\nclient_secret = \"{CLIENT_SECRET}\"\n\n"
    )
}

/// A `[[site]]` section on [`ORIGIN`] offering `sign_in`, with more lines.
pub fn site_section(sign_in: &[&str], extra: &str) -> String {
    let ids: Vec<String> = sign_in.iter().map(|s| format!("\"{s}\"")).collect();
    format!(
        "[[site]]\nid = \"blog\"\norigins = [\"{ORIGIN}\"]\nsign_in = [{}]\n{extra}\n",
        ids.join(", ")
    )
}

/// natter with the email link as provider `email` and `sink` as its SMTP
/// server; `site_extra` goes into the site's section.
pub async fn email_natter(sink: &SmtpSink, site_extra: &str) -> SignInNatter {
    let port = reserve_port();
    let toml = format!(
        "[[provider]]\nid = \"email\"\nkind = \"email\"\nname = \"Email\"\n\n{}\
         [smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\n\
         from = \"Comments <comments@example.org>\"\n",
        site_section(&["email"], site_extra),
        sink.port
    );
    SignInNatter::start(TempDir::new("signin-email"), port, &toml).await
}

/// A page's first form: where it goes and the values it already holds.
pub struct Form {
    /// The `action`, made absolute against the page's URL.
    pub action: String,
    pub method: String,
    /// `name`/`value` of each input that has a value (hidden ones).
    pub fields: Vec<(String, String)>,
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let end = tag[at..].find('"')?;
    Some(
        tag[at..at + end]
            .replace("&amp;", "&")
            .replace("&#x2F;", "/"),
    )
}

/// A form's fields as [`Walker::post_form`] takes them.
pub fn fields_of(form: &Form) -> Vec<(&str, &str)> {
    let pairs = form.fields.iter();
    pairs.map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Reads the first `<form>` of `html`, a page at `page_url`.
pub fn form_in(html: &str, page_url: &str) -> Option<Form> {
    let start = html.find("<form")?;
    let end = html[start..]
        .find("</form>")
        .map_or(html.len(), |e| start + e);
    let form = &html[start..end];
    let open = &form[..form.find('>')?];
    let action = attribute(open, "action").unwrap_or_default();
    let action = url::Url::parse(page_url)
        .ok()?
        .join(&action)
        .ok()?
        .to_string();
    let method = attribute(open, "method")
        .unwrap_or_else(|| "get".into())
        .to_lowercase();
    let fields = form
        .match_indices("<input")
        .filter_map(|(i, _)| {
            let tag = &form[i..i + form[i..].find('>')?];
            Some((attribute(tag, "name")?, attribute(tag, "value")?))
        })
        .collect();
    Some(Form {
        action,
        method,
        fields,
    })
}

impl SignInNatter {
    /// Asks for a sign-in link on natter's email page, as a reader fills
    /// its form; returns the link from the mail that arrives at `sink`.
    pub async fn request_email_link(&self, sink: &SmtpSink, email: &str, page: &str) -> String {
        let had = sink.mails_to(email).len();
        let (status, html) = self.ask_for_email_link(email, page).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("Check your email"), "{html}");
        wait_until(|| sink.mails_to(email).len() > had, "the sign-in email").await;
        let mail = sink.mails_to(email).pop().unwrap();
        let text = mail["text"].as_str().expect("a text part").to_string();
        // The contract's `/auth/email/{link}`, or the `/auth/link?t=` that
        // natter's other emailed links use.
        let at = [
            format!("{}/auth/email/", self.base),
            format!("{}/auth/link", self.base),
        ]
        .iter()
        .find_map(|start| text.find(start.as_str()))
        .unwrap_or_else(|| panic!("no sign-in link in:\n{text}"));
        let rest = &text[at..];
        rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())].to_string()
    }

    /// Opens the email sign-in page and sends its form for `email`; the
    /// answer's status and page (a rate limit answers with a page too).
    /// Each time from another client, so that only the address's own
    /// limit can hold a test back.
    pub async fn ask_for_email_link(&self, email: &str, page: &str) -> (StatusCode, String) {
        self.ask_for_email_link_from(&super::fresh_ip(), email, page)
            .await
    }

    /// [`Self::ask_for_email_link`] from the client at `client`.
    pub async fn ask_for_email_link_from(
        &self,
        client: &str,
        email: &str,
        page: &str,
    ) -> (StatusCode, String) {
        let start = self.start_url("email", page);
        let res = self
            .server
            .http
            .get(&start)
            .header("x-forwarded-for", client);
        let res = res.send().await.unwrap();
        let (status, html) = (res.status(), res.text().await.unwrap());
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.to_lowercase().contains("email address"), "{html}");
        assert!(html.contains("Email me a sign-in link"), "{html}");
        let form = form_in(&html, &start).expect("a form on the email page");
        assert_eq!(form.method, "post", "{html}");
        let mut fields: Vec<(String, String)> = form.fields;
        fields.retain(|(k, _)| k != "email");
        fields.push(("email".into(), email.into()));
        let res = self.server.http.post(&form.action).form(&fields);
        let res = res.header("x-forwarded-for", client).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    }

    /// Opens an email link (a page with a "Sign in" button) and presses
    /// the button: the token from the 303's fragment, or the refusal's
    /// status and page.
    pub async fn use_email_link(&self, link: &str) -> Result<String, (StatusCode, String)> {
        // A client that stays here: the 303 goes to the site's page.
        let walker = Walker::new();
        let res = walker.get(link).await;
        let (status, html) = (res.status(), res.text().await.unwrap());
        if status != StatusCode::OK {
            return Err((status, html));
        }
        assert!(html.contains("Sign in"), "{html}");
        let form = form_in(&html, link).unwrap_or_else(|| panic!("no form in:\n{html}"));
        assert_eq!(form.method, "post", "scanners follow GETs: {html}");
        let res = walker.post_form(&form.action, &fields_of(&form)).await;
        let status = res.status();
        let Some(location) = res.headers().get("location").cloned() else {
            return Err((status, res.text().await.unwrap()));
        };
        let location = location.to_str().unwrap().to_string();
        assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
        let (_, token) = location
            .split_once("#natter-token=")
            .expect("a token fragment");
        Ok(token.to_string())
    }
}
