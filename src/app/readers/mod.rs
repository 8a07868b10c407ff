//! Readers who sign in (DESIGN §15): with an OpenID Connect provider, a
//! generic OAuth2 one or an email link. A sign-in ends in a reader token,
//! which the widget keeps and natter stores only as its hash; with it the
//! reader posts as their identity, (issuer, subject) on the site, and edits
//! their own comments for as long as the site allows.

mod email;
mod flow;
mod me;
mod oauth2;
mod oidc;
mod outbound;
pub mod providers;

pub use flow::{Failure, SignedIn, Started};
pub use me::MeView;
pub use outbound::Outbound;
pub use providers::Providers;

use super::App;
use crate::domain::{Site, now};
use crate::error::Error;
use crate::keys::{hash_token, new_token};
use crate::store::identities::{self, Claims, IdentityRow};
use crate::store::reader_tokens;

/// What a provider told natter about who signed in.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub issuer: String,
    pub subject: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub profile_url: Option<String>,
}

/// A sign-in that did not go through, saying why and what to do.
pub(crate) fn failed(why: String) -> Error {
    Error::SignInFailed(format!(
        "Signing in did not work: {why}. Close this window and try again; if it keeps failing, tell the site's owner."
    ))
}

/// A signed-in reader, found by their token.
#[derive(Debug, Clone)]
pub struct Reader {
    pub identity: IdentityRow,
    /// The hash of the token they came with.
    pub token_hash: String,
}

/// The display name a new identity starts with: the provider's name for
/// the reader, else the part of the address before `@`, within the site's
/// limit and without control characters.
fn first_name(site: &Site, p: &Profile) -> String {
    let raw = p
        .name
        .clone()
        .or_else(|| {
            p.email
                .as_deref()
                .and_then(|e| e.split('@').next())
                .map(str::to_string)
        })
        .unwrap_or_default();
    let clean: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .take(site.settings.name_max as usize)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "Reader".into()
    } else {
        clean.to_string()
    }
}

impl App {
    /// What the marks on a site's comments are read from.
    pub(crate) fn look(&self, site: &Site) -> crate::app::view::Look {
        crate::app::view::Look {
            max_depth: site.settings.max_depth,
            badge: site.settings.team_badge.clone(),
            providers: self.providers.names(),
        }
    }

    /// The reader a token belongs to; [`Error::SignedOut`] when none does.
    pub async fn reader(&self, token: &str) -> Result<Reader, Error> {
        let token_hash = hash_token(token.trim());
        let h = token_hash.clone();
        let identity = self
            .db
            .read(move |c| reader_tokens::identity(c, &h))
            .await?
            .ok_or(Error::SignedOut)?;
        Ok(Reader {
            identity,
            token_hash,
        })
    }

    /// Keeps who signed in and gives them a new token.
    async fn sign_in_as(
        &self,
        site: &Site,
        provider: &str,
        p: Profile,
    ) -> Result<(String, MeView), Error> {
        let (token, hash) = new_token();
        let name = first_name(site, &p);
        let (site_id, provider) = (site.id.clone(), provider.to_string());
        let identity = self
            .db
            .write(move |c| {
                let at = now();
                let row = identities::upsert(
                    c,
                    &Claims {
                        site: &site_id,
                        issuer: &p.issuer,
                        subject: &p.subject,
                        provider: &provider,
                        name: &name,
                        email: p.email.as_deref(),
                        email_verified: p.email_verified && p.email.is_some(),
                        profile_url: p.profile_url.as_deref(),
                    },
                    at,
                )?;
                reader_tokens::insert(c, &hash, row.id, at)?;
                Ok::<_, Error>(row)
            })
            .await?;
        tracing::info!(site = %site.id, provider = %identity.provider, "reader signed in");
        Ok((token, self.me_view(&identity)))
    }
}
