//! A reply chain 100,000 deep, against the real binary: read, paged,
//! moderated, exported, imported and fed without the process falling over
//! (DESIGN §3, §14). The chain is seeded straight through the store or as a
//! generated import file, not by 100,000 posts.

mod common;

use common::*;
use natter::domain::{CommentId, SiteSettings, Status, ThreadKey};
use natter::render::render;
use natter::store::{Db, StoreError, comments_import, sites, threads};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write;
use std::process::{Child, Command, Stdio};

/// How deep the chain goes.
const DEPTH: usize = 100_000;
/// The site's display depth (the default).
const MAX_DEPTH: usize = 5;
/// When the seeded chain starts.
const START: i64 = 1_700_000_000;

/// What was seeded: the page and, per comment id, its parent (in the chain,
/// oldest first, then two more top-level comments).
struct Seeded {
    page: &'static str,
    parents: Vec<(i64, Option<i64>)>,
}

/// Writes the chain and two more top-level comments in one transaction,
/// each comment `step` seconds after the one before (a negative step makes
/// every reply older than its parent, as clocks moved between systems do).
fn seed_chain(dir: &TempDir, page: &'static str, step: i64) -> Seeded {
    let db = Db::open(&dir.path("natter.db")).unwrap();
    let parents = db
        .write_blocking(move |c| {
            let site = site("blog", ORIGIN, SiteSettings::default());
            sites::upsert(c, &site)?;
            let key = ThreadKey::from_page_id(page).unwrap();
            let thread = threads::find_or_create(c, &site.id, &key, &page_url(page), None, START)?;
            let html = render("a link in the chain");
            let mut parents = Vec::with_capacity(DEPTH + 2);
            let mut parent: Option<CommentId> = None;
            for i in 0..DEPTH + 2 {
                // The last two are top-level comments of their own.
                let up = if i < DEPTH { parent } else { None };
                let text = format!("reply #{i};");
                let id = comments_import::insert_imported(
                    c,
                    &comments_import::Imported {
                        thread_id: thread.id,
                        parent: up,
                        status: Status::Published,
                        name: None,
                        email: None,
                        website: None,
                        text: &text,
                        html: &html,
                        ip_hash: None,
                        created: START + step * i as i64,
                        edited: None,
                        likes: 0,
                        dislikes: 0,
                        import_key: &format!("seed:{i}"),
                        preferred_id: None,
                    },
                )?;
                parents.push((id.0, up.map(|p| p.0)));
                parent = Some(id);
            }
            Ok::<_, StoreError>(parents)
        })
        .unwrap();
    db.close();
    Seeded { page, parents }
}

/// Runs the natter command line on the test database.
fn natter(dir: &TempDir, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(args)
        .arg("--database")
        .arg(dir.path("natter.db"))
        .current_dir(&dir.0)
        .env_remove("NATTER_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("natter runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "natter {args:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The natter binary serving the test database, with a moderator; killed
/// at drop.
struct Running {
    child: Child,
    server: TestServer,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: TempDir) -> Running {
    natter::init_tls();
    natter(
        &dir,
        &["admin", "add", "admin"],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    let (child, addr) = spawn_binary(&dir, &["--site", &format!("blog={ORIGIN}")]);
    Running {
        child,
        server: TestServer {
            server: None,
            base: addr,
            http: reqwest::Client::new(),
            dir,
        },
    }
}

/// Runs the async part of a test (seeding blocks, so it comes before).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// One page of the thread; panics (with what happened) if natter did not answer.
async fn page_of(s: &TestServer, page: &str, extra: &str) -> Value {
    let res = s
        .http
        .get(s.url(&format!(
            "/api/comments?url={}{extra}",
            enc(&page_url(page))
        )))
        .send()
        .await
        .expect("natter answers (it did not crash)");
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// Every comment of an answer with the parent it names, checking that
/// `replies` nest at most `MAX_DEPTH` deep: a comment at that depth holds
/// all deeper replies flat, oldest first, and a nested reply's parent is
/// the comment it is under.
fn flatten(comments: &Value) -> Vec<(i64, Option<i64>, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Value, usize, Option<i64>)> = comments
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|c| (c, 1, None))
        .collect();
    while let Some((c, depth, under)) = stack.pop() {
        let id = c["id"].as_i64().unwrap();
        let parent = c["parent"].as_i64();
        let replies = c["replies"].as_array().unwrap();
        assert!(
            depth <= MAX_DEPTH + 1,
            "comment {id} is nested {depth} deep"
        );
        if depth <= MAX_DEPTH && under.is_some() {
            assert_eq!(parent, under, "comment {id} is under its parent");
        }
        if depth == MAX_DEPTH + 1 {
            assert!(replies.is_empty(), "flat comment {id} has no replies");
        }
        if depth == MAX_DEPTH {
            let times: Vec<&str> = replies
                .iter()
                .map(|r| r["created"].as_str().unwrap())
                .collect();
            assert!(
                times.windows(2).all(|w| w[0] <= w[1]),
                "flat replies oldest first"
            );
        }
        out.push((id, parent, c["status"].as_str().unwrap().to_string()));
        for r in replies.iter().rev() {
            stack.push((r, depth + 1, Some(id)));
        }
    }
    out
}

/// Checks that the pages hold each seeded comment once, with its parent.
fn check_all_present(seeded: &[(i64, Option<i64>)], got: &[(i64, Option<i64>, String)]) {
    assert_eq!(got.len(), seeded.len());
    let want: HashMap<i64, Option<i64>> = seeded.iter().copied().collect();
    let mut seen = std::collections::HashSet::new();
    for (id, parent, _) in got {
        assert!(seen.insert(*id), "comment {id} shown twice");
        assert_eq!(want.get(id), Some(parent), "comment {id} has its parent");
    }
}

/// Reads every page of the thread, `limit` top-level comments at a time.
async fn read_all(s: &TestServer, page: &str, limit: u32) -> Vec<(i64, Option<i64>, String)> {
    let mut all = Vec::new();
    let mut cursor = String::new();
    loop {
        let answer = page_of(s, page, &format!("&limit={limit}{cursor}")).await;
        let top = answer["comments"].as_array().unwrap();
        assert!(top.len() <= limit as usize);
        all.extend(flatten(&answer["comments"]));
        match answer["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    all
}

#[test]
fn a_deep_chain_is_read_paged_and_fed() {
    let dir = TempDir::new("deep-read");
    let seeded = seed_chain(&dir, "/deep", 1);
    let run = serve(dir);
    block_on(read_paged_and_fed(&run.server, &seeded));
}

async fn read_paged_and_fed(s: &TestServer, seeded: &Seeded) {
    let whole = page_of(s, seeded.page, "").await;
    assert_eq!(whole["thread"]["count"], (DEPTH + 2) as u64);
    assert_eq!(whole["comments"].as_array().unwrap().len(), 3);
    check_all_present(&seeded.parents, &flatten(&whole["comments"]));

    // One top-level comment a page: the chain first, then the other two.
    let paged = read_all(s, seeded.page, 1).await;
    check_all_present(&seeded.parents, &paged);
    let newest = page_of(s, seeded.page, "&sort=newest&limit=2").await;
    let ids: Vec<i64> = newest["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [seeded.parents[DEPTH + 1].0, seeded.parents[DEPTH].0]);

    let feed = s
        .get(&format!("/api/feed?url={}", enc(&page_url(seeded.page))))
        .await;
    assert_eq!(feed.status(), StatusCode::OK);
    let feed = feed.text().await.unwrap();
    assert_eq!(feed.matches("<entry>").count(), 50, "{feed}");
    let last = seeded.parents[DEPTH + 1].0;
    assert!(feed.contains(&format!("#natter-comment-{last}")), "{feed}");
}

#[test]
fn a_comment_deep_in_the_chain_is_moderated() {
    let dir = TempDir::new("deep-moderate");
    let seeded = seed_chain(&dir, "/deep", 1);
    let run = serve(dir);
    block_on(moderated(&run.server, &seeded));
}

async fn moderated(s: &TestServer, seeded: &Seeded) {
    let admin = s.admin().await;

    let middle = DEPTH / 2;
    let (id, _) = seeded.parents[middle];
    let found = s
        .admin_call(
            &admin,
            Method::GET,
            &format!(
                "/admin/api/comments?q={}",
                enc(&format!("reply #{middle};"))
            ),
            None,
        )
        .await;
    assert_eq!(found.status(), StatusCode::OK);
    let found: Value = found.json().await.unwrap();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["comments"][0]["id"], id);
    let listed = s
        .admin_call(&admin, Method::GET, "/admin/api/comments?limit=200", None)
        .await;
    assert_eq!(listed.status(), StatusCode::OK);
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(listed["total"], (DEPTH + 2) as u64);
    assert_eq!(listed["comments"].as_array().unwrap().len(), 200);

    for (action, status) in [("delete", "deleted"), ("restore", "published")] {
        let res = s
            .admin_call(
                &admin,
                Method::POST,
                "/admin/api/comments/bulk",
                Some(json!({"ids": [id], "action": action})),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{action}");
        // The chain keeps its shape: a deleted comment stays as a tombstone.
        let shown = flatten(&page_of(s, seeded.page, "").await["comments"]);
        check_all_present(&seeded.parents, &shown);
        let (_, _, got) = shown.iter().find(|(i, _, _)| *i == id).unwrap();
        assert_eq!(got, status, "after {action}");
    }
}

#[test]
fn a_deep_chain_is_exported_and_imported_again() {
    let dir = TempDir::new("deep-export");
    // Replies older than their parents: the export lists them first.
    let seeded = seed_chain(&dir, "/deep", -1);
    let file = dir.path("export.json");
    natter(&dir, &["export", "--output", file.to_str().unwrap()], "");
    let export: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let mut exported: Vec<(i64, Option<i64>)> = export["sites"][0]["threads"][0]["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_i64().unwrap(), c["parent"].as_i64()))
        .collect();
    exported.sort();
    let mut want = seeded.parents.clone();
    want.sort();
    assert!(
        exported == want,
        "the export holds every comment with its parent"
    );

    let fresh = TempDir::new("deep-reimport");
    let out = natter(&fresh, &["import", "json", file.to_str().unwrap()], "");
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains(&format!("comments imported: {}", DEPTH + 2)),
        "{summary}"
    );
    assert!(!summary.contains("top-level"), "{summary}");
    let run = serve(fresh);
    let shown = block_on(read_all(&run.server, seeded.page, 50));
    check_all_present(&seeded.parents, &shown);
}

/// A WordPress export of one post whose comments form one chain.
fn wordpress_chain(path: &std::path::Path) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n<wp:wxr_version>1.2</wp:wxr_version>\n<item>\n<title>Deep</title>\n<link>{ORIGIN}/wp-deep</link>"
    )
    .unwrap();
    // Newest first, as some exports list them: every reply before its parent.
    for i in (1..=DEPTH).rev() {
        let seconds = i % 60;
        let minutes = i / 60 % 60;
        let hours = i / 3600;
        writeln!(
            out,
            "<wp:comment><wp:comment_id>{i}</wp:comment_id><wp:comment_parent>{}</wp:comment_parent>\
             <wp:comment_author>R</wp:comment_author><wp:comment_date_gmt>2020-01-{:02} {:02}:{minutes:02}:{seconds:02}</wp:comment_date_gmt>\
             <wp:comment_content>reply {i}</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>",
            i - 1,
            1 + hours / 24,
            hours % 24
        )
        .unwrap();
    }
    writeln!(out, "</item>\n</channel>\n</rss>").unwrap();
}

#[test]
fn a_deep_wordpress_chain_is_imported() {
    let dir = TempDir::new("deep-wordpress");
    let file = dir.path("wordpress.xml");
    wordpress_chain(&file);
    natter(&dir, &["site", "add", "blog", "--origin", ORIGIN], "");
    let out = natter(
        &dir,
        &[
            "import",
            "wordpress",
            file.to_str().unwrap(),
            "--site",
            "blog",
        ],
        "",
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains(&format!("comments imported: {DEPTH}")),
        "{summary}"
    );
    assert!(!summary.contains("top-level"), "{summary}");
    let run = serve(dir);
    let shown = flatten(&block_on(page_of(&run.server, "/wp-deep", ""))["comments"]);
    assert_eq!(shown.len(), DEPTH);
    // Each reply names the one before it, so the chain arrived whole.
    let by_id: HashMap<i64, Option<i64>> = shown.iter().map(|(i, p, _)| (*i, *p)).collect();
    let root = shown[0].0;
    assert_eq!(shown[0].1, None);
    let mut at = root;
    let children: HashMap<i64, i64> = by_id
        .iter()
        .filter_map(|(i, p)| p.map(|p| (p, *i)))
        .collect();
    let mut steps = 1;
    while let Some(next) = children.get(&at) {
        at = *next;
        steps += 1;
    }
    assert_eq!(steps, DEPTH);
}
