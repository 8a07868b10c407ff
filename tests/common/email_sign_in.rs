//! Signing a reader in as a person does with an email link: the popup's
//! form, the emailed link, its page's button, and the token in the address
//! natter sends the reader back to.

use super::TestServer;
use super::mail::{SmtpSink, wait_until};
use natter::domain::{Provider, ProviderSpec};

/// The email provider tests offer, with id `email`.
pub fn email_provider() -> Provider {
    Provider::new(ProviderSpec {
        id: "email".into(),
        kind: "email".into(),
        name: "Email".into(),
        ..ProviderSpec::default()
    })
    .unwrap()
}

/// Signs `email` in from the page `page`; returns the reader token.
pub async fn sign_in(s: &TestServer, sink: &SmtpSink, page: &str, email: &str) -> String {
    let form = s
        .get(&format!("/auth/start/email?url={}", super::enc(page)))
        .await
        .text()
        .await
        .unwrap();
    let state = form
        .split("name=\"state\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no state in the form:\n{form}"))
        .to_string();
    let before = sink.mails_to(email).len();
    let res = s
        .http
        .post(s.url("/auth/email"))
        .header("x-forwarded-for", super::fresh_ip())
        .form(&[("state", state.as_str()), ("email", email)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    wait_until(|| sink.mails_to(email).len() > before, "the sign-in email").await;
    let mail = sink.mails_to(email).pop().unwrap();
    let link = mail["text"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .find(|w| w.contains("/auth/link?t="))
        .expect("a sign-in link")
        .to_string();
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = no_redirects
        .post(&link)
        .header("x-forwarded-for", super::fresh_ip())
        .form(&[("do", "signin")])
        .send()
        .await
        .unwrap();
    let to = res.headers()["location"].to_str().unwrap().to_string();
    to.split("#natter-token=")
        .nth(1)
        .unwrap_or_else(|| panic!("no token in {to}"))
        .to_string()
}
