//! One typed configuration, loaded once at start from `natter.toml`, then
//! `NATTER_*` variables, then flags, each overriding the one before.

use crate::domain::site::parse_duration;
use crate::domain::{ModerationMode, Origin, Site, SiteId, SiteSettings, Webhook};
use crate::error::StartupError;
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

/// Everything natter needs to run, checked and parsed.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database: PathBuf,
    /// How browsers reach natter; decides the demo site's origin.
    pub public_url: Option<url::Url>,
    /// Peers whose `X-Forwarded-For` header is believed.
    pub trusted_proxies: Vec<Cidr>,
    /// Sites from the configuration; `natter site add` keeps others in the database.
    pub sites: Vec<Site>,
    pub rate_limit: bool,
    /// A form sent sooner than this after its GET is held; 0 turns it off.
    pub spam_min_seconds: u32,
    pub smtp: Option<Smtp>,
    pub log_json: bool,
    /// The first admin's password (`NATTER_ADMIN_PASSWORD`), used when there is no admin yet.
    pub admin_password: Option<String>,
    pub outbox: Outbox,
    /// Who may read `/metrics`, besides loopback.
    pub metrics_from: Vec<Cidr>,
    /// Private ranges webhooks may reach (`[webhooks] allow_private`);
    /// public addresses are always allowed, others only when listed here.
    pub webhook_allow_private: Vec<Cidr>,
    /// Connection timeouts and cap, from `[limits]`.
    pub limits: Limits,
}

/// How long a connection may take and how many may be open (DESIGN §14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A request's headers must arrive within this, from its first byte (or
    /// from connecting, for the first request).
    pub header_timeout: std::time::Duration,
    /// A request's body must arrive within this, from the end of its headers.
    pub body_timeout: std::time::Duration,
    /// A keep-alive connection with nothing to do is closed after this.
    pub idle_timeout: std::time::Duration,
    /// Connections open at once; past it new ones are closed at once.
    pub max_connections: usize,
    /// How long stopping waits for requests in flight before closing them.
    pub shutdown_grace: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: std::time::Duration::from_secs(10),
            body_timeout: std::time::Duration::from_secs(30),
            idle_timeout: std::time::Duration::from_secs(60),
            // Below the common open-file limit of 1,024, leaving room for
            // the database, the log and outbound mail and webhooks.
            max_connections: 768,
            shutdown_grace: std::time::Duration::from_secs(10),
        }
    }
}

/// How the outbox retries: the wait doubles after each failed try, from
/// `first_retry` up to `max_retry`, and after `attempts` tries the item is dead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outbox {
    pub first_retry: std::time::Duration,
    pub max_retry: std::time::Duration,
    pub attempts: u32,
}

impl Default for Outbox {
    fn default() -> Self {
        Outbox {
            first_retry: std::time::Duration::from_secs(30),
            max_retry: std::time::Duration::from_secs(3600),
            attempts: 10,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: PathBuf::from("natter.db"),
            public_url: None,
            trusted_proxies: Vec::new(),
            sites: Vec::new(),
            rate_limit: true,
            spam_min_seconds: 3,
            smtp: None,
            log_json: false,
            admin_password: None,
            outbox: Outbox::default(),
            metrics_from: Vec::new(),
            limits: Limits::default(),
            webhook_allow_private: Vec::new(),
        }
    }
}

/// SMTP settings for notifications.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    #[serde(default)]
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
}

impl Smtp {
    /// Checks what can be checked before connecting.
    pub fn check(&self) -> Result<(), String> {
        if self.host.trim().is_empty() {
            return Err("[smtp] host is empty: give your mail server's name".into());
        }
        self.from.parse::<lettre::message::Mailbox>().map_err(|e| {
            format!(
                "[smtp] from {:?} is not an address ({e}): write it like Comments <comments@example.org>",
                self.from
            )
        })?;
        Ok(())
    }
}

fn default_smtp_port() -> u16 {
    587
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    None,
    #[default]
    Starttls,
    Tls,
}

/// An IP network such as `127.0.0.1/32` or `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not an address or network like 10.0.0.0/8");
        let (a, p) = s
            .trim()
            .split_once('/')
            .map_or((s.trim(), None), |(a, p)| (a, Some(p)));
        let addr: IpAddr = a.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Cidr { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - self.prefix as u32).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - self.prefix as u32).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The file's shape; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    listen: Option<String>,
    database: Option<PathBuf>,
    public_url: Option<String>,
    trusted_proxies: Option<Vec<String>>,
    #[serde(default)]
    site: Vec<SiteFile>,
    rate_limit: Option<RateLimitFile>,
    spam: Option<SpamFile>,
    smtp: Option<Smtp>,
    log_format: Option<String>,
    outbox: Option<OutboxFile>,
    metrics: Option<MetricsFile>,
    webhooks: Option<WebhooksFile>,
    limits: Option<LimitsFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhooksFile {
    #[serde(default)]
    allow_private: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    header_timeout: Option<String>,
    body_timeout: Option<String>,
    idle_timeout: Option<String>,
    max_connections: Option<usize>,
    shutdown_grace: Option<String>,
}

impl LimitsFile {
    /// The limits, each given one defaulted; every timeout at least 1 s.
    fn parse(self) -> Result<Limits, String> {
        let d = Limits::default();
        let secs = |name: &str, v: Option<String>, default: std::time::Duration| match v {
            None => Ok(default),
            Some(v) => match parse_duration(&v) {
                Ok(0) => Err(format!(
                    "[limits] {name} = {v:?} would never wait: write at least 1s, like {}s",
                    default.as_secs()
                )),
                Ok(s) => Ok(std::time::Duration::from_secs(u64::from(s))),
                Err(e) => Err(format!("[limits] {name}: {e}")),
            },
        };
        let max_connections = match self.max_connections {
            Some(0) => {
                return Err(
                    "[limits] max_connections = 0 would refuse everyone: write at least 1, like 768"
                        .into(),
                );
            }
            Some(n) => n,
            None => d.max_connections,
        };
        Ok(Limits {
            header_timeout: secs("header_timeout", self.header_timeout, d.header_timeout)?,
            body_timeout: secs("body_timeout", self.body_timeout, d.body_timeout)?,
            idle_timeout: secs("idle_timeout", self.idle_timeout, d.idle_timeout)?,
            max_connections,
            shutdown_grace: secs("shutdown_grace", self.shutdown_grace, d.shutdown_grace)?,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutboxFile {
    first_retry: Option<String>,
    max_retry: Option<String>,
    attempts: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricsFile {
    allow: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteFile {
    id: String,
    name: Option<String>,
    origins: Vec<String>,
    moderation: Option<String>,
    edit_window: Option<String>,
    max_depth: Option<u8>,
    require_name: Option<bool>,
    require_email: Option<bool>,
    keep_query: Option<Vec<String>>,
    max_links: Option<u32>,
    block_words: Option<Vec<String>>,
    language: Option<String>,
    moderator_emails: Option<Vec<String>>,
    #[serde(default)]
    webhook: Vec<Webhook>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RateLimitFile {
    enabled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpamFile {
    min_seconds: u32,
}

/// Values given on the command line, which win over everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<String>,
    pub database: Option<PathBuf>,
    /// `ID=ORIGIN[,ORIGIN…]`, from `--site`.
    pub sites: Vec<String>,
}

/// The variables natter reads, so tests and `check-config` can pass their own.
pub type Env = Vec<(String, String)>;

/// Reads the process's `NATTER_*` variables.
pub fn process_env() -> Env {
    std::env::vars()
        .filter(|(k, _)| k.starts_with("NATTER_"))
        .collect()
}

impl Config {
    /// Loads the file (the given one, else `natter.toml` if it exists), then
    /// applies `env` and `flags`.
    pub fn load(file: Option<&Path>, env: &Env, flags: &Overrides) -> Result<Config, StartupError> {
        let env_get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let path = file
            .map(Path::to_path_buf)
            .or_else(|| env_get("NATTER_CONFIG").map(PathBuf::from))
            .or_else(|| Some(PathBuf::from("natter.toml")).filter(|p| p.exists()));
        let parsed: File = match &path {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| StartupError::Config {
                    path: p.display().to_string(),
                    message: format!("cannot read it: {e}"),
                })?;
                toml::from_str(&text).map_err(|e| StartupError::Config {
                    path: p.display().to_string(),
                    message: e.to_string(),
                })?
            }
            None => File::default(),
        };
        let source = path
            .as_ref()
            .map_or("configuration".to_string(), |p| p.display().to_string());
        let bad = |message: String| StartupError::Config {
            path: source.clone(),
            message,
        };

        let mut config = Config::default();
        if let Some(l) = flags
            .listen
            .clone()
            .or_else(|| env_get("NATTER_LISTEN"))
            .or(parsed.listen)
        {
            config.listen = l.parse().map_err(|_| {
                bad(format!(
                    "listen {l:?} is not an address; write it like 127.0.0.1:8080"
                ))
            })?;
        }
        if let Some(d) = flags
            .database
            .clone()
            .or_else(|| env_get("NATTER_DATABASE").map(PathBuf::from))
            .or(parsed.database)
        {
            config.database = d;
        }
        if let Some(u) = env_get("NATTER_PUBLIC_URL").or(parsed.public_url) {
            let url = url::Url::parse(&u)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| bad(format!("public_url {u:?} must be an http or https address")))?;
            config.public_url = Some(url);
        }
        let proxies = env_get("NATTER_TRUSTED_PROXIES")
            .map(|v| {
                v.split(',')
                    .map(str::to_string)
                    .filter(|s| !s.trim().is_empty())
                    .collect()
            })
            .or(parsed.trusted_proxies)
            .unwrap_or_default();
        config.trusted_proxies = proxies
            .iter()
            .map(|p| Cidr::parse(p))
            .collect::<Result<_, _>>()
            .map_err(|e| bad(format!("trusted_proxies: {e}")))?;
        if let Some(r) = parsed.rate_limit {
            config.rate_limit = r.enabled;
        }
        if let Some(v) = env_get("NATTER_RATE_LIMIT") {
            config.rate_limit = parse_bool(&v)
                .ok_or_else(|| bad(format!("NATTER_RATE_LIMIT={v:?}: use true or false")))?;
        }
        if let Some(s) = parsed.spam {
            config.spam_min_seconds = s.min_seconds;
        }
        if let Some(v) = env_get("NATTER_SPAM_MIN_SECONDS") {
            config.spam_min_seconds = v.parse().map_err(|_| {
                bad(format!(
                    "NATTER_SPAM_MIN_SECONDS={v:?}: use a whole number of seconds"
                ))
            })?;
        }
        config.smtp = parsed.smtp;
        if let (Some(smtp), Some(pw)) = (config.smtp.as_mut(), env_get("NATTER_SMTP_PASSWORD")) {
            smtp.password = Some(pw);
        }
        if let Some(smtp) = &config.smtp {
            smtp.check().map_err(&bad)?;
        }
        if let Some(o) = parsed.outbox {
            let secs = |v: Option<String>, d: std::time::Duration| {
                v.map_or(Ok(d), |v| {
                    parse_duration(&v).map(|s| std::time::Duration::from_secs(u64::from(s.max(1))))
                })
            };
            config.outbox.first_retry =
                secs(o.first_retry, config.outbox.first_retry).map_err(&bad)?;
            config.outbox.max_retry = secs(o.max_retry, config.outbox.max_retry).map_err(&bad)?;
            if let Some(a) = o.attempts {
                if a == 0 {
                    return Err(bad("[outbox] attempts must be at least 1".into()));
                }
                config.outbox.attempts = a;
            }
        }
        if let Some(m) = parsed.metrics {
            config.metrics_from = m
                .allow
                .iter()
                .map(|p| Cidr::parse(p))
                .collect::<Result<_, _>>()
                .map_err(|e| bad(format!("[metrics] allow: {e}")))?;
        }
        if let Some(w) = parsed.webhooks {
            config.webhook_allow_private = w
                .allow_private
                .iter()
                .map(|p| Cidr::parse(p))
                .collect::<Result<_, _>>()
                .map_err(|e| bad(format!("[webhooks] allow_private: {e}")))?;
        }
        if let Some(l) = parsed.limits {
            config.limits = l.parse().map_err(&bad)?;
        }
        config.admin_password = env_get("NATTER_ADMIN_PASSWORD").filter(|p| !p.is_empty());
        let log_format = env_get("NATTER_LOG_FORMAT")
            .or(parsed.log_format)
            .unwrap_or_else(|| "text".into());
        config.log_json = match log_format.as_str() {
            "text" => false,
            "json" => true,
            other => return Err(bad(format!("log_format {other:?}: use text or json"))),
        };

        for s in parsed.site {
            config.sites.push(site_from_file(s).map_err(&bad)?);
        }
        let short: Vec<String> = env_get("NATTER_SITES")
            .map(|v| {
                v.split(';')
                    .map(str::to_string)
                    .filter(|s| !s.trim().is_empty())
                    .collect()
            })
            .unwrap_or_default();
        for spec in short.iter().chain(flags.sites.iter()) {
            let site = site_from_spec(spec).map_err(&bad)?;
            config.sites.retain(|s| s.id != site.id);
            config.sites.push(site);
        }
        let mut ids: Vec<&SiteId> = config.sites.iter().map(|s| &s.id).collect();
        ids.sort();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(bad(format!("site {:?} is defined twice", w[0].as_str())));
        }
        for site in &config.sites {
            for hook in &site.settings.webhooks {
                crate::notify::target::check_url(&hook.url, &config.webhook_allow_private)
                    .map_err(|m| bad(format!("site {}: {m}", site.id)))?;
            }
        }
        Ok(config)
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

fn parse_origins(id: &str, origins: &[String]) -> Result<Vec<Origin>, String> {
    if origins.is_empty() {
        return Err(format!(
            "site {id:?} needs at least one origin, like https://blog.example.org"
        ));
    }
    origins.iter().map(|o| Origin::parse(o)).collect()
}

fn site_from_file(s: SiteFile) -> Result<Site, String> {
    let id = SiteId::parse(&s.id)?;
    let mut settings = SiteSettings::default();
    if let Some(m) = s.moderation {
        settings.moderation = ModerationMode::parse(&m)?;
    }
    if let Some(w) = s.edit_window {
        settings.edit_window_seconds = parse_duration(&w)?;
    }
    if let Some(d) = s.max_depth {
        settings.max_depth = d;
    }
    settings.require_name = s.require_name.unwrap_or(false);
    settings.require_email = s.require_email.unwrap_or(false);
    settings.keep_query = s.keep_query.unwrap_or_default();
    if let Some(l) = s.max_links {
        settings.max_links = l;
    }
    settings.block_words = s.block_words.unwrap_or_default();
    if let Some(l) = s.language {
        settings.language = l;
    }
    settings.moderator_emails = s.moderator_emails.unwrap_or_default();
    settings.webhooks = s.webhook;
    settings
        .check_notifications()
        .map_err(|e| format!("site {:?}: {e}", s.id))?;
    Ok(Site {
        name: s.name.unwrap_or_else(|| s.id.clone()),
        origins: parse_origins(&s.id, &s.origins)?,
        id,
        settings,
    })
}

/// Parses `ID=ORIGIN[,ORIGIN…]`, the short form of `--site` and `NATTER_SITES`.
fn site_from_spec(spec: &str) -> Result<Site, String> {
    let (id, origins) = spec
        .split_once('=')
        .ok_or_else(|| format!("site {spec:?}: write it as ID=https://blog.example.org"))?;
    let origins: Vec<String> = origins.split(',').map(str::to_string).collect();
    Ok(Site {
        id: SiteId::parse(id.trim())?,
        name: id.trim().to_string(),
        origins: parse_origins(id, &origins)?,
        settings: SiteSettings::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> tempfile_path::TempPath {
        tempfile_path::TempPath::with(text)
    }

    /// A file in the system temp folder, removed when dropped.
    mod tempfile_path {
        pub struct TempPath(pub std::path::PathBuf);
        impl TempPath {
            pub fn with(text: &str) -> Self {
                let n = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos();
                let p = std::env::temp_dir()
                    .join(format!("natter-config-{n}-{}.toml", std::process::id()));
                std::fs::write(&p, text).unwrap();
                TempPath(p)
            }
        }
        impl Drop for TempPath {
            fn drop(&mut self) {
                let _ = std::fs::remove_file(&self.0);
            }
        }
    }

    const FULL: &str = r#"
listen = "127.0.0.1:9000"
database = "x.db"
public_url = "https://comments.example.org"
trusted_proxies = ["127.0.0.1/32", "::1"]

[[site]]
id = "blog"
name = "Co-production for Change"
origins = ["https://blog.example.org"]
moderation = "first"
edit_window = "15m"
keep_query = ["p"]

[rate_limit]
enabled = false

[spam]
min_seconds = 0

[smtp]
host = "smtp.example.org"
port = 587
tls = "starttls"
username = "natter"
password = "x"
from = "Comments <comments@example.org>"
"#;

    #[test]
    fn the_design_example_loads() {
        let f = write(FULL);
        let c = Config::load(Some(&f.0), &vec![], &Overrides::default()).unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.sites[0].settings.moderation, ModerationMode::First);
        assert_eq!(c.sites[0].settings.keep_query, vec!["p".to_string()]);
        assert!(!c.rate_limit);
        assert_eq!(c.spam_min_seconds, 0);
        assert_eq!(c.smtp.unwrap().port, 587);
        assert!(c.trusted_proxies[1].contains("::1".parse().unwrap()));
    }

    #[test]
    fn unknown_keys_are_errors() {
        let f = write("listen = \"127.0.0.1:1\"\nlisten_port = 5\n");
        let e = Config::load(Some(&f.0), &vec![], &Overrides::default()).unwrap_err();
        assert!(e.to_string().contains("listen_port"), "{e}");
    }

    #[test]
    fn env_overrides_file_and_flags_override_env() {
        let f = write(FULL);
        let env = vec![
            ("NATTER_LISTEN".to_string(), "127.0.0.1:9001".to_string()),
            ("NATTER_DATABASE".to_string(), "env.db".to_string()),
            (
                "NATTER_SITES".to_string(),
                "other=https://other.example".to_string(),
            ),
        ];
        let flags = Overrides {
            listen: Some("127.0.0.1:9002".into()),
            sites: vec!["blog=https://new.example".into()],
            ..Default::default()
        };
        let c = Config::load(Some(&f.0), &env, &flags).unwrap();
        assert_eq!(c.listen.port(), 9002);
        assert_eq!(c.database, PathBuf::from("env.db"));
        let ids: Vec<&str> = c.sites.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["other", "blog"]);
        assert_eq!(c.sites[1].origins[0].as_str(), "https://new.example");
    }

    #[test]
    fn bad_values_say_what_to_write() {
        for (text, needle) in [
            ("listen = \"nowhere\"", "127.0.0.1:8080"),
            ("[[site]]\nid = \"a\"\norigins = []", "at least one origin"),
            (
                "[[site]]\nid = \"a\"\norigins = [\"https://a.org/blog\"]",
                "no path",
            ),
            (
                "[[site]]\nid = \"a\"\norigins = [\"https://a.org\"]\nmoderation = \"some\"",
                "none, first or all",
            ),
            ("trusted_proxies = [\"10.0.0.0/99\"]", "10.0.0.0/8"),
            (
                "[smtp]\nhost = \"mail.example.org\"\nfrom = \"comments\"",
                "Comments <comments@example.org>",
            ),
            ("[outbox]\nattempts = 0", "at least 1"),
            ("[outbox]\nfirst_retry = \"soon\"", "90s"),
            (
                "[[site]]\nid = \"a\"\norigins = [\"https://a.org\"]\nlanguage = \"xx\"",
                "en, de, fr",
            ),
            (
                "[[site]]\nid = \"a\"\norigins = [\"https://a.org\"]\n[[site.webhook]]\nurl = \"https://h.org\"\nsecret = \"short\"",
                "at least 16",
            ),
            ("[metrics]\nallow = [\"x\"]", "10.0.0.0/8"),
            ("[limits]\nheader_timeout = \"0s\"", "at least 1s, like 10s"),
            ("[limits]\nbody_timeout = \"soon\"", "90s"),
            ("[limits]\nmax_connections = 0", "at least 1, like 768"),
            ("[limits]\nidle = \"60s\"", "idle_timeout"),
        ] {
            let f = write(text);
            let e = Config::load(Some(&f.0), &vec![], &Overrides::default())
                .unwrap_err()
                .to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn limits_default_and_load() {
        let c = Config::load(None, &vec![], &Overrides::default()).unwrap();
        assert_eq!(c.limits, Limits::default());
        assert_eq!(c.limits.header_timeout.as_secs(), 10);
        let f = write("[limits]\nidle_timeout = \"2m\"\nmax_connections = 50\n");
        let c = Config::load(Some(&f.0), &vec![], &Overrides::default()).unwrap();
        assert_eq!(c.limits.idle_timeout.as_secs(), 120);
        assert_eq!(c.limits.max_connections, 50);
        assert_eq!(c.limits.body_timeout.as_secs(), 30);
    }

    #[test]
    fn cidr() {
        let net = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(net.contains("10.1.200.3".parse().unwrap()));
        assert!(!net.contains("10.2.0.1".parse().unwrap()));
        assert!(
            Cidr::parse("127.0.0.1")
                .unwrap()
                .contains("::ffff:127.0.0.1".parse().unwrap())
        );
        assert!(
            Cidr::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
    }
}
