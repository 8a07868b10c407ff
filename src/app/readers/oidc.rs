//! OpenID Connect through the `openidconnect` crate: discovery from the
//! issuer, the authorization URL with PKCE, state and nonce, and the code
//! exchange whose ID token is checked for issuer, audience, expiry, nonce
//! and a signature by one of the provider's keys, in an asymmetric
//! algorithm only ([`ALLOWED`]: never `none`, never an HMAC that a public
//! key could be made into).

use super::outbound::{Outbound, client_fn};
use super::providers::Providers;
use super::{Profile, failed};
use crate::domain::Provider;
use crate::error::Error;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm as Alg, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse,
};
use std::sync::Arc;

/// The signature algorithms an ID token may use.
const ALLOWED: [Alg; 9] = [
    Alg::RsaSsaPkcs1V15Sha256,
    Alg::RsaSsaPkcs1V15Sha384,
    Alg::RsaSsaPkcs1V15Sha512,
    Alg::RsaSsaPssSha256,
    Alg::RsaSsaPssSha384,
    Alg::RsaSsaPssSha512,
    Alg::EcdsaP256Sha256,
    Alg::EcdsaP384Sha384,
    Alg::EdDsa,
];

/// The provider's discovery document and keys, read once per
/// `DISCOVERY_TTL` (or again when `fresh`).
async fn metadata(
    out: &Outbound,
    reg: &Providers,
    p: &Provider,
    fresh: bool,
) -> Result<Arc<CoreProviderMetadata>, Error> {
    let issuer = p.issuer.as_deref().unwrap_or_default();
    if !fresh && let Some(m) = reg.discovered(issuer) {
        return Ok(m);
    }
    let url = IssuerUrl::new(issuer.to_string()).map_err(|e| {
        failed(format!(
            "the issuer address of {} is not valid ({e})",
            p.name
        ))
    })?;
    let http = client_fn(out);
    let meta = CoreProviderMetadata::discover_async(url, &http)
        .await
        .map_err(|e| {
            failed(format!(
                "{} could not be reached to start signing in ({})",
                p.name,
                chain(&e)
            ))
        })?;
    let meta = Arc::new(meta);
    reg.remember(issuer, meta.clone());
    Ok(meta)
}

/// An error with its causes, which the crates keep apart.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut at = e.source();
    while let Some(cause) = at {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        at = cause.source();
    }
    text
}

/// The provider's client, from its discovery, with natter's redirect URL.
async fn client(
    out: &Outbound,
    reg: &Providers,
    p: &Provider,
    callback: &str,
) -> Result<Client, Error> {
    let meta = metadata(out, reg, p, false).await?;
    Ok(CoreClient::from_provider_metadata(
        (*meta).clone(),
        ClientId::new(p.client_id.clone()),
        Some(ClientSecret::new(p.client_secret.clone())),
    )
    .set_redirect_uri(redirect(callback)?))
}

/// What discovery makes: the authorization endpoint known, the token and
/// user-info endpoints if the provider named them.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

fn redirect(url: &str) -> Result<RedirectUrl, Error> {
    RedirectUrl::new(url.to_string()).map_err(|e| Error::Internal(format!("redirect url: {e}")))
}

/// Where the reader's browser goes to sign in.
pub(super) async fn authorize_url(
    out: &Outbound,
    reg: &Providers,
    p: &Provider,
    callback: &str,
    state: &str,
    nonce: &str,
    verifier: &str,
) -> Result<String, Error> {
    let client = client(out, reg, p, callback).await?;
    let (state, nonce) = (state.to_string(), nonce.to_string());
    let challenge =
        PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.into()));
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || CsrfToken::new(state),
            move || Nonce::new(nonce),
        )
        .set_pkce_challenge(challenge);
    for s in p.scopes.iter().filter(|s| s.as_str() != "openid") {
        request = request.add_scope(Scope::new(s.clone()));
    }
    Ok(request.url().0.to_string())
}

/// Exchanges the code and checks the ID token; the reader's name and
/// email come from the token, else from the user-info endpoint.
pub(super) async fn finish(
    out: &Outbound,
    reg: &Providers,
    p: &Provider,
    callback: &str,
    code: &str,
    verifier: &str,
    nonce: &str,
) -> Result<Profile, Error> {
    let client = client(out, reg, p, callback).await?;
    let http = client_fn(out);
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .map_err(|e| failed(format!("{} has no token endpoint ({e})", p.name)))?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_string()))
        .request_async(&http)
        .await
        .map_err(|e| failed(format!("{} refused the sign-in ({})", p.name, chain(&e))))?;
    let id_token = token
        .id_token()
        .ok_or_else(|| failed(format!("{} sent no ID token", p.name)))?;
    let check = client.id_token_verifier().set_allowed_algs(ALLOWED);
    let claims = match id_token.claims(&check, &Nonce::new(nonce.to_string())) {
        Ok(c) => c.clone(),
        Err(e) => {
            // A key natter has not seen may be new: read the keys once more.
            reg.forget(p.issuer.as_deref().unwrap_or_default());
            return Err(failed(format!(
                "the answer from {} could not be trusted ({})",
                p.name,
                chain(&e)
            )));
        }
    };
    let mut profile = Profile {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string())
            .or_else(|| claims.preferred_username().map(|u| u.to_string())),
        email: claims.email().map(|e| e.to_string()),
        email_verified: claims.email_verified().unwrap_or(false),
        profile_url: claims
            .profile()
            .and_then(|u| u.get(None))
            .map(|u| u.to_string()),
    };
    if (profile.name.is_none() || profile.email.is_none())
        && let Ok(request) =
            client.user_info(token.access_token().clone(), Some(claims.subject().clone()))
    {
        let info: Result<openidconnect::core::CoreUserInfoClaims, _> =
            request.request_async(&http).await;
        if let Ok(info) = info {
            merge(&mut profile, &info);
        }
    }
    Ok(profile)
}

/// Fills what the ID token left out from the user-info answer.
fn merge(profile: &mut Profile, info: &openidconnect::core::CoreUserInfoClaims) {
    if profile.name.is_none() {
        profile.name = info
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string())
            .or_else(|| info.preferred_username().map(|u| u.to_string()));
    }
    if profile.email.is_none() {
        profile.email = info.email().map(|e| e.to_string());
        profile.email_verified = info.email_verified().unwrap_or(false);
    }
    if profile.profile_url.is_none() {
        profile.profile_url = info
            .profile()
            .and_then(|u| u.get(None))
            .map(|u| u.to_string());
    }
}
