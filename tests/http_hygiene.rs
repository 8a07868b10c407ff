//! Small HTTP rules every answer keeps: no `Retry-After: 0`, a 404 for an
//! address that names no comment, `nosniff` everywhere, and a demo page
//! that runs only natter's own files.

mod common;

use common::{TestServer, assert_error, enc, fresh_ip, page_url};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_comment_id_that_is_not_a_number_is_a_404_with_the_json_error() {
    let s = TestServer::start().await;
    for (method, path) in [
        (Method::PATCH, "/api/comments/abc"),
        (Method::DELETE, "/api/comments/abc"),
        (Method::POST, "/api/comments/abc/vote"),
        (Method::POST, "/api/comments/1.5/vote"),
    ] {
        let res = s
            .http
            .request(method.clone(), s.url(path))
            .header("x-forwarded-for", fresh_ip())
            .json(&json!({"text": "x", "token": "t", "value": 1}))
            .send()
            .await
            .unwrap();
        let body = assert_error(res, StatusCode::NOT_FOUND, "not_found", None).await;
        assert!(
            body["message"].as_str().unwrap().contains("openapi"),
            "{method} {path}: {body}"
        );
    }
    // A method an existing address does not take is still a 405.
    let res = s.http.delete(s.url("/api/comments")).send().await.unwrap();
    assert_error(
        res,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        None,
    )
    .await;
    let res = s.http.post(s.url("/embed.js")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn every_answer_says_nosniff() {
    let s = TestServer::start().await;
    let page = enc(&page_url("/n"));
    s.post_text("/n", "a comment").await;
    let mut answers = Vec::new();
    for path in [
        format!("/api/comments?url={page}"),
        format!("/api/feed?url={page}"),
        "/api/feed?site=blog".to_string(),
        "/api/config".to_string(),
        "/api/openapi.json".to_string(),
        "/healthz".to_string(),
        "/no/such/thing".to_string(),
        "/embed.js".to_string(),
        "/".to_string(),
    ] {
        answers.push((path.clone(), s.get(&path).await));
    }
    let refused = s
        .http
        .post(s.url(&format!("/api/comments?url={page}")))
        .header("content-type", "text/plain")
        .body("hi")
        .send()
        .await
        .unwrap();
    answers.push(("415".into(), refused));
    for (path, res) in answers {
        assert_eq!(
            res.headers()
                .get("x-content-type-options")
                .map(|v| v.to_str().unwrap()),
            Some("nosniff"),
            "{path}: {:?} {:?}",
            res.status(),
            res.headers()
        );
    }
}

#[tokio::test]
async fn the_demo_page_runs_only_natters_own_files() {
    let s = TestServer::start().await;
    let res = s.get("/").await;
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    for rule in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(rule), "{rule} missing from {csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    // Every script the page has is a file the policy lets run.
    let html = res.text().await.unwrap();
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty());
    for tag in scripts {
        let (attrs, rest) = tag.split_once('>').unwrap();
        assert!(attrs.contains("src=\"/"), "inline script: {tag}");
        assert!(rest.starts_with("</script>"), "inline script: {tag}");
    }
    assert_eq!(s.get("/demo/demo.js").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn retry_after_is_at_least_one_second() {
    let s = TestServer::start().await;
    let path = format!("/api/comments?url={}", enc(&page_url("/r")));
    // Reads come 50 a second in bursts of 100: a quick run of reads is
    // limited for a few milliseconds at a time, still a whole second to say.
    let ip = fresh_ip();
    let mut limited = 0;
    for _ in 0..300 {
        let res = s
            .http
            .get(s.url(&path))
            .header("x-forwarded-for", &ip)
            .send()
            .await
            .unwrap();
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
            let retry: u64 = res.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(retry >= 1, "Retry-After: {retry}");
        }
    }
    assert!(limited > 0, "no read was limited");
}
