//! The answer cache under hostile requests (DESIGN §14): it counts keys
//! and structure, keeps only threads that exist on registered sites, keys
//! pages by the normalised request, and stays within its bound; what it
//! serves does not depend on who asked first.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The answer cache's bound in bytes and entries (`src/app/cache.rs`).
const MAX_BYTES: u64 = 8 * 1024 * 1024;
const MAX_ENTRIES: u64 = 4096;

/// What `/metrics` says the cache holds: (bytes, entries).
async fn cache_size(s: &TestServer) -> (u64, u64) {
    let text = s.get("/metrics").await.text().await.unwrap();
    let gauge = |name: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("/metrics has no {name}:\n{text}"))
    };
    (gauge("natter_cache_bytes"), gauge("natter_cache_entries"))
}

async fn counts(s: &TestServer, urls: &[String]) -> Value {
    let res = s
        .http
        .post(s.url("/api/counts"))
        .header("x-forwarded-for", fresh_ip())
        .json(&json!({ "urls": urls }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// A made-up text of `n` letters, different for each `seed`.
fn junk(seed: usize, n: usize) -> String {
    let mut x = seed as u64 * 2_654_435_761 + 1;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (b'a' + (x >> 59) as u8 % 26) as char
        })
        .collect()
}

#[tokio::test]
async fn counts_of_made_up_urls_are_not_kept() {
    let s = TestServer::start().await;
    s.post_text("/post", "a real comment").await;
    let before = cache_size(&s).await;
    for i in 0..200 {
        let urls: Vec<String> = (0..30)
            .map(|j| match j % 2 {
                0 => page_url(&format!("/{}", junk(i * 30 + j, 1800))),
                _ => format!("https://nowhere-{j}.example/{}", junk(i * 30 + j, 1800)),
            })
            .collect();
        let answer = counts(&s, &urls).await;
        assert_eq!(answer["counts"][&urls[0]], 0);
        assert_eq!(answer["counts"][&urls[1]], 0);
    }
    assert_eq!(
        cache_size(&s).await,
        before,
        "made-up pages cost the cache nothing"
    );
}

#[tokio::test]
async fn counts_with_long_queries_stay_within_the_bound() {
    let s = TestServer::start().await;
    s.post_text("/post", "a real comment").await;
    // Each request names the real page 30 times with made-up queries
    // (dropped from the thread key), about 55 KB of URLs: 400 of them are
    // more than twice the bound in keys alone.
    for i in 0..400 {
        let urls: Vec<String> = (0..30)
            .map(|j| page_url(&format!("/post?utm={}", junk(i * 30 + j, 1800))))
            .collect();
        let answer = counts(&s, &urls).await;
        assert_eq!(answer["counts"][&urls[29]], 1);
        if i % 50 == 49 {
            let (bytes, entries) = cache_size(&s).await;
            assert!(bytes <= MAX_BYTES, "cache holds {bytes} bytes");
            assert!(entries <= MAX_ENTRIES, "cache holds {entries} entries");
            assert!(
                bytes >= entries * 55_000,
                "keys are counted: {bytes} bytes for {entries} entries"
            );
        }
    }
}

/// The `rel="self"` link of a feed.
fn self_link(feed: &str) -> String {
    let at = feed
        .find("<link rel=\"self\" href=\"")
        .expect("a self link")
        + 23;
    feed[at..at + feed[at..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn the_feed_links_to_itself_whatever_the_first_reader_asked() {
    let s = TestServer::start().await;
    s.post_text("/post", "a comment in the feed").await;
    let canonical = format!("/api/feed?url={}", enc(&page_url("/post")));
    let first = format!(
        "/api/feed?url={}",
        enc(&page_url("/post?utm_source=evil.example&ref=\"><x>#frag"))
    );
    let res = s.get(&first).await;
    assert_eq!(res.status(), StatusCode::OK);
    let feed = res.text().await.unwrap();
    assert_eq!(self_link(&feed), canonical.replace('&', "&amp;"));
    // A later reader is served the same feed.
    let again = s.get(&canonical).await.text().await.unwrap();
    assert_eq!(self_link(&again), self_link(&feed));

    let site = s.get("/api/feed?site=blog").await.text().await.unwrap();
    assert_eq!(self_link(&site), "/api/feed?site=blog");
}

async fn ids_of(s: &TestServer, query: &str) -> (Vec<i64>, Option<String>) {
    let res = s
        .http
        .get(s.url(&format!(
            "/api/comments?url={}{query}",
            enc(&page_url("/paged"))
        )))
        .header("x-forwarded-for", fresh_ip())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let ids = body["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    (ids, body["next_cursor"].as_str().map(str::to_string))
}

#[tokio::test]
async fn limits_and_cursors_give_the_right_pages() {
    let s = TestServer::start().await;
    let mut top = Vec::new();
    for i in 0..7 {
        let c = s.post_text("/paged", &format!("top-level {i}")).await;
        top.push(c["comment"]["id"].as_i64().unwrap());
    }
    s.post_ok("/paged", json!({"text": "a reply", "parent": top[1]}))
        .await;

    assert_eq!(
        ids_of(&s, "&limit=3").await,
        (top[0..3].to_vec(), Some("3".into()))
    );
    assert_eq!(
        ids_of(&s, "&limit=3&cursor=3").await,
        (top[3..6].to_vec(), Some("6".into()))
    );
    assert_eq!(
        ids_of(&s, "&limit=3&cursor=6").await,
        (top[6..].to_vec(), None)
    );
    assert_eq!(ids_of(&s, "&limit=200").await, (top.clone(), None));
    assert_eq!(
        ids_of(&s, "&limit=2&cursor=4").await,
        (top[4..6].to_vec(), Some("6".into()))
    );
    let newest: Vec<i64> = top.iter().rev().copied().collect();
    assert_eq!(
        ids_of(&s, "&sort=newest&limit=4").await,
        (newest[0..4].to_vec(), Some("4".into()))
    );
    assert_eq!(
        ids_of(&s, "&sort=newest&limit=4&cursor=4").await,
        (newest[4..].to_vec(), None)
    );

    // Cursors past the end are one page, not one entry each.
    assert_eq!(ids_of(&s, "&cursor=7").await, (vec![], None));
    let (_, entries) = cache_size(&s).await;
    for cursor in 8..200 {
        assert_eq!(
            ids_of(&s, &format!("&cursor={cursor}")).await,
            (vec![], None)
        );
        assert_eq!(
            ids_of(&s, &format!("&limit=150&cursor=0{cursor}")).await,
            (vec![], None)
        );
    }
    assert_eq!(cache_size(&s).await.1, entries);

    // A new comment is on the pages at once.
    let late = s.post_text("/paged", "top-level 7").await["comment"]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        ids_of(&s, "&limit=3&cursor=6").await,
        (vec![top[6], late], None)
    );
    assert_eq!(
        ids_of(&s, "&limit=3").await,
        (top[0..3].to_vec(), Some("3".into()))
    );
}

#[tokio::test]
async fn a_thread_too_large_to_keep_whole_still_has_its_first_page_kept() {
    let s = TestServer::start().await;
    // About 3 MiB of comments: more than the cache keeps of one thread.
    let posts = (0..400).map(|i| {
        let s = &s;
        async move { s.post_text("/huge", &junk(i, 7900)).await }
    });
    futures_util::future::join_all(posts).await;
    let (bytes, entries) = cache_size(&s).await;
    assert_eq!((bytes, entries), (0, 0), "nothing read yet");
    let first = format!("/api/comments?url={}", enc(&page_url("/huge")));
    let res = s.get(&first).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["thread"]["count"], 400);
    let (bytes, entries) = cache_size(&s).await;
    assert!(
        entries >= 1,
        "the first page was not kept ({entries} entries)"
    );
    assert!(
        bytes < MAX_BYTES / 4,
        "the whole thread was kept ({bytes} bytes)"
    );
    // Read again, it is the same answer.
    let again: Value = s.get(&first).await.json().await.unwrap();
    assert_eq!(again, body);
}
