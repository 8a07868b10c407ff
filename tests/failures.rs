//! Failures are named (DESIGN §14): the database on a real, small file
//! system that is filled up. Posting gives 503 with what to do, /healthz
//! says "disk full", the log says so, and once space is freed everything
//! works again with every acknowledged comment still there.

mod common;

use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A 2 MiB tmpfs mounted over a folder, unmounted at drop.
struct SmallDisk(PathBuf);

impl SmallDisk {
    /// Mounts it, or says why not (mounting needs root).
    fn mount(at: &Path) -> Result<SmallDisk, String> {
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
            .arg(at)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(SmallDisk(at.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// The server process, stopped at drop (before the disk is unmounted).
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Fills the file system holding `path` with one file, to the last byte.
fn fill(path: &Path) {
    let mut f = std::fs::File::create(path).unwrap();
    for chunk in [64 * 1024, 4096, 512, 1] {
        let block = vec![0u8; chunk];
        while f.write_all(&block).and_then(|()| f.flush()).is_ok() {}
    }
}

async fn post(http: &Client, base: &str, text: &str) -> reqwest::Response {
    http.post(format!(
        "{base}/api/comments?url={}",
        enc(&page_url("/full"))
    ))
    .json(&json!({ "text": text }))
    .send()
    .await
    .unwrap()
}

async fn health(http: &Client, base: &str) -> (StatusCode, Value) {
    let res = http.get(format!("{base}/healthz")).send().await.unwrap();
    (res.status(), res.json().await.unwrap())
}

/// Every comment id of the page, following the cursors.
async fn ids_on_page(http: &Client, base: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut cursor = String::new();
    loop {
        let page: Value = http
            .get(format!(
                "{base}/api/comments?url={}&limit=200&cursor={cursor}",
                enc(&page_url("/full"))
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.extend(
            page["comments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => return ids,
        }
    }
}

#[tokio::test]
async fn a_full_disk_is_named_and_recovered_from() {
    let dir = TempDir::new("full-disk");
    let disk = match SmallDisk::mount(&dir.0) {
        Ok(d) => d,
        Err(why) => {
            eprintln!(
                "SKIPPED a_full_disk_is_named_and_recovered_from: cannot mount a tmpfs ({why})"
            );
            return;
        }
    };
    let logs = TempDir::new("full-disk-log");
    let log_path = logs.path("natter.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let (child, base) = spawn_binary_logging(
        &dir,
        &["--site", &format!("blog={ORIGIN}")],
        Stdio::from(log),
    );
    let server = Running(child);
    natter::init_tls();
    let http = Client::new();
    let filler = "a line long enough to use some room on the disk. ".repeat(40);

    let mut acknowledged = Vec::new();
    for i in 0..5 {
        let res = post(&http, &base, &format!("before {i}: {filler}")).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        acknowledged.push(body["comment"]["id"].as_i64().unwrap());
    }

    let ballast = dir.path("ballast");
    fill(&ballast);
    let mut refused = None;
    for i in 0..5_000 {
        let res = post(&http, &base, &format!("while full {i}: {filler}")).await;
        match res.status() {
            StatusCode::CREATED => {
                let body: Value = res.json().await.unwrap();
                acknowledged.push(body["comment"]["id"].as_i64().unwrap());
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                refused = Some(res.json::<Value>().await.unwrap());
                break;
            }
            other => panic!(
                "post {i} on a full disk answered {other}: {}",
                res.text().await.unwrap()
            ),
        }
    }
    let refused = refused.expect("posting on a full disk is refused at some point");
    assert_eq!(refused["error"], "disk_full", "{refused}");
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("disk is full") && message.contains("free space"),
        "{message}"
    );

    let (status, body) = health(&http, &base).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        body,
        json!({"status": "unhealthy", "database": "disk full"})
    );

    let logged = std::fs::read_to_string(&log_path).unwrap();
    assert!(logged.contains("disk full"), "{logged}");
    assert!(!logged.contains("corrupt row"), "{logged}");

    // The operator frees space: natter takes writes again by itself.
    std::fs::remove_file(&ballast).unwrap();
    let (status, body) = health(&http, &base).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let res = post(&http, &base, "after the disk was freed").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    acknowledged.push(body["comment"]["id"].as_i64().unwrap());

    let stored = ids_on_page(&http, &base).await;
    for id in &acknowledged {
        assert!(stored.contains(id), "acknowledged comment {id} is gone");
    }
    drop(server);
    drop(disk);
}

#[tokio::test]
async fn a_locked_database_is_named_and_recovered_from() {
    let s = TestServer::start().await;
    let kept = s.post_text("/locked", "written before the lock").await;
    // Another program takes the write lock and keeps it past the busy timeout.
    let other = rusqlite::Connection::open(s.dir.path("natter.db")).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();

    let res = s
        .post_as(&fresh_ip(), "/locked", json!({"text": "while locked"}))
        .await;
    let body = assert_error(
        res,
        StatusCode::SERVICE_UNAVAILABLE,
        "database_locked",
        None,
    )
    .await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("locked by another program"),
        "{body}"
    );
    let res = s.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let health: Value = res.json().await.unwrap();
    assert_eq!(
        health,
        json!({"status": "unhealthy", "database": "database locked"})
    );

    other.execute_batch("ROLLBACK").unwrap();
    let res = s.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    s.post_text("/locked", "after the lock was let go").await;
    let thread = s.thread("/locked").await;
    let ids: Vec<&Value> = thread["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert!(ids.contains(&&kept["comment"]["id"]), "{thread}");
    assert_eq!(ids.len(), 2, "{thread}");
}
