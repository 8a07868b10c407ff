//! The thread as HTML (DESIGN §16): the fragment at /api/thread.html, and
//! the no-JS page and form at /thread, against a real server.

mod common;

use common::*;
use natter::domain::SiteSettings;
use reqwest::header::HeaderMap;
use reqwest::{Response, StatusCode, redirect};
use serde_json::json;

const HOSTILE_NAME: &str = "Eve\"><script>window.pwned=1</script><b x=\"";
const HOSTILE_SITE: &str = "https://evil.example/\"onmouseover=\"window.pwned=1";
const HOSTILE_TEXT: &str = "<script>window.pwned=1</script> [click](javascript:window.pwned=1) <img src=x onerror=window.pwned=1>";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

/// POSTs the no-JS form as the client at `ip`, with `Origin: origin`.
async fn form_post(
    s: &TestServer,
    ip: &str,
    origin: Option<&str>,
    fields: &[(&str, &str)],
) -> Response {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut req = no_redirects()
        .post(s.url("/thread"))
        .header("x-forwarded-for", ip)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    req.send().await.unwrap()
}

async fn text_of(res: Response) -> String {
    res.text().await.unwrap()
}

/// The fragment's status, headers and HTML.
async fn fragment(s: &TestServer, page: &str) -> (StatusCode, HeaderMap, String) {
    let res = s
        .get(&format!("/api/thread.html?url={}", enc(&page_url(page))))
        .await;
    (res.status(), res.headers().clone(), text_of(res).await)
}

/// A site that holds comments with the word "holdme".
fn holding() -> SiteSettings {
    SiteSettings {
        block_words: vec!["holdme".into()],
        ..SiteSettings::default()
    }
}

/// Asserts that no hostile markup survived as markup.
fn inert(html: &str) {
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("href=\"javascript"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(!html.contains("\"onmouseover"), "{html}");
    assert!(!html.contains("<b x="), "{html}");
}

#[tokio::test]
async fn the_fragment_shows_published_comments_only_with_microdata_and_inert_text() {
    let s = TestServer::with_settings(holding()).await;
    let shown = s
        .post_ok("/a", json!({"text": "Visible words", "name": "Alice"}))
        .await;
    let id = shown["comment"]["id"].as_i64().unwrap();
    s.post_ok(
        "/a",
        json!({"text": "a reply under it", "name": "Bob", "parent": id}),
    )
    .await;
    s.post_ok(
        "/a",
        json!({"text": HOSTILE_TEXT, "name": HOSTILE_NAME, "website": HOSTILE_SITE}),
    )
    .await;
    let held = s
        .post_as(&fresh_ip(), "/a", json!({"text": "holdme secret words"}))
        .await;
    assert_eq!(held.status(), StatusCode::ACCEPTED);
    let spam = s
        .post_as(
            &fresh_ip(),
            "/a",
            json!({"text": "spam words", "homepage": "x"}),
        )
        .await;
    assert_eq!(spam.status(), StatusCode::ACCEPTED);

    let (status, headers, html) = fragment(&s, "/a").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert!(headers.contains_key("etag"));
    assert!(
        html.starts_with(
            "<section class=\"natter-thread\" data-natter-html lang=\"en\" dir=\"ltr\">"
        ),
        "{html}"
    );
    assert!(
        html.contains("<h2 class=\"n-count\">3 comments</h2>"),
        "{html}"
    );
    assert!(
        html.contains("Visible words") && html.contains("a reply under it"),
        "{html}"
    );
    assert!(
        !html.contains("secret words") && !html.contains("spam words"),
        "{html}"
    );
    assert!(
        html.contains(&format!("id=\"natter-comment-{id}\"")),
        "{html}"
    );
    assert!(
        html.contains("itemscope itemtype=\"https://schema.org/Comment\""),
        "{html}"
    );
    assert!(html.contains("itemprop=\"author\">Alice</b>"), "{html}");
    assert!(
        html.contains("itemprop=\"text\"><p>Visible words</p>"),
        "{html}"
    );
    assert!(html.contains("itemprop=\"dateCreated\""), "{html}");
    assert!(
        html.contains("<ol class=\"n-list n-sub\">"),
        "replies nest: {html}"
    );
    assert!(
        html.contains(&format!("src=\"{}/api/avatar/", s.base)),
        "absolute avatars: {html}"
    );
    assert!(!html.contains("<button"), "{html}");
    inert(&html);
    assert!(html.contains("Eve&quot;&gt;&lt;script&gt;"), "{html}");
    assert!(
        html.contains("href=\"https://evil.example/&quot;onmouseover=&quot;window.pwned=1\""),
        "{html}"
    );
}

#[tokio::test]
async fn the_fragment_is_cached_gzipped_and_dropped_by_a_new_comment() {
    let s = TestServer::start().await;
    s.post_text("/c", "first words").await;
    let url = s.url(&format!("/api/thread.html?url={}", enc(&page_url("/c"))));
    let first = s
        .http
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(first.headers()["content-encoding"], "gzip");
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let again = s
        .http
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let json = s
        .get(&format!("/api/comments?url={}", enc(&page_url("/c"))))
        .await;
    assert_ne!(
        json.headers()["etag"].to_str().unwrap(),
        etag,
        "HTML and JSON are kept apart"
    );

    s.post_text("/c", "second words").await;
    let after = s
        .http
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert_ne!(after.headers()["etag"].to_str().unwrap(), etag);
    assert!(text_of(after).await.contains("second words"));
}

#[tokio::test]
async fn the_page_is_kept_for_a_second_gzipped_and_never_outlives_a_new_comment() {
    let s = TestServer::start().await;
    s.post_text("/k", "kept words").await;
    let url = s.url(&format!("/thread?url={}", enc(&page_url("/k"))));
    let gz = s
        .http
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.headers()["cache-control"], "no-store");
    let first = token(&s, "/k").await;
    s.post_text("/k", "newer words").await;
    let html = text_of(s.http.get(&url).send().await.unwrap()).await;
    assert!(
        html.contains("newer words"),
        "a new comment drops the kept page"
    );
    // The form's signed time moves on with the clock, not with the cache.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_ne!(token(&s, "/k").await, first);
}

#[tokio::test]
async fn the_page_reads_the_thread_with_a_strict_policy() {
    let s = TestServer::with_settings(holding()).await;
    let c = s
        .post_ok(
            "/p",
            json!({"text": HOSTILE_TEXT, "name": HOSTILE_NAME, "website": HOSTILE_SITE}),
        )
        .await;
    s.post_as(&fresh_ip(), "/p", json!({"text": "holdme secret words"}))
        .await;
    let res = s
        .get(&format!("/thread?url={}", enc(&page_url("/p"))))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    for part in [
        "default-src 'none'",
        "style-src 'sha256-",
        "img-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    let html = text_of(res).await;
    assert!(
        html.starts_with("<!doctype html>\n<html lang=\"en\" dir=\"ltr\">"),
        "{html}"
    );
    assert!(
        html.contains("<title>Comments: https://blog.example.org/p</title>"),
        "{html}"
    );
    assert!(html.contains("class=\"n-skip\" href=\"#form\""), "{html}");
    assert!(
        html.contains("<h2 class=\"n-count\">1 comment</h2>"),
        "{html}"
    );
    assert!(
        html.contains("aria-current=\"page\">Oldest first</a>"),
        "{html}"
    );
    assert!(html.contains("sort=newest"), "{html}");
    assert!(
        html.contains(&format!("reply={}#form", c["comment"]["id"])),
        "{html}"
    );
    assert!(html.contains("name=\"form_token\" value=\""), "{html}");
    assert!(html.contains("name=\"homepage\""), "{html}");
    assert!(!html.contains("secret words"), "{html}");
    inert(&html);
    let embed = s
        .get(&format!("/thread?url={}&embed=1", enc(&page_url("/p"))))
        .await;
    let csp = embed.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.ends_with(&format!("frame-ancestors {ORIGIN}")), "{csp}");
    assert!(!embed.headers().contains_key("x-frame-options"));
    let html = text_of(embed).await;
    assert!(
        html.contains("<base target=\"_blank\">") && !html.contains("<header class=\"n-top\""),
        "{html}"
    );
}

/// The page's current form token.
async fn token(s: &TestServer, page: &str) -> String {
    let html = text_of(
        s.get(&format!("/thread?url={}", enc(&page_url(page))))
            .await,
    )
    .await;
    let at = html
        .find("name=\"form_token\" value=\"")
        .expect("a form token")
        + 25;
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn a_posted_form_goes_back_to_the_thread_with_its_comment() {
    let s = TestServer::start().await;
    let url = page_url("/f");
    let t = token(&s, "/f").await;
    let res = form_post(
        &s,
        &fresh_ip(),
        Some(&s.base),
        &[
            ("url", &url),
            ("text", "Posted without script"),
            ("name", "Nadia"),
            ("form_token", &t),
            ("homepage", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let thread = s.thread("/f").await;
    let id = thread["comments"][0]["id"].as_i64().unwrap();
    assert_eq!(thread["comments"][0]["author"]["name"], "Nadia");
    assert_eq!(
        to,
        format!(
            "{}/thread?url={}&done=published#natter-comment-{id}",
            s.base,
            enc(&url)
        )
    );
    let page = text_of(s.get(to.trim_start_matches(&s.base)).await).await;
    assert!(
        page.contains("role=\"status\">Thank you! Your comment is published.</p>"),
        "{page}"
    );
    assert!(page.contains("Posted without script"), "{page}");
}

#[tokio::test]
async fn a_refused_form_comes_back_with_its_errors_and_text() {
    let s = TestServer::with_settings(SiteSettings {
        require_name: true,
        ..SiteSettings::default()
    })
    .await;
    let url = page_url("/e");
    let res = form_post(
        &s,
        &fresh_ip(),
        None,
        &[
            ("url", &url),
            ("text", "Keep <this> & \"that\""),
            ("name", ""),
            ("email", "not-an-address"),
            ("website", "https://ok.example/"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    let html = text_of(res).await;
    assert!(html.contains("<textarea id=\"n-text\" name=\"text\" dir=\"auto\" aria-describedby=\"n-text-h\" aria-required=\"true\" rows=\"6\">\nKeep &lt;this&gt; &amp; &quot;that&quot;</textarea>"), "{html}");
    assert!(html.contains("id=\"n-name\" name=\"name\" dir=\"auto\" aria-describedby=\"n-name-e\" aria-required=\"true\" aria-invalid=\"true\""), "{html}");
    assert!(
        html.contains("<p class=\"n-err\" id=\"n-name-e\">Please fill this in.</p>"),
        "{html}"
    );
    assert!(
        html.contains("<p class=\"n-err\" id=\"n-email-e\">Please check the email address."),
        "{html}"
    );
    assert!(
        html.contains("value=\"not-an-address\"") && html.contains("value=\"https://ok.example/\""),
        "{html}"
    );
    assert!(
        html.contains("role=\"alert\"")
            && html.contains("<a href=\"#n-name\" target=\"_self\">Please fill this in.</a>"),
        "{html}"
    );
    assert_eq!(s.thread("/e").await["thread"]["count"], 0);
}

#[tokio::test]
async fn a_form_from_another_origin_is_refused() {
    let s = TestServer::start().await;
    let url = page_url("/o");
    let res = form_post(
        &s,
        &fresh_ip(),
        Some("https://evil.example"),
        &[("url", &url), ("text", "forged")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let html = text_of(res).await;
    assert!(
        html.contains("<title>Your comment was not sent</title>"),
        "{html}"
    );
    assert!(html.contains("sent from another website"), "{html}");
    // The site's own origin is not natter's either.
    let res = form_post(
        &s,
        &fresh_ip(),
        Some(ORIGIN),
        &[("url", &url), ("text", "forged")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(s.thread("/o").await["thread"]["count"], 0);
    let json = s
        .http
        .post(s.url("/thread"))
        .json(&json!({"url": url, "text": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn the_honeypot_and_a_too_fast_form_are_held_and_never_shown() {
    let dir = TempDir::new("nojs");
    let mut cfg = config(&dir);
    cfg.spam_min_seconds = 30;
    let s = TestServer::with(dir, cfg).await;
    let url = page_url("/h");
    let t = token(&s, "/h").await;
    let res = form_post(
        &s,
        &fresh_ip(),
        None,
        &[
            ("url", &url),
            ("text", "too fast words"),
            ("form_token", &t),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.ends_with("&done=held#status"), "{to}");
    let res = form_post(
        &s,
        &fresh_ip(),
        None,
        &[
            ("url", &url),
            ("text", "honey words"),
            ("form_token", &t),
            ("homepage", "https://bot.example"),
        ],
    )
    .await;
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("&done=held#status")
    );
    let page = text_of(s.get(to.trim_start_matches(&s.base)).await).await;
    assert!(
        page.contains("role=\"status\">Thank you! Your comment is waiting for a moderator"),
        "{page}"
    );
    assert!(
        !page.contains("too fast words") && !page.contains("honey words"),
        "{page}"
    );
    let (_, _, html) = fragment(&s, "/h").await;
    assert!(
        !html.contains("too fast words") && !html.contains("honey words"),
        "{html}"
    );
    let missing = form_post(
        &s,
        &fresh_ip(),
        None,
        &[("url", &url), ("text", "no token")],
    )
    .await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    assert!(text_of(missing).await.contains("This form has expired"));
}

#[tokio::test]
async fn too_many_posts_get_a_page_saying_how_long_to_wait() {
    let s = TestServer::start().await;
    let url = page_url("/r");
    let ip = fresh_ip();
    for n in 0..3 {
        let text = format!("comment number {n}");
        let res = form_post(&s, &ip, None, &[("url", &url), ("text", &text)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let res = form_post(&s, &ip, None, &[("url", &url), ("text", "one too many")]).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    let html = text_of(res).await;
    assert!(
        html.contains("You are going too fast. Please wait"),
        "{html}"
    );
    assert!(html.contains("\none too many</textarea>"), "{html}");
}

#[tokio::test]
async fn a_site_for_signed_in_readers_says_so_instead_of_a_form() {
    let s = TestServer::with_settings(SiteSettings {
        guests: false,
        ..SiteSettings::default()
    })
    .await;
    let html = text_of(
        s.get(&format!("/thread?url={}", enc(&page_url("/g"))))
            .await,
    )
    .await;
    assert!(html.contains("This site asks readers to sign in"), "{html}");
    assert!(!html.contains("<form"), "{html}");
    let res = form_post(
        &s,
        &fresh_ip(),
        None,
        &[("url", &page_url("/g")), ("text", "as a guest")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(s.thread("/g").await["thread"]["count"], 0);
}

#[tokio::test]
async fn a_reply_link_shows_the_reply_form_and_the_reply_nests() {
    let s = TestServer::start().await;
    let c = s
        .post_ok("/y", json!({"text": "parent words", "name": "Pia"}))
        .await;
    let id = c["comment"]["id"].as_i64().unwrap();
    let html = text_of(
        s.get(&format!("/thread?url={}&reply={id}", enc(&page_url("/y"))))
            .await,
    )
    .await;
    assert!(
        html.contains("<h2 id=\"n-form-h\">Reply to Pia</h2>"),
        "{html}"
    );
    assert!(
        html.contains(&format!("name=\"parent\" value=\"{id}\"")),
        "{html}"
    );
    let idtext = id.to_string();
    let res = form_post(
        &s,
        &fresh_ip(),
        None,
        &[
            ("url", &page_url("/y")),
            ("parent", &idtext),
            ("text", "child words"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let thread = s.thread("/y").await;
    assert_eq!(
        thread["comments"][0]["replies"][0]["html"],
        "<p>child words</p>\n"
    );
}
