//! Sign-in over HTTP with a real OpenID provider process (npm
//! `oidc-provider`), the same provider as a plain OAuth2 server, and email
//! links through the real SMTP sink: a reader signs in, comments with the
//! verified mark, edits after the guest window, and signs out.

mod common;

use common::mail::SmtpSink;
use common::providers::{
    OidcProvider, SignInNatter, Walker, callback_url, email_natter, oidc_section,
    post_message_targets, reserve_port, site_section, token_in,
};
use common::{ORIGIN, TempDir, assert_error, enc, page_url};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// natter with the real provider as `testid` ("Test ID"), signing every
/// reader in as `account` at once.
async fn natter_with_testid(
    account: Option<&str>,
    site_extra: &str,
) -> (SignInNatter, OidcProvider) {
    let port = reserve_port();
    let base = format!("http://127.0.0.1:{port}");
    let provider = OidcProvider::start(&[callback_url(&base, "testid")], account);
    let toml = format!(
        "{}{}",
        oidc_section("testid", "Test ID", provider.issuer()),
        site_section(&["testid"], site_extra)
    );
    let natter = SignInNatter::start(TempDir::new("signin"), port, &toml).await;
    (natter, provider)
}

async fn json_of(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or_else(|_| json!({ "text": text }));
    (status, value)
}

async fn me_ok(n: &SignInNatter, token: &str) -> Value {
    let (status, me) = json_of(n.me(token).await).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    me
}

async fn assert_signed_out(n: &SignInNatter, token: &str) {
    let (status, body) = json_of(n.me(token).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "signed_out", "{body}");
}

async fn sign_out(n: &SignInNatter, path: &str, token: &str) {
    let req = n.server.http.post(n.server.url(path)).bearer_auth(token);
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT, "{path}");
}

#[tokio::test]
async fn the_popup_flow_hands_the_site_origin_a_token_that_api_me_knows() {
    let (n, provider) = natter_with_testid(Some("ann"), "").await;
    let config = n
        .server
        .get(&format!("/api/config?url={}", enc(&page_url("/p"))))
        .await;
    let (_, config) = json_of(config).await;
    assert_eq!(
        config["sign_in"],
        json!([{"id": "testid", "name": "Test ID", "kind": "oidc"}]),
        "{config}"
    );
    assert_eq!(config["guests"], true);

    let walker = Walker::new();
    let res = n.popup(&walker, "testid", "/p").await;
    let status = res.status();
    let html = res.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{html}\n{}", provider.0.log());
    assert!(html.contains("natter:signin"), "{html}");
    assert_eq!(
        post_message_targets(&html),
        vec![ORIGIN.to_string()],
        "{html}"
    );
    let token = token_in(&html).expect("a token in the page");
    assert!(token.len() >= 20, "{token}");

    let me = me_ok(&n, &token).await;
    assert_eq!(me["name"], "Ann Example", "{me}");
    assert_eq!(me["provider"], "testid", "{me}");
    assert_eq!(me["provider_name"], "Test ID", "{me}");
    assert_eq!(me["email"], "ann@example.org", "{me}");
    assert_eq!(me["email_verified"], true, "{me}");
    assert_eq!(me["moderator"], false, "{me}");
    assert!(me["key"].as_str().is_some_and(|k| !k.is_empty()), "{me}");
    // The provider's subject and issuer stay natter's own business.
    assert!(!me.to_string().contains(provider.issuer()), "{me}");
}

#[tokio::test]
async fn a_signed_in_comment_carries_the_verified_mark_and_the_identity() {
    let (n, _provider) = natter_with_testid(Some("ann"), "").await;
    let token = n.sign_in("testid", "/post").await;
    let me = me_ok(&n, &token).await;
    // What the body says of the author is not believed: the identity is.
    let body = json!({"text": "Signed in and commenting", "name": "Someone Else", "email": "else@example.org"});
    let (status, posted) = json_of(n.post_signed_in(&token, "/post", body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{posted}");

    let thread = n.server.thread("/post").await;
    let c = &thread["comments"][0];
    assert_eq!(c["id"], posted["comment"]["id"]);
    assert_eq!(c["author"]["name"], "Ann Example", "{c}");
    assert_eq!(c["verified"], true, "{c}");
    assert_eq!(c["provider"], "Test ID", "{c}");
    assert_eq!(c["by"], me["key"], "{c}");
    let text = thread.to_string();
    assert!(!text.contains("ann@example.org"), "email leaked: {text}");
    assert!(!text.contains("else@example.org"), "{text}");

    // A guest's comment has none of it.
    let guest = n
        .server
        .post_ok("/post", json!({"text": "A guest here", "name": "Gus"}))
        .await;
    let thread = n.server.thread("/post").await;
    let g = thread["comments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == guest["comment"]["id"])
        .unwrap();
    assert!(g.get("verified").is_none_or(|v| v == false), "{g}");
    assert!(g.get("by").is_none_or(Value::is_null), "{g}");
}

#[tokio::test]
async fn an_own_comment_is_edited_after_the_guest_window_with_the_reader_token() {
    let (n, _provider) = natter_with_testid(Some("ann"), "edit_window = \"1s\"\n").await;
    let token = n.sign_in("testid", "/edit").await;
    let body = json!({"text": "First words"});
    let (status, posted) = json_of(n.post_signed_in(&token, "/edit", body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{posted}");
    let path = n
        .server
        .url(&format!("/api/comments/{}", posted["comment"]["id"]));
    tokio::time::sleep(Duration::from_secs(2)).await;

    // The guest's way, the edit token, is past its window...
    if let Some(edit_token) = posted["edit_token"].as_str() {
        let res = n.server.http.patch(&path).bearer_auth(edit_token);
        let res = res
            .json(&json!({"text": "Edited by the edit token"}))
            .send()
            .await;
        assert_error(
            res.unwrap(),
            StatusCode::FORBIDDEN,
            "edit_window_closed",
            None,
        )
        .await;
    }
    // ...the signed-in reader's is not (own_edits defaults to always).
    let res = n.server.http.patch(&path).bearer_auth(&token);
    let res = res
        .json(&json!({"text": "Second thoughts"}))
        .send()
        .await
        .unwrap();
    let (status, edited) = json_of(res).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    let thread = n.server.thread("/edit").await;
    assert!(
        thread["comments"][0]["html"]
            .as_str()
            .unwrap()
            .contains("Second thoughts"),
        "{thread}"
    );
    let res = n
        .server
        .http
        .delete(&path)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
}

#[tokio::test]
async fn another_reader_cannot_edit_my_comment() {
    // No AUTO_LOGIN: each reader types a username on the provider's page.
    let (n, provider) = natter_with_testid(None, "").await;
    let ann = sign_in_by_form(&n, provider.issuer(), "ann").await;
    let bob = sign_in_by_form(&n, provider.issuer(), "bob").await;
    assert_ne!(me_ok(&n, &ann).await["key"], me_ok(&n, &bob).await["key"]);
    let body = json!({"text": "Ann's own words"});
    let (_, posted) = json_of(n.post_signed_in(&ann, "/mine", body).await).await;
    let path = n
        .server
        .url(&format!("/api/comments/{}", posted["comment"]["id"]));
    let res = n.server.http.patch(&path).bearer_auth(&bob);
    let res = res
        .json(&json!({"text": "Bob was here"}))
        .send()
        .await
        .unwrap();
    assert!(
        res.status() == StatusCode::FORBIDDEN || res.status() == StatusCode::UNAUTHORIZED,
        "{}",
        res.status()
    );
    let res = n
        .server
        .http
        .delete(&path)
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert!(
        res.status() == StatusCode::FORBIDDEN || res.status() == StatusCode::UNAUTHORIZED,
        "{}",
        res.status()
    );
    let thread = n.server.thread("/mine").await;
    assert!(
        thread["comments"][0]["html"]
            .as_str()
            .unwrap()
            .contains("Ann"),
        "{thread}"
    );
}

/// The popup flow with the provider's login page: the username typed into
/// its form, as a person would.
async fn sign_in_by_form(n: &SignInNatter, issuer: &str, username: &str) -> String {
    let walker = Walker::new();
    let login = walker
        .walk_to(
            &n.start_url("testid", "/mine"),
            &format!("{issuer}/interaction/"),
        )
        .await;
    let page = walker.get(&login).await.text().await.unwrap();
    assert!(
        page.contains("Username") && page.contains("Sign in"),
        "{page}"
    );
    let res = walker
        .post_form(&format!("{login}/login"), &[("username", username)])
        .await;
    let next = res.headers()["location"].to_str().unwrap().to_string();
    let next = url::Url::parse(&login)
        .unwrap()
        .join(&next)
        .unwrap()
        .to_string();
    let callback = walker
        .walk_to(&next, &callback_url(&n.base, "testid"))
        .await;
    let html = walker.get(&callback).await.text().await.unwrap();
    token_in(&html).unwrap_or_else(|| panic!("no token for {username}:\n{html}"))
}

#[tokio::test]
async fn signing_out_ends_that_token_only() {
    let (n, _provider) = natter_with_testid(Some("ann"), "").await;
    let first = n.sign_in("testid", "/p").await;
    let second = n.sign_in("testid", "/p").await;
    assert_ne!(first, second);
    assert_eq!(
        me_ok(&n, &first).await["key"],
        me_ok(&n, &second).await["key"]
    );
    sign_out(&n, "/auth/signout", &first).await;
    assert_signed_out(&n, &first).await;
    me_ok(&n, &second).await;
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_token_of_the_identity() {
    let (n, _provider) = natter_with_testid(Some("ann"), "").await;
    let first = n.sign_in("testid", "/p").await;
    let second = n.sign_in("testid", "/p").await;
    sign_out(&n, "/auth/signout-all", &first).await;
    assert_signed_out(&n, &first).await;
    assert_signed_out(&n, &second).await;
    // A token that was never issued is signed out too, not an error page.
    assert_signed_out(&n, "not-a-token-natter-ever-gave").await;
}

#[tokio::test]
async fn the_generic_oauth2_kind_reads_the_user_info_fields_it_is_told() {
    let port = reserve_port();
    let base = format!("http://127.0.0.1:{port}");
    let provider = OidcProvider::start(&[callback_url(&base, "plain")], Some("ann"));
    let i = provider.issuer();
    // No `openid` scope: no ID token, only the user-info answer, whose
    // fields have GitHub's names (`id`, `login`, `html_url`).
    let toml = format!(
        "[[provider]]\nid = \"plain\"\nkind = \"oauth2\"\nname = \"Plain OAuth\"\n\
         client_id = \"natter\"\nclient_secret = \"s3cret\"\nscopes = [\"email\", \"profile\"]\n\
         authorize_url = \"{i}/authorize\"\ntoken_url = \"{i}/token\"\nuserinfo_url = \"{i}/me\"\n\
         [provider.fields]\nsubject = \"id\"\nname = \"login\"\nemail = \"email\"\n\
         email_verified = \"email_verified\"\nprofile = \"html_url\"\n\n{}",
        site_section(&["plain"], "")
    );
    let n = SignInNatter::start(TempDir::new("signin-oauth2"), port, &toml).await;
    let token = n.sign_in("plain", "/p").await;
    let me = me_ok(&n, &token).await;
    assert_eq!(me["name"], "ann", "the `login` field: {me}");
    assert_eq!(me["provider"], "plain", "{me}");
    assert_eq!(me["provider_name"], "Plain OAuth", "{me}");
    assert_eq!(me["email"], "ann@example.org", "{me}");
    assert_eq!(me["email_verified"], true, "{me}");
    let (status, _) = json_of(
        n.post_signed_in(&token, "/p", json!({"text": "Via OAuth2"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let c = &n.server.thread("/p").await["comments"][0];
    assert_eq!(
        (c["verified"].clone(), c["provider"].clone()),
        (json!(true), json!("Plain OAuth")),
        "{c}"
    );
}

#[tokio::test]
async fn same_tab_mode_returns_to_the_page_with_the_token_in_the_fragment() {
    let (n, _provider) = natter_with_testid(Some("ann"), "").await;
    let page = page_url("/same-tab?x=1");
    let walker = Walker::new();
    let start = format!(
        "{}&return={}",
        n.start_url("testid", "/same-tab?x=1"),
        enc(&page)
    );
    let callback = walker
        .walk_to(&start, &callback_url(&n.base, "testid"))
        .await;
    let res = walker.get(&callback).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let (back, token) = location
        .split_once("#natter-token=")
        .unwrap_or_else(|| panic!("no token fragment in {location}"));
    assert_eq!(back, page);
    me_ok(&n, token).await;
}

#[tokio::test]
async fn a_site_without_guests_asks_for_sign_in_and_keeps_verified_names() {
    let (n, _provider) = natter_with_testid(Some("ann"), "guests = false\n").await;
    let res = n
        .server
        .post_as(
            &common::fresh_ip(),
            "/closed",
            json!({"text": "as a guest", "name": "Gus"}),
        )
        .await;
    assert_error(res, StatusCode::UNAUTHORIZED, "sign_in_required", None).await;
    let token = n.sign_in("testid", "/closed").await;
    let (status, body) = json_of(
        n.post_signed_in(&token, "/closed", json!({"text": "signed in"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn a_guest_cannot_take_a_verified_readers_name() {
    let (n, _provider) = natter_with_testid(Some("ann"), "").await;
    let token = n.sign_in("testid", "/names").await;
    let (status, _) = json_of(
        n.post_signed_in(&token, "/names", json!({"text": "I am Ann"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let res = n
        .server
        .post_as(
            &common::fresh_ip(),
            "/names",
            json!({"text": "me too", "name": "  ann EXAMPLE "}),
        )
        .await;
    let body = assert_error(
        res,
        StatusCode::BAD_REQUEST,
        "validation_failed",
        Some("name"),
    )
    .await;
    let message = body["message"].as_str().unwrap().to_lowercase();
    assert!(
        message.contains("belongs to") && message.contains("sign"),
        "{body}"
    );
}

#[tokio::test]
async fn an_email_link_signs_in_once_with_a_post() {
    let sink = SmtpSink::start(0, None);
    let n = email_natter(&sink, "").await;
    let link = n
        .request_email_link(&sink, "carol@example.org", "/mail")
        .await;
    let token = n.use_email_link(&link).await.expect("the link signs in");
    let me = me_ok(&n, &token).await;
    assert_eq!(me["email"], "carol@example.org", "{me}");
    assert_eq!(me["email_verified"], true, "{me}");
    assert_eq!(me["provider"], "email", "{me}");
}
