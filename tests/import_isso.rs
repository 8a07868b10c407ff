//! Isso's database, written by a real Isso 0.14 through its own API, and
//! Isso's generic JSON import format, imported through the command line
//! and read back through natter's API as Isso's readers saw them.

mod common;

use common::importing::*;
use common::*;
use reqwest::Method;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A database with the blog site registered.
fn database(name: &str) -> TempDir {
    database_with(name, &[])
}

/// Isso 0.14 in a virtual environment beside the build (made once, by the
/// script, on the first run), driven by tests/support/isso_fill.py; returns
/// the database it wrote in `dir`.
fn real_isso_database(dir: &TempDir) -> PathBuf {
    let target = Path::new(env!("CARGO_BIN_EXE_natter"))
        .parent()
        .and_then(Path::parent)
        .expect("the binary is in target/<profile>/");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/isso_fill.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(target.join("isso-venv"))
        .arg(&dir.0)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "isso_fill.py failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(dir.path("isso.log")).unwrap_or_default()
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// The comment whose author is `name`, anywhere in a thread's tree.
fn by_name<'a>(comments: &'a Value, name: &str) -> &'a Value {
    let mut todo: Vec<&Value> = comments.as_array().unwrap().iter().collect();
    while let Some(c) = todo.pop() {
        if c["author"]["name"] == name {
            return c;
        }
        todo.extend(c["replies"].as_array().unwrap());
    }
    panic!("no comment by {name} in {comments}")
}

#[tokio::test]
async fn a_database_written_by_a_real_isso_reads_as_isso_showed_it() {
    let dir = database("isso-real");
    let isso = real_isso_database(&dir);
    let out = ok(import_file(&dir, "isso", &isso, "blog"));
    assert!(
        out.contains("comments imported: 7 (1 deleted, 1 pending, 5 published)"),
        "{out}"
    );
    let s = server_on(&dir).await;

    let post = s.thread("/post/").await;
    assert_eq!(post["thread"]["title"], "A post");
    let first = &post["comments"][0];
    // Isso stored the name and website escaped and showed them unescaped.
    assert_eq!(first["author"]["name"], "O'Brien & <Sons>");
    assert_eq!(first["author"]["website"], "https://example.org/a?b=1&c=2");
    // Isso's Markdown: a single newline is a line break, raw HTML is text.
    let html = first["html"].as_str().unwrap();
    assert!(
        html.contains("<p>First line<br>\nsecond line of the same paragraph</p>"),
        "{html}"
    );
    assert!(
        html.contains("<p>A new paragraph with &lt;b&gt;raw&lt;/b&gt; HTML</p>"),
        "{html}"
    );
    assert_eq!(first["likes"], 1);
    // Isso files a reply to a reply under the top comment, and shows it so.
    let replies: Vec<&Value> = first["replies"].as_array().unwrap().iter().collect();
    let names: Vec<&Value> = replies.iter().map(|r| &r["author"]["name"]).collect();
    assert_eq!(names, ["Ana", "Bo"]);
    assert!(replies.iter().all(|r| r["parent"] == first["id"]));

    let tomb = &post["comments"][1];
    assert_eq!(tomb["status"], "deleted");
    assert_eq!(tomb["replies"][0]["author"]["name"], "Cy");

    let other = s.thread("/other/").await;
    assert_eq!(other["thread"]["count"], 1, "the pending one is held");
    let edited = by_name(&other["comments"], "Di");
    assert_eq!(edited["html"], "<p>After the edit</p>\n");
    let isso_modified: f64 = rusqlite::Connection::open(&isso)
        .unwrap()
        .query_row(
            "SELECT modified FROM comments WHERE author = 'Di'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let modified = time::OffsetDateTime::from_unix_timestamp(isso_modified as i64)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    assert_eq!(edited["edited"], modified.as_str(), "{edited}");

    let a = s.admin().await;
    let held: Value = s
        .admin_call(&a, Method::GET, "/admin/api/comments?status=pending", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(held["total"], 1, "{held}");
    assert_eq!(held["comments"][0]["author"]["name"], "Eve");

    // A second import adds nothing.
    let again = ok(import_file(&dir, "isso", &isso, "blog"));
    assert!(again.contains("comments imported: 0"), "{again}");

    // Isso kept the email of the deleted comment; natter keeps nothing of
    // it that its own deletion erases.
    assert_eq!(
        count(
            &dir,
            "SELECT count(*) FROM comments WHERE status = 'deleted'
             AND name IS NULL AND email IS NULL AND website IS NULL AND text = ''"
        ),
        1
    );
}

#[tokio::test]
async fn the_generic_json_format_is_read_thread_by_thread() {
    let dir = database("isso-generic");
    let file = fixture("isso-generic.json");
    let out = ok(import_file(&dir, "isso", &file, "blog"));
    assert!(out.contains("comments imported: 4 (4 published)"), "{out}");
    assert!(out.contains("threads: 2 new"), "{out}");

    let s = server_on(&dir).await;
    let one = s.thread("/generic/one/").await;
    assert_eq!(one["thread"]["title"], "Thread one");
    assert_eq!(one["thread"]["count"], 2);
    let tom = by_name(&one["comments"], "Tom & Jerry");
    assert_eq!(tom["author"]["website"], "https://example.org/?a=1&b=2");
    assert_eq!(tom["created"], "2020-01-02T03:04:05Z");
    assert_eq!(tom["html"], "<p>Line one<br>\nline two</p>\n<p>Next</p>\n");
    by_name(&one["comments"], "A & B");

    // The same ids again in the second thread are other comments.
    let two = s.thread("/generic/two/").await;
    assert_eq!(two["thread"]["count"], 2);
    by_name(&two["comments"], "Zoe");
    by_name(&two["comments"], "Yan");

    // The same file through `import json` is the same file: nothing twice.
    let again = ok(import_file(&dir, "json", &file, "blog"));
    assert!(again.contains("comments imported: 0"), "{again}");
    assert_eq!(count(&dir, "SELECT count(*) FROM comments"), 4);
}

#[tokio::test]
async fn a_broken_generic_file_is_refused_with_its_line_and_leaves_nothing() {
    let dir = database("isso-generic-broken");
    let file = fixture("isso-generic-broken.json");
    let err = failed(import_file(&dir, "isso", &file, "blog"));
    assert!(err.contains("line 15"), "{err}");
    assert!(err.contains("YYYY-MM-DD HH:MM:SS"), "{err}");
    assert_eq!(count(&dir, "SELECT count(*) FROM comments"), 0);
    assert_eq!(count(&dir, "SELECT count(*) FROM threads"), 0);
}
