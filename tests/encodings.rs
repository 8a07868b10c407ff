//! Brotli beside gzip (DESIGN §12): a browser's `gzip, br` gets brotli, a
//! client that takes only gzip gets gzip, one that refuses both gets the
//! plain bytes; every encoding holds the same answer, under one ETag, and
//! says `Vary: Accept-Encoding`.

mod common;

use common::{TestServer, enc, page_url};
use reqwest::StatusCode;
use std::io::Read;

/// The body of GET `url` sent with `accept` (none when `None`), its
/// `Content-Encoding`, decoded; and the response's ETag.
async fn fetch(
    s: &TestServer,
    url: &str,
    accept: Option<&str>,
) -> (Option<String>, Vec<u8>, String) {
    let mut req = s.http.get(url);
    if let Some(a) = accept {
        req = req.header("accept-encoding", a);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{url} with {accept:?}");
    let vary = res.headers()["vary"].to_str().unwrap().to_ascii_lowercase();
    assert!(vary.contains("accept-encoding"), "{url}: Vary is {vary}");
    let coding = res
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_string());
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let body = res.bytes().await.unwrap();
    let mut plain = Vec::new();
    match coding.as_deref() {
        Some("br") => {
            brotli::Decompressor::new(&body[..], 4096)
                .read_to_end(&mut plain)
                .unwrap();
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(&body[..])
                .read_to_end(&mut plain)
                .unwrap();
        }
        None => plain = body.to_vec(),
        Some(other) => panic!("{url}: unexpected Content-Encoding {other}"),
    }
    (coding, plain, etag)
}

/// Checks each way of asking against `url`: all give the same bytes.
async fn check_encodings(s: &TestServer, url: &str) {
    let (coding, plain, etag) = fetch(s, url, None).await;
    assert_eq!(coding, None, "{url}: no Accept-Encoding, no encoding");
    assert!(!plain.is_empty());
    for (accept, expected) in [
        ("gzip, deflate, br, zstd", Some("br")),
        ("gzip, br", Some("br")),
        ("gzip", Some("gzip")),
        ("br;q=0, gzip", Some("gzip")),
        ("br;q=0.5, gzip;q=1", Some("gzip")),
        ("identity", None),
    ] {
        let (got, body, tag) = fetch(s, url, Some(accept)).await;
        assert_eq!(got.as_deref(), expected, "{url} with {accept}");
        assert_eq!(body, plain, "{url} with {accept}: not the same answer");
        assert_eq!(tag, etag, "{url} with {accept}: another ETag");
    }
}

#[tokio::test]
async fn thread_answers_and_counts_come_in_brotli_for_browsers() {
    let s = TestServer::start().await;
    for i in 0..30 {
        s.post_text(
            "/br",
            &format!("Comment {i}: {}", "plain words ".repeat(20)),
        )
        .await;
    }
    let thread = s.url(&format!("/api/comments?url={}", enc(&page_url("/br"))));
    check_encodings(&s, &thread).await;
    let counts = s.url(&format!("/api/counts?url={}", enc(&page_url("/br"))));
    check_encodings(&s, &counts).await;
    let fragment = s.url(&format!("/api/thread.html?url={}", enc(&page_url("/br"))));
    check_encodings(&s, &fragment).await;

    // Brotli is smaller than gzip for a thread.
    let size = |accept: &'static str| {
        let (s, thread) = (&s, &thread);
        async move {
            let res = s
                .http
                .get(thread)
                .header("accept-encoding", accept)
                .send()
                .await
                .unwrap();
            res.bytes().await.unwrap().len()
        }
    };
    let (br, gz) = (size("gzip, br").await, size("gzip").await);
    assert!(br < gz, "brotli {br} bytes, gzip {gz}");

    // The ETag of a brotli answer still gets a 304.
    let (_, _, etag) = fetch(&s, &thread, Some("gzip, br")).await;
    let res = s
        .http
        .get(&thread)
        .header("accept-encoding", "gzip, br")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn the_widget_files_come_in_brotli_too() {
    let s = TestServer::start().await;
    for file in ["/embed.js", "/embed.css", "/js/write.js"] {
        check_encodings(&s, &s.url(file)).await;
    }
}
