//! Generic OAuth2 sign-in through the `oauth2` crate: authorization code
//! with PKCE and state, the code exchanged at the token URL (the client
//! secret in the body, which GitHub, WordPress.com and Facebook all take),
//! then the user-info URL read with the access token and its fields
//! mapped by the provider's [`FieldMap`].

use super::outbound::{Outbound, client_fn};
use super::{Profile, failed};
use crate::domain::{FieldMap, Provider};
use crate::error::Error;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use serde_json::Value;

fn url_of(p: &Provider, which: &Option<String>) -> Result<String, Error> {
    which
        .clone()
        .ok_or_else(|| Error::Internal(format!("provider {} lacks an address", p.id)))
}

/// The client for a provider, and its redirect URL set.
macro_rules! client_for {
    ($p:expr, $callback:expr) => {{
        let bad = |e: oauth2::url::ParseError| Error::Internal(format!("provider address: {e}"));
        BasicClient::new(ClientId::new($p.client_id.clone()))
            .set_client_secret(ClientSecret::new($p.client_secret.clone()))
            .set_auth_uri(AuthUrl::new(url_of($p, &$p.authorize_url)?).map_err(bad)?)
            .set_token_uri(TokenUrl::new(url_of($p, &$p.token_url)?).map_err(bad)?)
            .set_redirect_uri(RedirectUrl::new($callback.to_string()).map_err(bad)?)
            .set_auth_type(AuthType::RequestBody)
    }};
}

/// Where the reader's browser goes to sign in.
pub(super) fn authorize_url(
    p: &Provider,
    callback: &str,
    state: &str,
    verifier: &str,
) -> Result<String, Error> {
    let client = client_for!(p, callback);
    let state = state.to_string();
    let challenge =
        PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.into()));
    let mut request = client
        .authorize_url(move || CsrfToken::new(state))
        .set_pkce_challenge(challenge);
    for s in &p.scopes {
        request = request.add_scope(Scope::new(s.clone()));
    }
    Ok(request.url().0.to_string())
}

/// Exchanges the code, then reads who signed in from the user-info URL.
pub(super) async fn finish(
    out: &Outbound,
    p: &Provider,
    callback: &str,
    code: &str,
    verifier: &str,
) -> Result<Profile, Error> {
    let client = client_for!(p, callback);
    let http = client_fn(out);
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_string()))
        .request_async(&http)
        .await
        .map_err(|e| failed(format!("{} refused the sign-in ({e})", p.name)))?;
    let info_url = url_of(p, &p.userinfo_url)?;
    let request = oauth2::http::Request::get(&info_url)
        .header("Accept", "application/json")
        .header(
            "Authorization",
            format!("Bearer {}", token.access_token().secret()),
        )
        .body(Vec::new())
        .map_err(|e| Error::Internal(format!("user-info request: {e}")))?;
    let answer = out
        .send(request)
        .await
        .map_err(|e| failed(format!("{} did not say who you are ({e})", p.name)))?;
    if !answer.status().is_success() {
        return Err(failed(format!(
            "{} did not say who you are (it answered {})",
            p.name,
            answer.status()
        )));
    }
    let info: Value = serde_json::from_slice(answer.body()).map_err(|_| {
        failed(format!(
            "{} said who you are in a form natter cannot read",
            p.name
        ))
    })?;
    profile(p, &info)
}

/// A field of the user info by its dotted path, as text.
fn field(info: &Value, path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let mut at = info;
    for part in path.split('.') {
        at = at.get(part)?;
    }
    match at {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Maps the user info through the provider's fields.
fn profile(p: &Provider, info: &Value) -> Result<Profile, Error> {
    let f: &FieldMap = &p.fields;
    let subject = field(info, &f.subject).ok_or_else(|| {
        failed(format!(
            "{} did not give the field {:?} that names you; its settings in natter may be wrong",
            p.name, f.subject
        ))
    })?;
    let issuer = url::Url::parse(&url_of(p, &p.authorize_url)?)
        .map(|u| u.origin().ascii_serialization())
        .map_err(|e| Error::Internal(format!("authorize url: {e}")))?;
    Ok(Profile {
        issuer,
        subject,
        name: field(info, &f.name),
        email: field(info, &f.email),
        email_verified: field(info, &f.email_verified).is_some_and(|v| v == "true"),
        profile_url: field(info, &f.profile)
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ProviderSpec;

    #[test]
    fn user_info_fields_are_mapped_by_their_paths() {
        let p = Provider::new(ProviderSpec {
            id: "github".into(),
            kind: "oauth2".into(),
            name: "GitHub".into(),
            client_id: Some("a".into()),
            client_secret: Some("b".into()),
            authorize_url: Some("https://github.com/login/oauth/authorize".into()),
            token_url: Some("https://github.com/login/oauth/access_token".into()),
            userinfo_url: Some("https://api.github.com/user".into()),
            fields: Some(FieldMap {
                subject: "id".into(),
                name: "login".into(),
                email: "email".into(),
                email_verified: "".into(),
                profile: "html_url".into(),
            }),
            ..ProviderSpec::default()
        })
        .unwrap();
        let info = serde_json::json!({"id": 42, "login": "ann", "email": null, "html_url": "https://github.com/ann"});
        let got = profile(&p, &info).unwrap();
        assert_eq!(
            (got.subject.as_str(), got.issuer.as_str()),
            ("42", "https://github.com")
        );
        assert_eq!(got.name.as_deref(), Some("ann"));
        assert_eq!(got.email, None);
        assert!(!got.email_verified);
        assert!(profile(&p, &serde_json::json!({"login": "x"})).is_err());
    }
}
