//! Imports of files as WordPress and Disqus write them (tests/fixtures/
//! wordpress-sources.xml, disqus-sources.xml): every comment kept, only what
//! the source published published, and a summary that says what happened.

mod common;

use common::importing::*;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::Path;

/// A database whose site keeps WordPress's page ids, as a WordPress blog's
/// site should.
fn database(name: &str) -> TempDir {
    database_with(name, &["--keep-query", "p,page_id"])
}

fn import(dir: &TempDir, format: &str, file: &Path) -> String {
    ok(import_file(dir, format, file, "blog"))
}

/// The line (from 1) of the fixture on which `element` starts, the last
/// time before the first line containing `marker`.
fn line_of(file: &Path, element: &str, marker: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.contains(marker)).unwrap();
    lines[..at]
        .iter()
        .rposition(|l| l.contains(element))
        .unwrap()
        + 1
}

fn names(thread: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<&Value> = thread["comments"].as_array().unwrap().iter().collect();
    while let Some(c) = stack.pop() {
        out.push(c["author"]["name"].as_str().unwrap_or("").to_string());
        stack.extend(c["replies"].as_array().into_iter().flatten());
    }
    out.sort();
    out
}

fn status_of(dir: &TempDir, text: &str) -> String {
    let db = rusqlite::Connection::open(dir.path("natter.db")).unwrap();
    db.query_row(
        "SELECT status FROM comments WHERE text LIKE ?1",
        [format!("{text}%")],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test]
async fn ids_that_repeat_in_another_thread_are_other_comments() {
    let dir = database("sources-ids");
    let wp = fixture("wordpress-sources.xml");
    let disqus = fixture("disqus-sources.xml");
    let first = import(&dir, "wordpress", &wp);
    assert!(!first.contains("already imported"), "{first}");
    let first = import(&dir, "disqus", &disqus);
    assert!(!first.contains("already imported"), "{first}");

    let s = server_on(&dir).await;
    // Comment 11 of post 4 and comment 11 of post 7 are two comments.
    assert_eq!(
        names(&s.thread("/2024/03/ladder").await),
        ["O'Brien & Sons", "Priya"]
    );
    assert_eq!(names(&s.thread("/2024/04/carers").await), ["Morgan"]);
    // Two Disqus posts without an id are two comments.
    let meetings = names(&s.thread("/2023/09/open-meetings").await);
    assert!(
        meetings.contains(&"Ade".to_string()) && meetings.contains(&"Bea".to_string()),
        "{meetings:?}"
    );

    let before = count(&dir, "SELECT count(*) FROM comments");
    for (format, file) in [("wordpress", &wp), ("disqus", &disqus)] {
        let again = import(&dir, format, file);
        assert!(again.contains("comments imported: 0"), "{again}");
    }
    assert_eq!(count(&dir, "SELECT count(*) FROM comments"), before);
}

#[tokio::test]
async fn export_then_import_json_into_the_same_database_adds_nothing() {
    let dir = database("sources-roundtrip");
    import(&dir, "wordpress", &fixture("wordpress-sources.xml"));
    let s = server_on(&dir).await;
    // A comment written here, not imported from anywhere.
    s.post_ok(
        "/2024/03/ladder",
        json!({"text": "Posted on natter itself", "name": "Nat"}),
    )
    .await;
    let before = count(&dir, "SELECT count(*) FROM comments");
    let file = dir.path("export.json");
    ok(cli(&dir, &["export", "--output", file.to_str().unwrap()]));
    let out = ok(cli(&dir, &["import", "json", file.to_str().unwrap()]));
    assert!(out.contains("comments imported: 0"), "{out}");
    assert_eq!(count(&dir, "SELECT count(*) FROM comments"), before);
    // Nor the second time.
    ok(cli(&dir, &["import", "json", file.to_str().unwrap()]));
    assert_eq!(count(&dir, "SELECT count(*) FROM comments"), before);
}

#[tokio::test]
async fn what_the_source_did_not_publish_is_not_published() {
    let dir = database("sources-unpublished");
    let wp = fixture("wordpress-sources.xml");
    let out = import(&dir, "wordpress", &wp);
    assert_eq!(status_of(&dir, "Draft comment"), "pending");
    assert_eq!(status_of(&dir, "For board members"), "pending");
    assert!(
        out.contains("held for moderation: 1 on posts that are not public (drafts)"),
        "{out}"
    );
    assert!(
        out.contains("held for moderation: 1 on password-protected posts"),
        "{out}"
    );
    // Editorial notes are not comments at all, not even held ones.
    assert_eq!(
        count(
            &dir,
            "SELECT count(*) FROM comments WHERE text LIKE 'Check the second%'"
        ),
        0
    );
    assert!(out.contains("skipped: 1 editorial notes"), "{out}");
    // No approval status is not "in the trash": it is named, with its line.
    let line = line_of(&wp, "<wp:comment>", "approval got lost");
    assert!(
        out.contains(&format!(
            "skipped: 1 with an approval status that is not 1, 0, spam or trash, so natter cannot tell whether it was published (line {line})"
        )),
        "{out}"
    );
    assert!(!out.contains("skipped: 1 in the trash"), "{out}");

    let disqus = fixture("disqus-sources.xml");
    let out = import(&dir, "disqus", &disqus);
    let flag = line_of(&disqus, "<post ", "Buy cheap watches");
    let date = line_of(&disqus, "<post ", "A date nobody can read");
    assert!(
        out.contains(&format!(
            "neither true nor false (like \"123\") (line {flag})"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "skipped: 1 with a date that cannot be read (line {date})"
        )),
        "{out}"
    );
    assert_eq!(
        count(
            &dir,
            "SELECT count(*) FROM comments WHERE text LIKE 'Buy cheap%' OR text LIKE 'A date nobody%'"
        ),
        0
    );
    assert_eq!(
        count(&dir, "SELECT count(*) FROM comments WHERE created < 86400"),
        0,
        "nothing is dated 1970"
    );

    let s = server_on(&dir).await;
    let shown = names(&s.thread("/2023/09/open-meetings").await);
    assert!(!shown.contains(&"Shop".to_string()), "{shown:?}");
}

#[tokio::test]
async fn closed_threads_arrive_locked_and_deleted_threads_stay_hidden() {
    let dir = database("sources-closed");
    let out = import(&dir, "wordpress", &fixture("wordpress-sources.xml"));
    assert!(
        out.contains("1 threads closed to new comments in the source arrived locked"),
        "{out}"
    );
    let out = import(&dir, "disqus", &fixture("disqus-sources.xml"));
    assert!(
        out.contains("skipped: 1 posts of threads deleted in Disqus"),
        "{out}"
    );
    assert_eq!(
        count(
            &dir,
            "SELECT count(*) FROM comments WHERE text LIKE 'On a page that Disqus deleted%'"
        ),
        0
    );

    let s = server_on(&dir).await;
    for (page, locked) in [
        ("/2024/04/carers", true),
        ("/2023/09/open-meetings", true),
        ("/2024/03/ladder", false),
    ] {
        assert_eq!(s.thread(page).await["thread"]["locked"], locked, "{page}");
    }
    let res = s
        .post_as(
            &fresh_ip(),
            "/2024/04/carers",
            json!({"text": "Late to this"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(s.thread("/2023/10/removed").await["thread"]["count"], 0);
}

#[test]
fn deleted_comments_keep_nothing_that_deletion_erases() {
    let dir = database("sources-deleted");
    import(&dir, "disqus", &fixture("disqus-sources.xml"));
    let db = rusqlite::Connection::open(dir.path("natter.db")).unwrap();
    let (status, name, email, text, html): (
        String,
        Option<String>,
        Option<String>,
        String,
        String,
    ) = db
        .query_row(
            "SELECT c.status, c.name, c.email, c.text, c.html FROM comments c
             WHERE c.id = (SELECT parent_id FROM comments WHERE text LIKE 'Replying to the one%')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(status, "deleted");
    assert_eq!(
        (name, email),
        (None, None),
        "Regretful Rae's name and address"
    );
    assert_eq!((text.as_str(), html.as_str()), ("", ""));
    assert_eq!(
        count(
            &dir,
            "SELECT count(*) FROM comments WHERE text LIKE '%regret%' OR html LIKE '%regret%'"
        ),
        0
    );
}

#[tokio::test]
async fn threads_take_the_sites_new_domain() {
    let dir = database("sources-domain");
    let out = import(&dir, "wordpress", &fixture("wordpress-sources.xml"));
    assert!(
        out.contains("now have addresses on https://blog.example.org"),
        "{out}"
    );
    import(&dir, "disqus", &fixture("disqus-sources.xml"));
    assert_eq!(
        count(
            &dir,
            "SELECT count(*) FROM threads WHERE url LIKE '%old.example.net%'"
        ),
        0
    );

    let s = server_on(&dir).await;
    let t = s.thread("/2024/03/ladder").await;
    assert_eq!(t["thread"]["url"], page_url("/2024/03/ladder/"));
    let t = s.thread("/2023/09/open-meetings").await;
    assert_eq!(t["thread"]["url"], page_url("/2023/09/open-meetings/"));
    let feed = s
        .get(&format!(
            "/api/feed?url={}",
            enc(&page_url("/2024/03/ladder/"))
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(feed.contains(&page_url("/2024/03/ladder/")), "{feed}");
    assert!(!feed.contains("old.example.net"), "{feed}");
}

#[tokio::test]
async fn summaries_say_what_happened_once() {
    let dir = database("sources-summary");
    let wp = fixture("wordpress-sources.xml");
    let out = import(&dir, "wordpress", &wp);
    assert!(
        out.contains("1 replies to skipped entries (pingbacks, comments in the trash, …) were kept as top-level comments"),
        "{out}"
    );
    assert!(!out.contains("parent is not in the file"), "{out}");
    let again = import(&dir, "wordpress", &wp);
    assert!(
        !again.contains("replies"),
        "said once, not on every import: {again}"
    );

    let err = failed(import_file(&dir, "wordpress", &wp, "nosuch"));
    assert!(err.contains("there is no site nosuch;"), "{err}");
    assert!(!err.contains("SiteId"), "{err}");
    let err = failed(cli(&dir, &["export", "--site", "nosuch"]));
    assert!(err.contains("there is no site nosuch;"), "{err}");
}

#[tokio::test]
async fn pages_told_apart_by_their_query_are_not_filed_under_one() {
    // A site that keeps no query parameters, and a blog with plain links.
    let dir = database_with("sources-plain", &[]);
    let file = dir.path("plain.xml");
    let wp = std::fs::read_to_string(fixture("wordpress-sources.xml")).unwrap();
    std::fs::write(
        &file,
        wp.replace(
            "https://old.example.net/2024/03/ladder/",
            "https://old.example.net/?p=4",
        )
        .replace(
            "https://old.example.net/2024/04/carers/",
            "https://old.example.net/?p=7",
        ),
    )
    .unwrap();
    let err = failed(import_file(&dir, "wordpress", &file, "blog"));
    assert!(err.contains("query parameter p"), "{err}");
    assert!(
        err.contains("run the import again with --keep-query p"),
        "{err}"
    );
    assert_eq!(count(&dir, "SELECT count(*) FROM comments"), 0);

    let out = ok(cli(
        &dir,
        &[
            "import",
            "wordpress",
            file.to_str().unwrap(),
            "--site",
            "blog",
            "--keep-query",
            "p",
        ],
    ));
    assert!(
        out.contains("site blog now keeps the query parameter p"),
        "{out}"
    );
    let s = server_on(&dir).await;
    assert_eq!(names(&s.thread("/?p=4").await), ["O'Brien & Sons", "Priya"]);
    assert_eq!(names(&s.thread("/?p=7").await), ["Morgan"]);
    assert_eq!(s.thread("/").await["thread"]["count"], 0);
}

/// A Disqus file of `threads` threads with `per_thread` posts each, the
/// posts of each thread spread over the whole file (as in a real export,
/// which lists posts by time), replies in chains of four.
fn big_disqus(path: &Path, threads: usize, per_thread: usize) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<disqus xmlns=\"http://disqus.com\" xmlns:dsq=\"http://disqus.com/disqus-internals\">").unwrap();
    for t in 0..threads {
        writeln!(
            f,
            "<thread dsq:id=\"t{t}\"><link>{ORIGIN}/post/{t}/</link><title>Post {t}</title><isClosed>false</isClosed><isDeleted>false</isDeleted></thread>"
        )
        .unwrap();
    }
    for round in 0..per_thread {
        for t in 0..threads {
            let parent = if round % 4 == 0 {
                String::new()
            } else {
                format!("<parent dsq:id=\"p{t}-{}\" />", round - 1)
            };
            writeln!(
                f,
                "<post dsq:id=\"p{t}-{round}\"><message><![CDATA[<p>Comment {round} on post {t}, with <b>some</b> words &amp; a link https://example.org/{t}</p><p>And a second paragraph.</p>]]></message>\
                 <createdAt>2024-01-01T10:{:02}:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>\
                 <author><email>a{}@example.org</email><name>Author {}</name></author><ipAddress>192.0.2.{}</ipAddress>\
                 <thread dsq:id=\"t{t}\" />{parent}</post>",
                round % 60,
                t % 100,
                t % 100,
                t % 250
            )
            .unwrap();
        }
    }
    writeln!(f, "</disqus>").unwrap();
}

#[test]
fn disqus_and_json_files_are_read_as_streams() {
    let dir = database("sources-big");
    let file = dir.path("big-disqus.xml");
    big_disqus(&file, 2_500, 20);
    let mib = |p: &Path| std::fs::metadata(p).unwrap().len() / (1024 * 1024);
    let out = import(&dir, "disqus", &file);
    assert!(out.contains("comments imported: 50000"), "{out}");
    let disqus_peak = peak_mib(&out);
    eprintln!(
        "Disqus, 50,000 comments, {} MiB file: peak {disqus_peak} MiB",
        mib(&file)
    );

    let json = dir.path("big.json");
    ok(cli(&dir, &["export", "--output", json.to_str().unwrap()]));
    let fresh = database("sources-big-json");
    let out = ok(cli(&fresh, &["import", "json", json.to_str().unwrap()]));
    assert!(out.contains("comments imported: 50000"), "{out}");
    let json_peak = peak_mib(&out);
    eprintln!(
        "JSON, 50,000 comments, {} MiB file: peak {json_peak} MiB",
        mib(&json)
    );
    assert_eq!(
        count(
            &fresh,
            "SELECT count(*) FROM comments WHERE parent_id IS NOT NULL"
        ),
        37_500
    );
    // Reading the whole file held it and every comment in memory at once.
    assert!(disqus_peak < 48, "Disqus: peak memory {disqus_peak} MiB");
    assert!(json_peak < 48, "JSON: peak memory {json_peak} MiB");
}

#[tokio::test]
async fn one_page_seen_with_tracking_parameters_is_one_thread() {
    let dir = database("sources-tracking");
    let file = dir.path("tracking.xml");
    let disqus = std::fs::read_to_string(fixture("disqus-sources.xml")).unwrap();
    // Disqus made a second thread for the page reached from a newsletter.
    std::fs::write(
        &file,
        disqus
            .replace(
                "<link>https://old.example.net/2023/10/removed/</link>",
                "<link>https://old.example.net/2023/09/open-meetings/?utm_source=newsletter</link>",
            )
            .replace(
                "<isDeleted>true</isDeleted>\n  </thread>",
                "<isDeleted>false</isDeleted>\n  </thread>",
            ),
    )
    .unwrap();
    let out = import(&dir, "disqus", &file);
    assert!(out.contains("threads: 1 new"), "{out}");
    let s = server_on(&dir).await;
    let shown = names(&s.thread("/2023/09/open-meetings").await);
    assert!(shown.contains(&"Eve".to_string()), "{shown:?}");
}
