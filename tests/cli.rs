//! The command line as an operator uses it.

mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

fn natter(dir: &TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(args)
        .current_dir(&dir.0)
        .env_remove("NATTER_CONFIG")
        .output()
        .expect("natter runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn check_config_with_nothing_shows_the_defaults() {
    let dir = TempDir::new("cli-defaults");
    let o = natter(&dir, &["check-config"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("listen: 127.0.0.1:8080"), "{out}");
    assert!(out.contains("database: natter.db"), "{out}");
    assert!(out.contains("demo site"), "{out}");
}

#[test]
fn check_config_reports_mistakes_and_fails() {
    let dir = TempDir::new("cli-bad");
    std::fs::write(dir.path("natter.toml"), "listen = \"127.0.0.1:9\"\n[[site]]\nid = \"blog\"\norigins = [\"https://blog.example.org\"]\nmoderaton = \"all\"\n").unwrap();
    let o = natter(&dir, &["check-config"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("natter.toml") && err.contains("moderaton"),
        "{err}"
    );

    std::fs::write(
        dir.path("natter.toml"),
        "[[site]]\nid = \"blog\"\norigins = [\"https://blog.example.org\"]\nmoderation = \"all\"\n",
    )
    .unwrap();
    let o = natter(&dir, &["check-config"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("site blog: https://blog.example.org (moderation all)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn sites_are_added_listed_and_removed() {
    let dir = TempDir::new("cli-sites");
    let o = natter(
        &dir,
        &[
            "site",
            "add",
            "blog",
            "--origin",
            "https://blog.example.org",
            "--origin",
            "https://www.blog.example.org",
            "--moderation",
            "first",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = natter(&dir, &["site", "list"]);
    let out = stdout(&o);
    assert!(
        out.contains("blog")
            && out.contains("https://www.blog.example.org")
            && out.contains("moderation=first"),
        "{out}"
    );
    let o = natter(
        &dir,
        &["site", "add", "bad", "--origin", "blog.example.org"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("https://"), "{}", stderr(&o));
    let o = natter(
        &dir,
        &[
            "site",
            "add",
            "mail",
            "--origin",
            "https://mail.example.org",
            "--moderator-email",
            "not-an-address",
        ],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("name@example.org"), "{}", stderr(&o));
    let o = natter(&dir, &["site", "remove", "nosuch"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("natter site list"), "{}", stderr(&o));
    let o = natter(&dir, &["site", "remove", "blog"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&natter(&dir, &["site", "list"])).contains("blog"));
}

#[test]
fn serve_with_no_configuration_shows_the_demo_and_passes_healthcheck() {
    let dir = TempDir::new("cli-serve");
    let mut child = Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(&dir.0)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("natter listening on http://")
        .unwrap()
        .to_string();
    assert!(
        dir.path("natter.db").exists(),
        "natter.db is made in the working directory"
    );

    let o = natter(&dir, &["healthcheck", "--listen", &addr]);
    assert!(o.status.success(), "{}", stderr(&o));

    // The demo site accepts comments from natter's own origin.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        natter::init_tls();
        let http = reqwest::Client::new();
        let page = format!("http://{addr}/");
        let res = http.get(&page).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let res = http
            .post(format!("http://{addr}/api/comments?url={}", enc(&page)))
            .header("origin", format!("http://{addr}"))
            .json(&serde_json::json!({"text": "hello from the demo"}))
            .send()
            .await
            .unwrap();
        // The timing check is on by default, so a form without its token is refused.
        assert_eq!(res.status(), 400);
        let res = http
            .get(format!("http://{addr}/api/config?url={}", enc(&page)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    });
    child.kill().unwrap();
    child.wait().unwrap();

    let o = natter(&dir, &["healthcheck", "--listen", &addr]);
    assert!(
        !o.status.success(),
        "healthcheck must fail when nothing listens"
    );
}

fn natter_with_stdin(dir: &TempDir, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(args)
        .current_dir(&dir.0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn admins_are_added_listed_changed_and_removed() {
    let dir = TempDir::new("cli-admins");
    let o = natter_with_stdin(&dir, &["admin", "add", "jo"], "short\n");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("at least 10"), "{}", stderr(&o));
    let o = natter_with_stdin(&dir, &["admin", "add", "jo"], "a long enough password\n");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = natter_with_stdin(&dir, &["admin", "add", "jo"], "a long enough password\n");
    assert!(!o.status.success(), "a second jo is refused");
    assert!(
        stderr(&o).contains("natter admin passwd jo"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&natter(&dir, &["admin", "list"])).contains("jo"));

    let db = rusqlite::Connection::open(dir.path("natter.db")).unwrap();
    let first: String = db
        .query_row(
            "SELECT password_hash FROM admins WHERE username = 'jo'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        first.starts_with("$argon2id$"),
        "stored as an argon2id hash: {first}"
    );
    let o = natter_with_stdin(&dir, &["admin", "passwd", "jo"], "another long password\n");
    assert!(o.status.success(), "{}", stderr(&o));
    let second: String = db
        .query_row(
            "SELECT password_hash FROM admins WHERE username = 'jo'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_ne!(first, second);
    let o = natter_with_stdin(
        &dir,
        &["admin", "passwd", "nobody"],
        "another long password\n",
    );
    assert!(!o.status.success());
    assert!(natter(&dir, &["admin", "remove", "jo"]).status.success());
    assert!(!stdout(&natter(&dir, &["admin", "list"])).contains("jo"));
}
