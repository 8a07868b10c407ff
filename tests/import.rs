//! Import and export through the command line, checked through the API.

mod common;

use common::importing::*;
use common::*;
use serde_json::Value;
use std::path::Path;

/// A database with the blog site registered.
fn database(name: &str) -> TempDir {
    database_with(name, &["--keep-query", "p,page_id"])
}

#[tokio::test]
async fn wordpress_comments_arrive_as_they_were() {
    let dir = database("wp");
    let file = fixture("wordpress.xml");
    let out = ok(import_file(&dir, "wordpress", &file, "blog"));
    assert!(out.contains("threads: 2 new"), "{out}");
    assert!(
        out.contains("comments imported: 8 (1 pending, 6 published, 1 spam)"),
        "{out}"
    );
    assert!(out.contains("skipped: 2 pingbacks and trackbacks"), "{out}");
    assert!(out.contains("skipped: 1 in the trash"), "{out}");
    assert!(
        out.contains("1 replies whose parent is not in the file"),
        "{out}"
    );

    let s = server_on(&dir).await;
    let t = s.thread("/2024/05/why-co-production-matters").await;
    assert_eq!(t["thread"]["title"], "Why co-production matters & how");
    assert_eq!(
        t["thread"]["count"], 5,
        "the sixth published comment is on the page"
    );
    let first = &t["comments"][0];
    assert_eq!(first["author"]["name"], "Siân Jones");
    assert_eq!(first["author"]["website"], "https://sian.example.org");
    assert_eq!(first["created"], "2024-05-06T09:15:00Z");
    let html = first["html"].as_str().unwrap();
    assert!(
        html.contains("<strong>help design</strong>") && html.contains("<em>listened to</em>"),
        "{html}"
    );
    assert!(
        html.contains("</p>\n<p>") && html.contains("<br>"),
        "paragraphs and line breaks: {html}"
    );
    // Four levels deep, as in WordPress.
    let second = &first["replies"][0];
    assert!(
        second["html"]
            .as_str()
            .unwrap()
            .contains("Agreed &amp; well put: 5 &lt; 6 and café is fine."),
        "{second}"
    );
    let third = &second["replies"][0];
    assert!(third["html"].as_str().unwrap().contains("日本語もOK 🙂"));
    let fourth = &third["replies"][0]["html"];
    let fourth = fourth.as_str().unwrap();
    assert!(
        !fourth.contains("<script")
            && !fourth.contains("onerror")
            && !fourth.contains("javascript:"),
        "{fourth}"
    );
    assert!(
        fourth.contains("href=\"https://ok.example.org/\""),
        "{fourth}"
    );
    assert_eq!(
        t["comments"][0]["replies"][0]["replies"][0]["replies"][0]["created"],
        "2024-05-06T13:00:00Z"
    );
    // The orphan is at top level; the held and spam ones are not shown.
    let tops: Vec<&str> = t["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["author"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(tops, ["Siân Jones", "Orphan Olly"]);
    assert_eq!(s.thread("/").await["thread"]["count"], 0);
    let page: Value = s
        .get(&format!(
            "/api/comments?url={}",
            enc(&page_url("/?utm_source=x&page_id=2"))
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        page["thread"]["count"], 1,
        "page_id is kept as part of the page's key"
    );
    assert_eq!(page["thread"]["key"], "/?page_id=2");
    assert_eq!(
        count(&dir, "SELECT count(*) FROM comments WHERE status = 'spam'"),
        1
    );
    assert_eq!(
        count(
            &dir,
            "SELECT count(*) FROM comments WHERE ip_hash LIKE '192.0.2.%'"
        ),
        0
    );
    assert_eq!(
        count(
            &dir,
            "SELECT count(*) FROM comments WHERE ip_hash IS NOT NULL"
        ),
        5
    );
}

#[tokio::test]
async fn importing_twice_adds_nothing_and_dry_run_changes_nothing() {
    let dir = database("wp-twice");
    let file = fixture("wordpress.xml");
    let out = ok(cli(
        &dir,
        &[
            "import",
            "wordpress",
            file.to_str().unwrap(),
            "--site",
            "blog",
            "--dry-run",
        ],
    ));
    assert!(
        out.contains("comments imported: 8") && out.contains("dry run: nothing was changed"),
        "{out}"
    );
    assert_eq!(count(&dir, "SELECT count(*) FROM comments"), 0);
    ok(import_file(&dir, "wordpress", &file, "blog"));
    let out = ok(import_file(&dir, "wordpress", &file, "blog"));
    assert!(
        out.contains("comments imported: 0") && out.contains("skipped: 8 already imported"),
        "{out}"
    );
    assert!(out.contains("threads: 0 new, 2 already there"), "{out}");
    assert_eq!(count(&dir, "SELECT count(*) FROM comments"), 8);
}

#[test]
fn broken_files_are_refused_with_the_line_and_leave_nothing() {
    let dir = database("wp-broken");
    let err = failed(import_file(
        &dir,
        "wordpress",
        &fixture("wordpress-truncated.xml"),
        "blog",
    ));
    assert!(
        err.contains("nothing was imported")
            && err.contains("line 58")
            && err.contains("cut short"),
        "{err}"
    );
    let err = failed(import_file(
        &dir,
        "wordpress",
        &fixture("wordpress-broken.xml"),
        "blog",
    ));
    assert!(err.contains("line 56"), "{err}");
    assert_eq!(count(&dir, "SELECT count(*) FROM comments"), 0);
    assert_eq!(count(&dir, "SELECT count(*) FROM threads"), 0);
    let err = failed(import_file(
        &dir,
        "wordpress",
        &fixture("disqus.xml"),
        "blog",
    ));
    assert!(err.contains("not a WordPress export"), "{err}");
    let err = failed(import_file(
        &dir,
        "wordpress",
        &fixture("wordpress.xml"),
        "nosuch",
    ));
    assert!(err.contains("natter site add nosuch"), "{err}");
    let err = failed(cli(
        &dir,
        &[
            "import",
            "wordpress",
            fixture("wordpress.xml").to_str().unwrap(),
        ],
    ));
    assert!(err.contains("--site"), "{err}");
    let err = failed(cli(&dir, &["import", "blogger", "x.xml", "--site", "blog"]));
    assert!(err.contains("wordpress, disqus, isso or json"), "{err}");
}

#[tokio::test]
async fn disqus_threads_posts_and_flags() {
    let dir = database("disqus");
    let out = ok(import_file(&dir, "disqus", &fixture("disqus.xml"), "blog"));
    assert!(out.contains("threads: 1 new"), "{out}");
    assert!(
        out.contains("comments imported: 5 (1 deleted, 3 published, 1 spam)"),
        "{out}"
    );
    assert!(
        out.contains("skipped: 1 posts of a thread that is not in the file"),
        "{out}"
    );
    assert!(
        out.contains("1 replies whose parent is not in the file"),
        "{out}"
    );
    let s = server_on(&dir).await;
    let t = s.thread("/2023/01/peer-support").await;
    assert_eq!(t["thread"]["title"], "Peer support: what works");
    assert_eq!(t["thread"]["count"], 3);
    let first = &t["comments"][0];
    assert!(
        first["html"]
            .as_str()
            .unwrap()
            .contains("Ünïcödé &amp; <strong>bold</strong>"),
        "{first}"
    );
    let tomb = &first["replies"][0];
    assert_eq!(tomb["status"], "deleted");
    let reply = tomb["replies"][0]["html"].as_str().unwrap();
    assert!(
        reply.contains("A reply to a deleted comment")
            && !reply.contains("<script")
            && !reply.contains("javascript"),
        "{reply}"
    );
    assert_eq!(t["comments"][1]["author"]["name"], "Late");
}

/// An Isso database, made with the tables Isso creates.
fn isso_db(path: &Path) {
    let db = rusqlite::Connection::open(path).unwrap();
    db.execute_batch(
        "CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
         CREATE TABLE comments (tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
             created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR, text VARCHAR,
             author VARCHAR, email VARCHAR, website VARCHAR, likes INTEGER DEFAULT 0,
             dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL, notification INTEGER DEFAULT 0);
         INSERT INTO threads VALUES (1, '/posts/hello-world/', 'Hello, world');
         INSERT INTO comments VALUES (1, 1, NULL, 1700000000.5, NULL, 1, '192.0.2.0', 'First *Markdown* comment', 'Ana', 'ana@example.org', 'https://ana.example.org', 3, 1, x'', 0);
         INSERT INTO comments VALUES (1, 2, 1, 1700000100.0, 1700000200.0, 1, '192.0.2.0', 'A reply with <script>alert(1)</script>', NULL, NULL, NULL, 0, 0, x'', 0);
         INSERT INTO comments VALUES (1, 3, 2, 1700000300.0, NULL, 4, '192.0.2.0', '', NULL, NULL, NULL, 0, 0, x'', 0);
         INSERT INTO comments VALUES (1, 4, 3, 1700000400.0, NULL, 1, '192.0.2.0', 'Reply to a deleted one', 'Bo', NULL, NULL, 0, 0, x'', 0);
         INSERT INTO comments VALUES (1, 5, NULL, 1700000500.0, NULL, 2, '192.0.2.0', 'Waiting', 'Cy', NULL, NULL, 0, 0, x'', 0);",
    )
    .unwrap();
}

#[tokio::test]
async fn isso_database_comes_across() {
    let dir = database("isso");
    let isso = dir.path("isso.db");
    isso_db(&isso);
    let out = ok(import_file(&dir, "isso", &isso, "blog"));
    assert!(
        out.contains("comments imported: 5 (1 deleted, 1 pending, 3 published)"),
        "{out}"
    );
    let s = server_on(&dir).await;
    let t = s.thread("/posts/hello-world").await;
    assert_eq!(t["thread"]["title"], "Hello, world");
    assert_eq!(t["thread"]["count"], 3);
    let c = &t["comments"][0];
    assert_eq!(c["html"], "<p>First <em>Markdown</em> comment</p>\n");
    assert_eq!(
        (c["likes"].as_i64(), c["dislikes"].as_i64()),
        (Some(3), Some(1))
    );
    assert_eq!(c["created"], "2023-11-14T22:13:20Z");
    let reply = &c["replies"][0];
    assert_eq!(reply["author"]["name"], "Anonymous");
    assert!(!reply["html"].as_str().unwrap().contains("<script"));
    assert!(reply["edited"].is_string());
    assert_eq!(reply["replies"][0]["status"], "deleted");
    assert_eq!(
        reply["replies"][0]["replies"][0]["html"],
        "<p>Reply to a deleted one</p>\n"
    );
}

#[tokio::test]
async fn export_then_import_into_an_empty_database_is_lossless() {
    let dir = database("export");
    ok(import_file(
        &dir,
        "wordpress",
        &fixture("wordpress.xml"),
        "blog",
    ));
    ok(import_file(&dir, "disqus", &fixture("disqus.xml"), "blog"));
    let first = dir.path("first.json");
    ok(cli(&dir, &["export", "--output", first.to_str().unwrap()]));

    let empty = TempDir::new("export-empty");
    let out = ok(cli(&empty, &["import", "json", first.to_str().unwrap()]));
    assert!(out.contains("site blog was created from the file"), "{out}");
    let second = empty.path("second.json");
    ok(cli(
        &empty,
        &["export", "--output", second.to_str().unwrap()],
    ));
    let mut a: Value = serde_json::from_str(&std::fs::read_to_string(&first).unwrap()).unwrap();
    let mut b: Value = serde_json::from_str(&std::fs::read_to_string(&second).unwrap()).unwrap();
    a["exported"] = Value::Null;
    b["exported"] = Value::Null;
    assert_eq!(a, b);
    assert_eq!(a["sites"][0]["threads"].as_array().unwrap().len(), 3);
    // And once more adds nothing.
    let out = ok(cli(&empty, &["import", "json", first.to_str().unwrap()]));
    assert!(out.contains("comments imported: 0"), "{out}");
    let err = failed(cli(
        &empty,
        &["import", "json", fixture("disqus.xml").to_str().unwrap()],
    ));
    assert!(err.contains("line 1"), "{err}");
}

#[tokio::test]
async fn threads_remap_moves_a_thread_to_its_new_address() {
    let dir = database("remap");
    ok(import_file(
        &dir,
        "wordpress",
        &fixture("wordpress.xml"),
        "blog",
    ));
    let out = ok(cli(
        &dir,
        &[
            "threads",
            "remap",
            &page_url("/2024/05/why-co-production-matters/"),
            &page_url("/why-co-production-matters"),
        ],
    ));
    assert!(out.contains("moved"), "{out}");
    let s = server_on(&dir).await;
    assert_eq!(
        s.thread("/why-co-production-matters").await["thread"]["count"],
        5
    );
    assert_eq!(
        s.thread("/2024/05/why-co-production-matters").await["thread"]["count"],
        0
    );
    let err = failed(cli(
        &dir,
        &["threads", "remap", &page_url("/nothing"), &page_url("/x")],
    ));
    assert!(err.contains("no thread"), "{err}");
}

/// A WXR file of `posts` posts with `per_post` comments each, nested in chains.
fn big_wxr(path: &Path, posts: usize, per_post: usize) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><wp:wxr_version>1.2</wp:wxr_version>").unwrap();
    let mut id = 0;
    for p in 0..posts {
        writeln!(
            f,
            "<item><title>Post {p}</title><link>{ORIGIN}/post/{p}/</link>"
        )
        .unwrap();
        for c in 0..per_post {
            id += 1;
            let parent = if c % 4 == 0 { 0 } else { id - 1 };
            writeln!(
                f,
                "<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author><![CDATA[Author {}]]></wp:comment_author>\
                 <wp:comment_author_email>a{}@example.org</wp:comment_author_email><wp:comment_author_IP>192.0.2.{}</wp:comment_author_IP>\
                 <wp:comment_date_gmt>2024-01-01 10:00:00</wp:comment_date_gmt>\
                 <wp:comment_content><![CDATA[Comment {id} with <b>some</b> words &amp; a link https://example.org/{id}\n\nand a second paragraph.]]></wp:comment_content>\
                 <wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent></wp:comment>",
                id % 100,
                id % 100,
                id % 250
            )
            .unwrap();
        }
        writeln!(f, "</item>").unwrap();
    }
    writeln!(f, "</channel></rss>").unwrap();
}

#[test]
fn a_hundred_thousand_comments_import_in_bounded_memory() {
    let dir = database("big");
    let file = dir.path("big.xml");
    big_wxr(&file, 5_000, 20);
    let size = std::fs::metadata(&file).unwrap().len();
    let out = ok(import_file(&dir, "wordpress", &file, "blog"));
    assert!(out.contains("comments imported: 100000"), "{out}");
    let peak: u64 = out
        .lines()
        .find_map(|l| l.strip_prefix("peak memory: "))
        .and_then(|l| l.trim_end_matches(" MiB").parse().ok())
        .expect("the summary reports peak memory");
    let took = out.lines().find(|l| l.starts_with("took")).unwrap_or("");
    eprintln!(
        "imported 100,000 comments from a {} MiB file: {took}, peak memory {peak} MiB",
        size / (1024 * 1024)
    );
    assert!(peak < 200, "peak memory {peak} MiB");
    assert_eq!(
        count(
            &dir,
            "SELECT count(*) FROM comments WHERE parent_id IS NOT NULL"
        ),
        75_000
    );
}
