//! Signed-in readers in the admin page (DESIGN §15): listed and searched
//! beside guests, and linked to a moderator's own account, which gives
//! their comments the site's team badge.

use super::session::AdminSession;
use super::{App, audit};
use crate::domain::audit::{Change, Entry, Target};
use crate::domain::{SiteId, now, rfc3339};
use crate::error::Error;
use crate::store::{identities, identities_search};
use serde::Serialize;

/// The most identities one answer lists.
const LIST_MAX: u32 = 200;

/// An identity as the admin page shows it.
#[derive(Debug, Serialize)]
pub struct IdentityView {
    pub id: i64,
    pub site: String,
    pub name: String,
    pub email: Option<String>,
    pub email_verified: bool,
    /// The provider's name, and its id.
    pub provider: String,
    pub provider_id: String,
    pub profile_url: Option<String>,
    pub created: String,
    pub comments: i64,
    pub banned: bool,
    /// Linked to a moderator's account; `yours` when to the one asking.
    pub linked: bool,
    pub yours: bool,
}

impl App {
    /// `GET /admin/api/identities?site=&q=`: identities whose name, email
    /// or provider holds `q`, newest first.
    pub async fn admin_identities(
        &self,
        s: &AdminSession,
        site: Option<&str>,
        q: &str,
    ) -> Result<Vec<IdentityView>, Error> {
        let site = match site.map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => Some(
                SiteId::parse(v)
                    .ok()
                    .and_then(|id| self.sites.by_id(&id))
                    .map(|s| s.id.clone())
                    .ok_or_else(|| Error::validation("site", "There is no site with that id."))?,
            ),
            None => None,
        };
        if q.chars().count() > 200 {
            return Err(Error::validation("q", "Search for at most 200 characters."));
        }
        let q = q.to_string();
        let rows = self
            .db
            .read(move |c| identities_search::search(c, site.as_ref(), &q, LIST_MAX, now()))
            .await?;
        let names = self.provider_names();
        Ok(rows
            .into_iter()
            .map(|l| {
                let i = l.identity;
                IdentityView {
                    id: i.id,
                    site: i.site_id.to_string(),
                    provider: names.name_of(&i.provider),
                    provider_id: i.provider,
                    name: i.name,
                    email: i.email,
                    email_verified: i.email_verified,
                    profile_url: i.profile_url,
                    created: rfc3339(i.created),
                    comments: l.comments,
                    banned: l.banned,
                    linked: i.admin_id.is_some(),
                    yours: i.admin_id == Some(s.admin_id),
                }
            })
            .collect())
    }

    /// "This is me": links an identity to the moderator's own account (or
    /// unlinks it), so that what they write signed in carries the team badge.
    pub async fn link_identity(&self, s: &AdminSession, id: i64, link: bool) -> Result<(), Error> {
        let (actor, me) = (s.actor(), s.admin_id);
        self.db
            .write(move |c| {
                let before = identities::get(c, id)?;
                if !link && before.admin_id != Some(me) {
                    return Err(Error::validation(
                        "linked",
                        "That identity is not linked to your account.",
                    ));
                }
                if link && before.admin_id.is_some_and(|a| a != me) {
                    return Err(Error::validation(
                        "linked",
                        "That identity is linked to another moderator. They can unlink it first.",
                    ));
                }
                identities::link_admin(c, id, link.then_some(me))?;
                let change = if link {
                    Change::LinkIdentity
                } else {
                    Change::UnlinkIdentity
                };
                audit::record(
                    c,
                    now(),
                    &Entry::new(&actor, change, Target::Identity(id), ""),
                )?;
                Ok(())
            })
            .await
    }
}
