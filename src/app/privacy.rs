//! Readers take out or erase what they wrote (DESIGN §8): a form asks for
//! a link by email, and the link downloads or erases the comments.

use super::pages::{LinkAnswer, done_page};
use super::{App, audit};
use crate::domain::audit::{Actor, Change, Entry, Target};
use crate::domain::{SiteId, now, rfc3339};
use crate::error::Error;
use crate::notify::page::Page;
use crate::notify::strings::Words;
use crate::store::{StoreError, comments, identities, identities_of_email, privacy_asked};
use crate::store::{subscribers, threads, used_links};

/// How often an address may be sent a privacy link for each action, so
/// that the form cannot fill a stranger's mailbox.
pub const PRIVACY_EVERY: i64 = 10 * 60;

impl App {
    /// Every comment written with `email` on the site, and the identities
    /// whose provider reported it, as JSON.
    pub(super) async fn export_own(&self, site: &SiteId, email: &str) -> Result<LinkAnswer, Error> {
        let (s, e) = (site.clone(), email.to_string());
        let (rows, signed_in) = self
            .db
            .read(move |c| {
                let rows = comments::by_author_email(c, &s, &e)?
                    .into_iter()
                    .map(|r| Ok((threads::get(c, r.thread_id)?, r)))
                    .collect::<Result<Vec<_>, StoreError>>()?;
                Ok::<_, StoreError>((rows, identities_of_email::of_email(c, &s, &e)?))
            })
            .await?;
        let identities: Vec<_> = signed_in
            .iter()
            .map(|i| {
                serde_json::json!({
                    "provider": i.provider,
                    "issuer": i.issuer,
                    "subject": i.subject,
                    "name": i.name,
                    "email": i.email,
                    "email_verified": i.email_verified,
                    "profile_url": i.profile_url,
                    "created": rfc3339(i.created),
                })
            })
            .collect();
        let comments: Vec<_> = rows
            .iter()
            .map(|(t, r)| {
                serde_json::json!({
                    "id": r.id.0,
                    "page": t.url,
                    "page_title": t.title,
                    "parent": r.parent.map(|p| p.0),
                    "status": r.status.as_str(),
                    "name": r.name,
                    "email": r.email,
                    "website": r.website,
                    "text": r.text,
                    "created": rfc3339(r.created),
                    "edited": r.edited.map(rfc3339),
                    "likes": r.likes,
                    "dislikes": r.dislikes,
                })
            })
            .collect();
        let json = serde_json::to_string_pretty(&serde_json::json!({
            "site": site.as_str(),
            "email": email,
            "exported": rfc3339(now()),
            "comments": comments,
            "identities": identities,
        }))
        .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(LinkAnswer::Download {
            filename: format!("comments-{site}.json"),
            json,
        })
    }

    /// Erases every comment written with `email` on the site, as an author's
    /// own deletion does, and forgets the address and the identities whose
    /// provider reported it.
    pub(super) async fn erase_own(
        &self,
        site: &SiteId,
        email: &str,
        nonce: &str,
    ) -> Result<LinkAnswer, Error> {
        let s = self.site(site)?;
        let (app, e, nonce) = (self.clone(), email.to_string(), nonce.to_string());
        let hash = self.keys.email_hash(email);
        let erased = self
            .db
            .write(move |c| {
                if !used_links::use_link(c, &nonce, now())? {
                    return Err(Error::LinkUsed);
                }
                let mut threads_touched = Vec::new();
                let rows = comments::by_author_email(c, &s.id, &e)?;
                for r in &rows {
                    comments::mark_deleted(c, r.id)?;
                    let thread = threads::get(c, r.thread_id)?;
                    app.notifier.comment_deleted(
                        c,
                        &s,
                        &thread,
                        &comments::get(c, r.id)?,
                        now(),
                    )?;
                    threads_touched.push(thread);
                }
                subscribers::forget(c, &s.id, &hash)?;
                for i in identities_of_email::of_email(c, &s.id, &e)? {
                    identities::delete(c, i.id)?;
                }
                let (target, detail) = (
                    Target::Site(s.id.clone()),
                    format!("{} comments", rows.len()),
                );
                audit::record(
                    c,
                    now(),
                    &Entry::new(&Actor::EmailLink, Change::Erase, target, detail),
                )?;
                Ok::<_, Error>(threads_touched)
            })
            .await?;
        self.notifier.wake();
        for t in &erased {
            self.cache.invalidate(&t.site_id, &t.key);
        }
        let site = self.site(site)?;
        let w = Words::new(&site.settings.language);
        let count = erased.len().to_string();
        Ok(LinkAnswer::Page(
            Page::new(w, &w.t("page_privacy_title", &[]))
                .para(&w.t("page_privacy_erased", &[("count", &count)]))
                .finish(),
        ))
    }

    /// `GET /privacy?site=ID`: the form that asks for a privacy link.
    pub fn privacy_form(&self, site: &str) -> Result<LinkAnswer, Error> {
        let site = SiteId::parse(site)
            .ok()
            .and_then(|id| self.sites.by_id(&id))
            .ok_or_else(|| {
                Error::validation("site", "Add the site's id as ?site=ID to the address.")
            })?;
        let w = Words::new(&site.settings.language);
        Ok(LinkAnswer::Page(
            Page::new(
                w,
                &format!("{} · {}", w.t("page_privacy_title", &[]), site.name),
            )
            .para(&w.t("page_privacy_intro", &[]))
            .privacy_form(site.id.as_str())
            .finish(),
        ))
    }

    /// `POST /privacy`: emails a link to export or erase one's comments, at
    /// most one of each per address in [`PRIVACY_EVERY`]. The answer is the
    /// same whether or not the address wrote anything or was sent a link
    /// already, so the form tells nobody who commented.
    pub async fn privacy_request(
        &self,
        site: &str,
        email: &str,
        action: &str,
    ) -> Result<LinkAnswer, Error> {
        let site = SiteId::parse(site)
            .ok()
            .and_then(|id| self.sites.by_id(&id))
            .ok_or_else(|| Error::validation("site", "This site is not known here."))?;
        let email = email.trim().to_string();
        if email.len() > 254 || !crate::domain::email::looks_like_email(&email) {
            return Err(Error::validation(
                "email",
                "The email address does not look right. Check it and send the form again.",
            ));
        }
        let (erase, action) = match action {
            "export" => (false, "export"),
            "erase" => (true, "erase"),
            _ => return Err(Error::validation("action", "Choose export or erase.")),
        };
        if !self.notifier.email_on() {
            return Err(Error::Conflict(
                "This site does not send emails, so it cannot send you a link. Ask the site's owner."
                    .into(),
            ));
        }
        let (app, s, e) = (self.clone(), site.clone(), email.clone());
        let hash = self.keys.email_hash(&email);
        self.db
            .write(move |c| {
                if comments::by_author_email(c, &s.id, &e)?.is_empty()
                    && identities_of_email::of_email(c, &s.id, &e)?.is_empty()
                {
                    return Ok(());
                }
                let at = now();
                if !privacy_asked::ask(c, &s.id, &hash, action, at, at - PRIVACY_EVERY)? {
                    return Ok(());
                }
                app.notifier.privacy_email(c, &s, &e, erase, at)
            })
            .await?;
        self.notifier.wake();
        let w = Words::new(&site.settings.language);
        Ok(done_page(w, "page_privacy_title", "page_privacy_sent"))
    }
}
