//! Signing in with an email link (DESIGN §15): the popup's form sends a
//! link, single use and good for 15 minutes; the link's page has a button
//! (so that a mail scanner opening it signs no one in) which returns the
//! reader to the page with their token.

use super::{App, Profile, failed};
use crate::domain::email::looks_like_email;
use crate::domain::{ProviderKind, Site, now};
use crate::error::Error;
use crate::notify::links::{Action, Link};
use crate::store::{privacy_asked, used_links};
use std::sync::Arc;

/// How soon one address may be sent another sign-in link.
pub const EMAIL_LINK_EVERY: i64 = 60;

/// The issuer an email identity is kept under.
const EMAIL_ISSUER: &str = "email";

impl App {
    /// The site's email provider, if it offers one.
    fn email_provider(&self, site: &Site) -> Option<String> {
        site.settings
            .sign_in
            .iter()
            .find(|id| {
                self.providers
                    .get(id)
                    .is_some_and(|p| p.kind == ProviderKind::Email)
            })
            .cloned()
    }

    /// `POST /auth/email {state, email}`: sends the link, once a minute at
    /// most per address. Returns the site, for the page that says so.
    pub async fn email_sign_in(&self, state: &str, email: &str) -> Result<Arc<Site>, Error> {
        let email = email.trim().to_string();
        if !looks_like_email(&email) || email.len() > 254 {
            return Err(Error::validation(
                "email",
                "Write your email address like name@example.org.",
            ));
        }
        if !self.notifier.email_on() {
            return Err(failed("this site does not send emails".into()));
        }
        let flow = self.take_flow(state).await?;
        let site = self.site(&flow.site_id)?;
        if self
            .providers
            .get(&flow.provider)
            .is_none_or(|p| p.kind != ProviderKind::Email)
        {
            return Err(failed(
                "this sign-in was not started for an email link".into(),
            ));
        }
        let back = flow.return_url.clone().unwrap_or(flow.page_url.clone());
        let hash = self.keys.email_hash(&email);
        let (app, s) = (self.clone(), site.clone());
        let sent = self
            .db
            .write(move |c| {
                let at = now();
                if !privacy_asked::ask(c, &s.id, &hash, "signin", at, at - EMAIL_LINK_EVERY)? {
                    return Ok(false);
                }
                app.notifier.sign_in_email(c, &s, &email, &back, at)?;
                Ok::<_, Error>(true)
            })
            .await?;
        if !sent {
            return Err(Error::RateLimited {
                retry_after: EMAIL_LINK_EVERY as u64,
            });
        }
        self.notifier.wake();
        Ok(site)
    }

    /// A sign-in link, checked but not used: its site, for the page with
    /// the button.
    pub async fn email_link_page(&self, token: &str) -> Result<Arc<Site>, Error> {
        let (link, site, _) = self.sign_in_link(token).await?;
        let _ = link;
        Ok(site)
    }

    async fn sign_in_link(&self, token: &str) -> Result<(Link, Arc<Site>, String), Error> {
        let link = self.check_link(token)?;
        let Action::SignIn { site, back, .. } = &link.action else {
            return Err(Error::LinkInvalid);
        };
        let site = self.site(site)?;
        let nonce = link.nonce.clone();
        if self
            .db
            .read(move |c| used_links::is_used(c, &nonce))
            .await?
        {
            return Err(Error::LinkUsed);
        }
        let back = back.clone();
        Ok((link, site, back))
    }

    /// The link's button: uses the link, signs the reader in, and says
    /// where to send them with their token.
    pub async fn email_link_use(&self, token: &str) -> Result<(String, String), Error> {
        let (link, site, back) = self.sign_in_link(token).await?;
        let Action::SignIn { email, .. } = &link.action else {
            return Err(Error::LinkInvalid);
        };
        let provider = self
            .email_provider(&site)
            .ok_or_else(|| failed("this site no longer offers email links".into()))?;
        let nonce = link.nonce.clone();
        if !self
            .db
            .write(move |c| used_links::use_link(c, &nonce, now()))
            .await?
        {
            return Err(Error::LinkUsed);
        }
        let profile = Profile {
            issuer: EMAIL_ISSUER.into(),
            subject: email.to_lowercase(),
            name: None,
            email: Some(email.clone()),
            email_verified: true,
            profile_url: None,
        };
        let (token, _) = self.sign_in_as(&site, &provider, profile).await?;
        Ok((back, token))
    }
}
