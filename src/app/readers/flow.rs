//! The sign-in flow (DESIGN §15): `/auth/start` keeps a flow under the hash
//! of a random `state` (with the PKCE verifier, the nonce and the page's
//! registered origin) and sends the reader to the provider; the callback
//! takes the flow once, so a state works once, and hands the new token to
//! that origin only.

use super::{App, Profile, failed, oauth2, oidc};
use crate::app::PageQuery;
use crate::domain::{PageRef, ProviderKind, now};
use crate::error::Error;
use crate::keys::{hash_token, random_token};
use crate::store::sign_in_flows::{self, Flow};

/// How long a sign-in may take between its start and the provider's answer.
const FLOW_TTL: i64 = 15 * 60;

/// Where a sign-in goes from its start.
#[derive(Debug)]
pub enum Started {
    /// To the provider's page.
    Redirect(String),
    /// To natter's own form asking for an email address (an email link).
    EmailForm { state: String, language: String },
}

/// A sign-in that went through.
#[derive(Debug)]
pub struct SignedIn {
    pub token: String,
    pub reader: super::MeView,
    /// The page's registered origin: the only one the token goes to.
    pub origin: String,
    /// The page the reader signed in on.
    pub page_url: String,
    /// Same-tab mode: where the reader goes back to.
    pub return_url: Option<String>,
    /// The site's language, for the page that hands the token over.
    pub language: String,
}

/// A sign-in that did not go through, with where to say so, if known.
#[derive(Debug)]
pub struct Failure {
    pub error: Error,
    pub origin: Option<String>,
    pub language: String,
}

impl App {
    /// natter's redirect URL for a provider.
    pub(super) fn callback_url(&self, provider: &str) -> String {
        self.base
            .join(&format!("auth/callback/{provider}"))
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    /// `GET /auth/start/{provider}?url=U[&return=R]`.
    pub async fn sign_in_start(
        &self,
        provider: &str,
        q: &PageQuery,
        return_url: Option<&str>,
    ) -> Result<Started, Error> {
        let page = self.locate(q)?;
        let site = page.site.clone();
        let page_url = q.url.clone().unwrap_or_default();
        let origin = PageRef::parse(&page_url)
            .map_err(|m| Error::validation("url", m))?
            .origin
            .to_string();
        let p = self
            .providers
            .get(provider)
            .filter(|_| site.settings.sign_in.iter().any(|s| s == provider))
            .ok_or_else(|| {
                Error::validation(
                    "provider",
                    format!("This site does not offer sign-in with {provider:?}. Use one of the buttons under the comments."),
                )
            })?;
        if let Some(r) = return_url {
            let back = url::Url::parse(r).map(|u| u.origin().ascii_serialization());
            if !back.is_ok_and(|o| site.allows_origin(&o)) {
                return Err(Error::validation(
                    "return",
                    format!(
                        "The return address {r:?} is not on this site. Sign in from the page itself."
                    ),
                ));
            }
        }
        let (state, nonce, verifier) = (random_token(32), random_token(32), random_token(32));
        let flow = Flow {
            provider: p.id.to_string(),
            site_id: site.id.clone(),
            origin,
            page_url,
            return_url: return_url.map(str::to_string),
            verifier: verifier.clone(),
            nonce: nonce.clone(),
            created: now(),
        };
        let state_hash = hash_token(&state);
        self.db
            .write(move |c| sign_in_flows::insert(c, &state_hash, &flow))
            .await?;
        let callback = self.callback_url(p.id.as_str());
        let out = &self.outbound;
        Ok(match p.kind {
            ProviderKind::Oidc => Started::Redirect(
                oidc::authorize_url(
                    out,
                    &self.providers,
                    &p,
                    &callback,
                    &state,
                    &nonce,
                    &verifier,
                )
                .await?,
            ),
            ProviderKind::OAuth2 => {
                Started::Redirect(oauth2::authorize_url(&p, &callback, &state, &verifier)?)
            }
            ProviderKind::Email => Started::EmailForm {
                state,
                language: site.settings.language.clone(),
            },
        })
    }

    /// Takes the flow of a state, once; a state that is unknown, used or
    /// too old is refused.
    pub(super) async fn take_flow(&self, state: &str) -> Result<Flow, Error> {
        let state_hash = hash_token(state);
        self.db
            .write(move |c| sign_in_flows::take(c, &state_hash, now() - FLOW_TTL))
            .await?
            .ok_or_else(|| {
                failed("this sign-in was already used, is too old, or was not started here".into())
            })
    }

    /// `GET /auth/callback/{provider}?code&state` (or `?error&state` when
    /// the reader said no).
    pub async fn sign_in_callback(
        &self,
        provider: &str,
        code: Option<&str>,
        state: Option<&str>,
        error: Option<&str>,
    ) -> Result<SignedIn, Failure> {
        let unknown = |error| Failure {
            error,
            origin: None,
            language: "en".into(),
        };
        let state =
            state.ok_or_else(|| unknown(failed("the provider's answer has no state".into())))?;
        let flow = self.take_flow(state).await.map_err(unknown)?;
        let site = self.site(&flow.site_id).map_err(unknown)?;
        let fail = |error| Failure {
            error,
            origin: Some(flow.origin.clone()),
            language: site.settings.language.clone(),
        };
        if flow.provider != provider {
            return Err(fail(failed(
                "the answer came back for another provider".into(),
            )));
        }
        if let Some(e) = error {
            let e: String = e.chars().filter(char::is_ascii_graphic).take(60).collect();
            return Err(fail(failed(format!("the provider said no ({e})"))));
        }
        let code = code.ok_or_else(|| fail(failed("the provider's answer has no code".into())))?;
        let p = self
            .providers
            .get(provider)
            .ok_or_else(|| fail(failed("this provider is no longer offered".into())))?;
        let callback = self.callback_url(provider);
        let profile: Profile = match p.kind {
            ProviderKind::Oidc => {
                let reg = &self.providers;
                oidc::finish(
                    &self.outbound,
                    reg,
                    &p,
                    &callback,
                    code,
                    &flow.verifier,
                    &flow.nonce,
                )
                .await
            }
            ProviderKind::OAuth2 => {
                oauth2::finish(&self.outbound, &p, &callback, code, &flow.verifier).await
            }
            ProviderKind::Email => Err(failed("email links do not come back here".into())),
        }
        .map_err(fail)?;
        let (token, reader) = self
            .sign_in_as(&site, provider, profile)
            .await
            .map_err(fail)?;
        Ok(SignedIn {
            token,
            reader,
            origin: flow.origin.clone(),
            page_url: flow.page_url.clone(),
            return_url: flow.return_url.clone(),
            language: site.settings.language.clone(),
        })
    }
}
