//! Smaller operational rules: a cursor out of range is refused, the JSON
//! import checks what it creates as the admin API does, and the duplicate
//! check holds across a restart and after an import.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::process::{Command, Output};

fn cli(dir: &TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(args)
        .arg("--database")
        .arg(dir.path("natter.db"))
        .current_dir(&dir.0)
        .env_remove("NATTER_CONFIG")
        .env_remove("NATTER_SITES")
        .output()
        .expect("natter runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test]
async fn a_cursor_out_of_range_is_refused_plainly() {
    let s = TestServer::start().await;
    for text in ["one", "two", "three"] {
        s.post_text("/paged", text).await;
    }
    let page = enc(&page_url("/paged"));
    let first: Value = s
        .get(&format!("/api/comments?url={page}&limit=2"))
        .await
        .json()
        .await
        .unwrap();
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let rest: Value = s
        .get(&format!("/api/comments?url={page}&limit=2&cursor={cursor}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["comments"].as_array().unwrap().len(), 1, "{rest}");

    for huge in ["18446744073709551615", "18446744073709551600", "4294967296"] {
        let res = s
            .get(&format!("/api/comments?url={page}&limit=2&cursor={huge}"))
            .await;
        let body = assert_error(
            res,
            StatusCode::BAD_REQUEST,
            "validation_failed",
            Some("cursor"),
        )
        .await;
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("start again without it"),
            "{body}"
        );
    }
}

/// A natter export with one site, as `natter export` writes it.
fn export_file(site: Value) -> String {
    json!({
        "natter_export": 1,
        "exported": natter::domain::rfc3339(natter::domain::now()),
        "sites": [site],
    })
    .to_string()
}

fn site_entry(settings: Value, threads: Value) -> Value {
    json!({
        "id": "evil",
        "name": "Evil",
        "origins": ["https://evil.example"],
        "settings": settings,
        "threads": threads,
    })
}

fn comment_entry(id: i64, text: &str, created: &str) -> Value {
    json!({
        "id": id, "parent": null, "status": "published", "name": null, "email": null,
        "website": null, "ip_hash": null, "text": text, "html": "", "created": created,
        "edited": null, "likes": 0, "dislikes": 0
    })
}

#[test]
fn the_json_import_refuses_what_the_admin_api_refuses() {
    let hook =
        |url: &str| json!({"webhooks": [{"url": url, "secret": "a long shared webhook secret"}]});
    let thread = |url: &str| {
        json!([{ "key": "/p", "url": url, "title": null, "locked": false,
                 "comments": [comment_entry(1, "hello", "2024-01-01T00:00:00Z")] }])
    };
    let mut nameless = site_entry(json!({}), json!([]));
    nameless["name"] = json!("  ");
    let mut originless = site_entry(json!({}), json!([]));
    originless["origins"] = json!([]);
    let cases = [
        (
            site_entry(hook("javascript:alert(1)"), json!([])),
            "webhook url \"javascript:alert(1)\" must be an http:// or https:// address",
        ),
        (
            site_entry(hook("http://169.254.169.254/latest/meta-data/"), json!([])),
            "169.254.169.254 is a link-local",
        ),
        (
            site_entry(json!({"moderator_emails": ["not an email"]}), json!([])),
            "moderator email \"not an email\" is not an email address",
        ),
        (
            site_entry(json!({"text_max": 0}), json!([])),
            "settings.text_max must be between 1 and 100000",
        ),
        (nameless, "Give the site a name of 1 to 200 characters"),
        (originless, "Give at least one origin"),
        (
            site_entry(json!({}), thread("javascript:alert(1)")),
            "thread /p: url \"javascript:alert(1)\" must be an http or https page address",
        ),
    ];
    for (i, (site, expected)) in cases.into_iter().enumerate() {
        let dir = TempDir::new("ops-import");
        let file = dir.path(&format!("case{i}.json"));
        std::fs::write(&file, export_file(site)).unwrap();
        let o = cli(&dir, &["import", "json", file.to_str().unwrap()]);
        assert!(!o.status.success(), "case {i} was imported: {}", stdout(&o));
        let err = stderr(&o);
        assert!(err.contains("nothing was imported"), "case {i}: {err}");
        assert!(err.contains("site evil"), "case {i} names the site: {err}");
        assert!(err.contains(expected), "case {i}: {err}");

        let listed = cli(&dir, &["site", "list"]);
        assert!(listed.status.success(), "{}", stderr(&listed));
        assert!(!stdout(&listed).contains("evil"), "{}", stdout(&listed));
    }
}

#[tokio::test]
async fn the_duplicate_check_holds_across_a_restart() {
    let mut s = TestServer::start().await;
    s.post_text("/again", "Said once, then after a restart")
        .await;
    s.stop().await;
    let dir = std::mem::replace(&mut s.dir, TempDir::new("unused"));
    let cfg = config(&dir);
    let s = TestServer::with(dir, cfg).await;
    let res = s
        .post_as(
            &fresh_ip(),
            "/again",
            json!({"text": "Said once, then after a restart"}),
        )
        .await;
    assert_error(res, StatusCode::CONFLICT, "duplicate", None).await;
}

#[tokio::test]
async fn the_duplicate_check_sees_imported_comments() {
    let dir = TempDir::new("ops-dup-import");
    let now = natter::domain::rfc3339(natter::domain::now());
    let site = json!({
        "id": "blog",
        "name": "blog",
        "origins": [ORIGIN],
        "settings": {},
        "threads": [{
            "key": "/imported", "url": page_url("/imported"), "title": null, "locked": false,
            "comments": [comment_entry(7, "Brought over a moment ago", &now)]
        }],
    });
    let file = dir.path("export.json");
    std::fs::write(&file, export_file(site)).unwrap();
    let o = cli(&dir, &["import", "json", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));

    let cfg = config(&dir);
    let s = TestServer::with(dir, cfg).await;
    let thread = s.thread("/imported").await;
    assert_eq!(thread["thread"]["count"], 1, "{thread}");
    let res = s
        .post_as(
            &fresh_ip(),
            "/imported",
            json!({"text": "Brought over a moment ago"}),
        )
        .await;
    assert_error(res, StatusCode::CONFLICT, "duplicate", None).await;
    s.post_text("/imported", "Something new").await;
}
