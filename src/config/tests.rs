//! Loading natter.toml, the variables and the flags, and what the errors say.

use super::{Config, Limits, Overrides};
use crate::domain::ModerationMode;
use std::path::PathBuf;

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
            let p =
                std::env::temp_dir().join(format!("natter-config-{n}-{}.toml", std::process::id()));
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
        (
            "[[site]]\nid = \"a\"\norigins = [\"https://a.org\"]\nmax_depth = 30",
            "between 1 and 20",
        ),
        (
            "[[site]]\nid = \"a\"\norigins = [\"https://a.org\"]\nedit_window = \"30d\"",
            "edit_window_seconds must be between 0 and 604800",
        ),
        ("[metrics]\nallow = [\"x\"]", "10.0.0.0/8"),
        ("[limits]\nheader_timeout = \"0s\"", "at least 1s, like 10s"),
        ("[limits]\nbody_timeout = \"soon\"", "90s"),
        ("[limits]\nmax_connections = 0", "at least 1, like 768"),
        ("[limits]\nidle = \"60s\"", "idle_timeout"),
        (
            "[limits]\nmax_connections = 100\nlive_streams = 100",
            "take every connection (max_connections = 100): write fewer, like 66",
        ),
        (
            "[limits]\nlive_streams_per_client = 0",
            "at least 1, like 8",
        ),
        ("[limits]\nlive_heartbeat = \"0s\"", "at least 1s, like 25s"),
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
    assert_eq!(c.limits.live_streams, 33, "two thirds of the connections");
    assert_eq!(c.limits.live_streams_per_client, 8);
    let f = write("[limits]\nlive_streams = 100\nlive_heartbeat = \"5s\"\n");
    let c = Config::load(Some(&f.0), &vec![], &Overrides::default()).unwrap();
    assert_eq!(c.limits.live_streams, 100);
    assert_eq!(c.limits.live_heartbeat.as_secs(), 5);
}
