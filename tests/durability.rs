//! Data on disk: restarts, SIGKILL under load, SIGTERM, and old schemas.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::process::Command;
use std::time::{Duration, Instant};

#[tokio::test]
async fn comments_survive_a_restart() {
    let dir = TempDir::new("restart");
    let mut s = TestServer::with(TempDir::new("unused"), config(&dir)).await;
    s.post_text("/r", "before the restart").await;
    s.stop().await;
    let s2 = TestServer::with(TempDir::new("unused2"), config(&dir)).await;
    let t = s2.thread("/r").await;
    assert_eq!(t["comments"][0]["html"], "<p>before the restart</p>\n");
}

#[tokio::test]
async fn no_acknowledged_comment_is_lost_to_sigkill() {
    let dir = TempDir::new("kill");
    let site = format!("--site=blog={ORIGIN}");
    let (mut child, base) = spawn_binary(&dir, &[&site]);
    natter::init_tls();
    let http = reqwest::Client::new();
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<i64>::new()));
    let stop_at = Instant::now() + Duration::from_millis(700);
    let mut workers = Vec::new();
    for w in 0..16 {
        let (http, base, acked) = (http.clone(), base.clone(), acked.clone());
        workers.push(tokio::spawn(async move {
            let mut n = 0;
            // Bounded: at most 10,000 posts per worker or until the process dies.
            while n < 10_000 {
                let url = format!(
                    "{base}/api/comments?url={}",
                    enc(&page_url(&format!("/k{}", n % 7)))
                );
                let res = http
                    .post(url)
                    .json(&json!({"text": format!("w{w} n{n}")}))
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status() == StatusCode::CREATED => {
                        let v: Value = match r.json().await {
                            Ok(v) => v,
                            Err(_) => break,
                        };
                        acked
                            .lock()
                            .unwrap()
                            .push(v["comment"]["id"].as_i64().unwrap());
                    }
                    Ok(r) => panic!("unexpected status {}", r.status()),
                    Err(_) => break,
                }
                n += 1;
            }
        }));
    }
    tokio::time::sleep_until(stop_at.into()).await;
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    for w in workers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 20,
        "only {} posts were acknowledged",
        acked.len()
    );
    eprintln!("{} posts acknowledged before SIGKILL", acked.len());

    let (mut child, base) = spawn_binary(&dir, &[&site]);
    let mut found = std::collections::HashSet::new();
    for k in 0..7 {
        let url = format!(
            "{base}/api/comments?url={}&limit=200",
            enc(&page_url(&format!("/k{k}")))
        );
        let mut cursor: Option<String> = None;
        loop {
            let page_url = match &cursor {
                Some(c) => format!("{url}&cursor={c}"),
                None => url.clone(),
            };
            let t: Value = http
                .get(page_url)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            for c in t["comments"].as_array().unwrap() {
                found.insert(c["id"].as_i64().unwrap());
            }
            match t["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let lost: Vec<&i64> = acked.iter().filter(|id| !found.contains(id)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged comments lost: {:?}",
        lost.len(),
        acked.len(),
        &lost[..lost.len().min(10)]
    );
}

#[tokio::test]
async fn sigterm_finishes_and_exits_zero() {
    let dir = TempDir::new("term");
    let site = format!("--site=blog={ORIGIN}");
    let (mut child, base) = spawn_binary(&dir, &[&site]);
    natter::init_tls();
    let http = reqwest::Client::new();
    let res = http
        .post(format!(
            "{base}/api/comments?url={}",
            enc(&page_url("/term"))
        ))
        .json(&json!({"text": "just before the end"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(code) = child.try_wait().unwrap() {
            break code;
        }
        assert!(
            Instant::now() < deadline,
            "natter did not stop within 10 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(code.success(), "exit status {code}");
    let db = rusqlite::Connection::open(dir.path("natter.db")).unwrap();
    let n: i64 = db
        .query_row("SELECT count(*) FROM comments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn a_database_of_the_first_schema_is_upgraded() {
    let dir = TempDir::new("upgrade");
    let path = dir.path("natter.db");
    natter::store::migrate_database(&path, Some(1)).unwrap();
    {
        // Rows as the first release wrote them (no vote columns yet).
        let db = rusqlite::Connection::open(&path).unwrap();
        let columns: Vec<String> = db
            .prepare("SELECT name FROM pragma_table_info('comments')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(
            !columns.contains(&"likes".to_string()),
            "the old schema has no likes"
        );
        db.execute_batch(&format!(
            "INSERT INTO sites (id, name, origins, settings) VALUES ('blog', 'Blog', '[\"{ORIGIN}\"]', '{{}}');
             INSERT INTO threads (id, site_id, key, url, title, created) VALUES (1, 'blog', '/old', '{ORIGIN}/old', 'Old', 1700000000);
             INSERT INTO comments (thread_id, status, name, text, html, created)
               VALUES (1, 'published', 'Early bird', 'from the old days', '<p>from the old days</p>', 1700000000);"
        ))
        .unwrap();
    }
    let s = TestServer::with(dir, {
        let d = TempDir::new("cfg");
        let mut c = config(&d);
        c.database = path.clone();
        c
    })
    .await;
    let t = s.thread("/old").await;
    assert_eq!(t["comments"][0]["author"]["name"], "Early bird");
    assert_eq!(t["comments"][0]["likes"], 0);
    assert_eq!(t["comments"][0]["created"], "2023-11-14T22:13:20Z");
    let id = t["comments"][0]["id"].clone();
    let res = s
        .http
        .post(s.url(&format!("/api/comments/{id}/vote")))
        .json(&json!({"value": 1, "voter": "new"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let db = rusqlite::Connection::open(&path).unwrap();
    let versions: Vec<i64> = db
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(versions, [1, 2, 3, 4, 5, 6, 8]);
}

#[tokio::test]
async fn backup_while_serving_copies_every_comment() {
    let dir = TempDir::new("backup");
    let s = TestServer::with(TempDir::new("unused"), config(&dir)).await;
    for i in 0..5 {
        s.post_text("/b", &format!("comment {i}")).await;
    }
    let target = dir.path("copy.db");
    let out = Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(["backup", target.to_str().unwrap(), "--database"])
        .arg(dir.path("natter.db"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The server goes on taking comments while and after it is copied.
    s.post_text("/b", "after the backup").await;
    let copy = rusqlite::Connection::open(&target).unwrap();
    let n: i64 = copy
        .query_row("SELECT count(*) FROM comments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 5);
    let again = Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(["backup", target.to_str().unwrap(), "--database"])
        .arg(dir.path("natter.db"))
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );
}
