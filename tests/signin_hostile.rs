//! Sign-in attacks, each refused with a clear page and no reader token:
//! forged and replayed `state`, ID tokens crafted wrong by a hostile
//! provider process (another issuer or audience, expired, a replayed nonce,
//! `alg: none`, HMAC under the public key, a key not in the JWKS), return
//! and page URLs off the site's origins, and email links used twice,
//! tampered with, or asked for too often.

mod common;

use common::mail::SmtpSink;
use common::providers::{
    OidcProvider, RogueProvider, SignInNatter, Walker, callback_url, email_natter, oidc_section,
    post_message_targets, reserve_port, token_in,
};
use common::{ORIGIN, TempDir, enc, page_url};
use reqwest::{Response, StatusCode};

/// The site's second origin, for the tests of which origin gets the token.
const WWW: &str = "https://www.blog.example.org";

/// natter offering `testid` (the real provider, signing in as Ann at once)
/// and `rogue` (the hostile one, crafting tokens in `mode`).
async fn natter_with(mode: &str) -> (SignInNatter, OidcProvider, RogueProvider) {
    let port = reserve_port();
    let base = format!("http://127.0.0.1:{port}");
    let real = OidcProvider::start(&[callback_url(&base, "testid")], Some("ann"));
    let rogue = RogueProvider::start(mode);
    let toml = format!(
        "{}{}[[site]]\nid = \"blog\"\norigins = [\"{ORIGIN}\", \"{WWW}\"]\n\
         sign_in = [\"testid\", \"rogue\"]\n",
        oidc_section("testid", "Test ID", real.issuer()),
        oidc_section("rogue", "Rogue ID", rogue.issuer()),
    );
    let n = SignInNatter::start(TempDir::new("hostile"), port, &toml).await;
    (n, real, rogue)
}

/// How many reader tokens natter holds, read from its database.
fn reader_tokens(n: &SignInNatter) -> i64 {
    let db = rusqlite::Connection::open_with_flags(
        n.server.dir.path("natter.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    db.query_row("SELECT count(*) FROM reader_tokens", [], |r| r.get(0))
        .unwrap()
}

/// Asserts a callback's refusal: a 400 page "Sign-in did not work" whose
/// reason names one of `hints`, with no token in it, telling no origin but
/// the site's, and no token in natter's database. Returns the page.
async fn assert_refused(n: &SignInNatter, res: Response, hints: &[&str]) -> String {
    let status = res.status();
    let html = res.text().await.unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("Sign-in did not work"), "{html}");
    let lower = html.to_lowercase();
    assert!(
        hints.iter().any(|h| lower.contains(h)),
        "the page should say why ({hints:?}):\n{html}"
    );
    assert_eq!(token_in(&html), None, "{html}");
    for target in post_message_targets(&html) {
        assert_eq!(target, ORIGIN, "{html}");
    }
    assert_eq!(reader_tokens(n), 0, "a token was issued");
    html
}

/// The rogue's flow up to natter's callback, then the callback's answer.
async fn rogue_callback(n: &SignInNatter) -> Response {
    n.popup(&Walker::new(), "rogue", "/p").await
}

#[tokio::test]
async fn the_hostile_providers_good_token_is_accepted() {
    // The control for every rogue case below: made right, its token works,
    // so each refusal is the crafted fault's doing.
    let (n, _real, rogue) = natter_with("good").await;
    let token = n.sign_in("rogue", "/p").await;
    assert_eq!(n.me(&token).await.status(), StatusCode::OK);
    let seen = rogue.seen().await;
    let asked = &seen["authorize"][0];
    assert_eq!(asked["code_challenge_method"], "S256", "{seen}");
    assert!(
        asked["nonce"].as_str().is_some_and(|s| s.len() >= 16),
        "{seen}"
    );
    assert!(
        asked["state"].as_str().is_some_and(|s| s.len() >= 16),
        "{seen}"
    );
    assert_eq!(seen["token"][0]["pkce_ok"], true, "{seen}");
}

#[tokio::test]
async fn a_forged_state_is_refused() {
    let (n, _real, _rogue) = natter_with("good").await;
    let walker = Walker::new();
    let start = n.start_url("testid", "/p");
    let callback = walker
        .walk_to(&start, &callback_url(&n.base, "testid"))
        .await;
    let mut url = url::Url::parse(&callback).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| match k.as_ref() {
            "state" => (k.into_owned(), format!("{v}x")),
            _ => (k.into_owned(), v.into_owned()),
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let res = walker.get(url.as_str()).await;
    assert_refused(&n, res, &["state", "start", "again"]).await;
    // The real state still works afterwards: the forgery spent nothing.
    let res = walker.get(&callback).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_callback_without_state_is_refused() {
    let (n, _real, _rogue) = natter_with("good").await;
    let res = n.server.get("/auth/callback/testid?code=anything").await;
    assert_refused(&n, res, &["state", "start", "again"]).await;
}

#[tokio::test]
async fn a_replayed_state_is_refused() {
    let (n, _real, _rogue) = natter_with("good").await;
    let walker = Walker::new();
    let start = n.start_url("testid", "/p");
    let callback = walker
        .walk_to(&start, &callback_url(&n.base, "testid"))
        .await;
    let first = walker.get(&callback).await;
    assert_eq!(first.status(), StatusCode::OK);
    let token = token_in(&first.text().await.unwrap()).unwrap();
    let again = walker.get(&callback).await;
    // One token from the first use, none from the second.
    let html = {
        let status = again.status();
        let html = again.text().await.unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
        html
    };
    assert!(html.contains("Sign-in did not work"), "{html}");
    assert_eq!(token_in(&html), None, "{html}");
    assert_eq!(reader_tokens(&n), 1);
    assert_eq!(n.me(&token).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_replayed_nonce_is_refused() {
    let (n, _real, rogue) = natter_with("good").await;
    n.sign_in("rogue", "/p").await;
    let before = reader_tokens(&n);
    // The next token carries the nonce of that first sign-in.
    rogue.set_mode("nonce").await;
    let res = rogue_callback(&n).await;
    let status = res.status();
    let html = res.text().await.unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("Sign-in did not work"), "{html}");
    assert!(
        html.to_lowercase().contains("nonce") || html.contains("replay"),
        "{html}"
    );
    assert_eq!(token_in(&html), None, "{html}");
    assert_eq!(reader_tokens(&n), before);
    let seen = rogue.seen().await;
    assert_eq!(
        seen["issued"],
        serde_json::json!(["good", "nonce"]),
        "{seen}"
    );
}

/// One crafted ID token: refused at the callback with a reason.
async fn refused_in_mode(mode: &str, hints: &[&str]) {
    let (n, _real, rogue) = natter_with(mode).await;
    let res = rogue_callback(&n).await;
    assert_refused(&n, res, hints).await;
    let seen = rogue.seen().await;
    assert_eq!(
        seen["issued"],
        serde_json::json!([mode]),
        "natter never asked for the token: {seen}"
    );
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    refused_in_mode("issuer", &["issuer"]).await;
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    refused_in_mode("audience", &["audience", "client", "not for"]).await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    refused_in_mode("expired", &["expired"]).await;
}

#[tokio::test]
async fn an_unsigned_token_alg_none_is_refused() {
    refused_in_mode("none", &["signature", "signed", "algorithm"]).await;
}

#[tokio::test]
async fn a_token_signed_with_the_public_key_as_hmac_secret_is_refused() {
    refused_in_mode("hmac", &["signature", "signed", "algorithm"]).await;
}

#[tokio::test]
async fn a_token_signed_by_a_key_not_in_the_jwks_is_refused() {
    refused_in_mode("wrongkey", &["signature", "signed", "key"]).await;
}

/// Asserts `/auth/start` refused outright with `status` (or 403 where
/// `forbidden_too`, as for a page of an unknown site): a page saying why,
/// no trip to the provider.
async fn assert_start_refused(n: &SignInNatter, path: &str, hints: &[&str], forbidden_too: bool) {
    let res = Walker::new().get(&n.server.url(path)).await;
    let status = res.status();
    assert!(res.headers().get("location").is_none(), "{path} redirected");
    let html = res.text().await.unwrap();
    let allowed =
        status == StatusCode::BAD_REQUEST || (forbidden_too && status == StatusCode::FORBIDDEN);
    assert!(allowed, "{path}: {status} {html}");
    let lower = html.to_lowercase();
    assert!(
        hints.iter().any(|h| lower.contains(h)),
        "{path} should say why ({hints:?}):\n{html}"
    );
    assert_eq!(token_in(&html), None);
}

#[tokio::test]
async fn a_return_url_off_the_sites_origins_is_refused() {
    let (n, _real, _rogue) = natter_with("good").await;
    let page = enc(&page_url("/p"));
    for ret in [
        "https://evil.example.net/steal",
        "http://blog.example.org/p",
        "https://blog.example.org.evil.example.net/p",
        "javascript:alert(1)",
        "//evil.example.net/p",
    ] {
        let path = format!("/auth/start/testid?url={page}&return={}", enc(ret));
        assert_start_refused(&n, &path, &["return", "origin", "address"], false).await;
    }
    // The site's own pages, on either origin, are fine.
    let path = format!(
        "/auth/start/testid?url={page}&return={}",
        enc(&format!("{WWW}/p"))
    );
    let res = Walker::new().get(&n.server.url(&path)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_page_on_an_unregistered_origin_cannot_start_a_sign_in() {
    let (n, _real, _rogue) = natter_with("good").await;
    for page in [
        "https://evil.example.net/p",
        "http://blog.example.org/p",
        "not a url",
    ] {
        let path = format!("/auth/start/testid?url={}", enc(page));
        assert_start_refused(&n, &path, &["origin", "site", "page", "address"], true).await;
    }
    assert_start_refused(&n, "/auth/start/testid", &["url", "page", "address"], false).await;
    assert_eq!(reader_tokens(&n), 0);
}

#[tokio::test]
async fn the_token_goes_only_to_the_origin_of_the_page_that_asked() {
    let (n, _real, _rogue) = natter_with("good").await;
    let walker = Walker::new();
    let start = format!(
        "{}/auth/start/testid?url={}",
        n.base,
        enc(&format!("{WWW}/p"))
    );
    let callback = walker
        .walk_to(&start, &callback_url(&n.base, "testid"))
        .await;
    let html = walker.get(&callback).await.text().await.unwrap();
    assert!(token_in(&html).is_some(), "{html}");
    assert_eq!(post_message_targets(&html), vec![WWW.to_string()], "{html}");
    assert!(!html.contains("\"*\"") && !html.contains("'*'"), "{html}");
}

#[tokio::test]
async fn an_email_link_signs_in_once() {
    let sink = SmtpSink::start(0, None);
    let n = email_natter(&sink, "").await;
    let link = n.request_email_link(&sink, "dana@example.org", "/p").await;
    // Opening the page (as a mail scanner does) spends nothing.
    let res = n.server.http.get(&link).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let token = n
        .use_email_link(&link)
        .await
        .expect("the first use signs in");
    assert_eq!(n.me(&token).await.status(), StatusCode::OK);
    let (status, page) = n
        .use_email_link(&link)
        .await
        .expect_err("the second use is refused");
    // 409, as natter's other single-use links answer; 400 would do too.
    assert!(
        [StatusCode::CONFLICT, StatusCode::BAD_REQUEST].contains(&status),
        "{status}: {page}"
    );
    let lower = page.to_lowercase();
    assert!(
        lower.contains("used") || lower.contains("expired"),
        "{page}"
    );
    assert_eq!(reader_tokens(&n), 1);
}

#[tokio::test]
async fn a_tampered_email_link_is_refused() {
    // natter offers no clock to move, so the 15 minutes are tried by a link
    // whose expiry is set back (the signature then fails) and by one
    // character changed; the real expiry after 15 minutes is not waited for.
    let sink = SmtpSink::start(0, None);
    let n = email_natter(&sink, "").await;
    let link = n.request_email_link(&sink, "erin@example.org", "/p").await;
    let (head, secret) = link.rsplit_once('/').unwrap();
    let mut parts: Vec<String> = secret.split('.').map(String::from).collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut aged = false;
    for p in parts.iter_mut() {
        if let Ok(t) = p.parse::<u64>()
            && t > now - 86_400
            && t < now + 86_400
        {
            *p = (t - 16 * 60).to_string();
            aged = true;
        }
    }
    let mut tries = vec![];
    if aged {
        tries.push(format!("{head}/{}", parts.join(".")));
    }
    let mut flipped: Vec<char> = secret.chars().collect();
    let mid = flipped.len() / 2;
    flipped[mid] = if flipped[mid] == 'A' { 'B' } else { 'A' };
    tries.push(format!(
        "{head}/{}",
        flipped.into_iter().collect::<String>()
    ));
    for bad in tries {
        let (status, page) = n
            .use_email_link(&bad)
            .await
            .expect_err("a tampered link is refused");
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {page}");
        assert!(page.to_lowercase().contains("link"), "{page}");
    }
    assert_eq!(reader_tokens(&n), 0);
    // The real link still works.
    n.use_email_link(&link)
        .await
        .expect("the untouched link signs in");
}

#[tokio::test]
async fn email_links_are_rate_limited_per_address() {
    let sink = SmtpSink::start(0, None);
    let n = email_natter(&sink, "").await;
    let address = "fay@example.org";
    let mut refusal = None;
    // Each request comes from another client: the limit is the address's.
    for i in 0..12 {
        let (status, html) = n.ask_for_email_link(address, "/p").await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refusal = Some((i, html));
            break;
        }
        assert_eq!(status, StatusCode::OK, "{html}");
    }
    let (allowed, html) = refusal.expect("12 links for one address in a row are too many");
    assert!(allowed >= 1, "the first link must be sent");
    let lower = html.to_lowercase();
    assert!(
        lower.contains("minute") || lower.contains("later") || lower.contains("wait"),
        "{html}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        sink.mails_to(address).len(),
        allowed,
        "one mail per link allowed"
    );
    // Another address is not held back by fay's.
    n.request_email_link(&sink, "gus@example.org", "/p").await;
}

#[tokio::test]
async fn email_links_are_rate_limited_per_client() {
    let sink = SmtpSink::start(0, None);
    let n = email_natter(&sink, "").await;
    let client = common::fresh_ip();
    let mut refused_after = None;
    // One client, a new address each time: the client's own limit.
    for i in 0..12 {
        let email = format!("reader{i}@example.org");
        let (status, html) = n.ask_for_email_link_from(&client, &email, "/p").await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            let lower = html.to_lowercase();
            assert!(
                lower.contains("minute") || lower.contains("later") || lower.contains("wait"),
                "{html}"
            );
            refused_after = Some(i);
            break;
        }
        assert_eq!(status, StatusCode::OK, "request {}: {html}", i + 1);
    }
    let allowed = refused_after.expect("12 links asked by one client in a row are too many");
    assert!(allowed >= 1, "the first link must be sent");
    // Another client is not held back by this one's.
    n.request_email_link(&sink, "someone@example.org", "/p")
        .await;
}
