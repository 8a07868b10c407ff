//! The calls behind emailed links, the privacy page and the outbox view.

use super::App;
use super::admin::{Action as Moderation, AdminSession};
use crate::domain::{Site, SiteId, Status, now, rfc3339};
use crate::error::Error;
use crate::notify::links::{self, Action, Link, LinkError};
use crate::notify::page::Page;
use crate::notify::strings::Words;
use crate::notify::{author_name, page_name};
use crate::store::outbox::{self, State};
use crate::store::{StoreError, admins, comments, subscriptions, threads};
use serde::Serialize;
use std::sync::Arc;

/// How long sent items stay in the outbox, for the admin page.
const KEEP_SENT: i64 = 30 * 86_400;
/// Longer than the longest single-use link lives (7 days).
const KEEP_USED_LINKS: i64 = 8 * 86_400;
/// How often an address may be sent a privacy link for each action, so
/// that the form cannot fill a stranger's mailbox.
pub const PRIVACY_EVERY: i64 = 10 * 60;

/// What a link or form answers: a page, or a file to download.
#[derive(Debug)]
pub enum Answer {
    Page { status: u16, html: String },
    Download { filename: String, json: String },
}

/// The outbox for the admin page.
#[derive(Debug, Serialize)]
pub struct OutboxList {
    pub counts: OutboxCounts,
    pub items: Vec<OutboxItem>,
}

#[derive(Debug, Serialize)]
pub struct OutboxCounts {
    pub pending: u64,
    pub sent: u64,
    pub dead: u64,
}

#[derive(Debug, Serialize)]
pub struct OutboxItem {
    pub id: i64,
    pub kind: &'static str,
    pub site: Option<String>,
    pub topic: String,
    pub recipient: String,
    pub state: &'static str,
    pub attempts: u32,
    pub next_try: String,
    pub last_error: Option<String>,
    pub created: String,
}

impl App {
    /// `GET /notify?t=…`: what the link will do, with a button to do it.
    pub async fn link_page(&self, token: &str) -> Result<Answer, Error> {
        self.describe_link(token).await
    }

    /// `POST /notify?t=…`: does what the link says. `choice` is the
    /// button's value (`all` ends every subscription of the address).
    pub async fn follow_link(&self, token: &str, choice: Option<&str>) -> Result<Answer, Error> {
        let link = self.check_link(token)?;
        self.do_link(&link, choice).await
    }

    fn check_link(&self, token: &str) -> Result<Link, Error> {
        links::verify(self.notifier.keys(), token, now()).map_err(|e| match e {
            LinkError::Invalid => Error::LinkInvalid,
            LinkError::Expired => Error::LinkExpired,
        })
    }

    fn site(&self, id: &SiteId) -> Result<Arc<Site>, Error> {
        self.sites.by_id(id).ok_or(Error::NotFound)
    }

    async fn describe_link(&self, token: &str) -> Result<Answer, Error> {
        let link = self.check_link(token)?;
        let nonce = link.nonce.clone();
        let used = link.action.single_use()
            && self
                .db
                .read(move |c| subscriptions::link_used(c, &nonce))
                .await?;
        if used {
            return Err(Error::LinkUsed);
        }
        let page = match &link.action {
            Action::Approve(id) | Action::Delete(id) => {
                let id = *id;
                let (row, thread) = self
                    .db
                    .read(move |c| {
                        let row = comments::get(c, id)?;
                        let thread = threads::get(c, row.thread_id)?;
                        Ok((row, thread))
                    })
                    .await?;
                if !made_for(&link.action, row.status) {
                    return Err(moderated_since());
                }
                let site = self.site(&thread.site_id)?;
                let w = Words::new(&site.settings.language);
                let (label, value) = match link.action {
                    Action::Approve(_) => (w.t("mod_approve", &[]), "approve"),
                    _ => (w.t("mod_delete", &[]), "delete"),
                };
                let (author, page) = (author_name(&row, w), page_name(&thread));
                Page::new(w, &w.t("page_mod_title", &[]))
                    .para(&w.t("mod_wrote", &[("author", &author), ("page", &page)]))
                    .quote(&row.text)
                    .button(&label, "do", value)
            }
            Action::Confirm(id) => {
                let id = *id;
                let sub = self
                    .db
                    .read(move |c| subscriptions::get_subscriber(c, id))
                    .await?;
                let site = self.site(&sub.site_id)?;
                let w = Words::new(&site.settings.language);
                Page::new(w, &w.t("page_confirm_title", &[]))
                    .para(&w.t("confirm_asked", &[("site", &site.name)]))
                    .button(&w.t("confirm_button", &[]), "do", "confirm")
            }
            Action::Unsubscribe(id) => {
                let id = *id;
                let found = self
                    .db
                    .read(move |c| {
                        let Ok(s) = subscriptions::get(c, id) else {
                            return Ok(None);
                        };
                        let sub = subscriptions::get_subscriber(c, s.subscriber_id)?;
                        Ok(Some((sub, threads::get(c, s.thread_id)?)))
                    })
                    .await?;
                let Some((sub, thread)) = found else {
                    // Ended before: say it is done, as it is.
                    return Ok(done_page(
                        Words::new("en"),
                        "page_unsub_title",
                        "page_unsub_done",
                    ));
                };
                let site = self.site(&sub.site_id)?;
                let w = Words::new(&site.settings.language);
                let page = page_name(&thread);
                Page::new(w, &w.t("page_unsub_title", &[]))
                    .button(&w.t("page_unsub_one", &[("page", &page)]), "do", "one")
                    .button(&w.t("page_unsub_all", &[("site", &site.name)]), "do", "all")
            }
            Action::UnsubscribeAll(id) => {
                let id = *id;
                let sub = self
                    .db
                    .read(move |c| subscriptions::get_subscriber(c, id))
                    .await?;
                let site = self.site(&sub.site_id)?;
                let w = Words::new(&site.settings.language);
                Page::new(w, &w.t("page_unsub_title", &[])).button(
                    &w.t("page_unsub_all", &[("site", &site.name)]),
                    "do",
                    "all",
                )
            }
            Action::Export { site, .. } => {
                let site = self.site(site)?;
                let w = Words::new(&site.settings.language);
                Page::new(w, &w.t("page_privacy_title", &[])).button(
                    &w.t("page_privacy_download", &[]),
                    "do",
                    "export",
                )
            }
            Action::Erase { site, .. } => {
                let site = self.site(site)?;
                let w = Words::new(&site.settings.language);
                Page::new(w, &w.t("page_privacy_title", &[]))
                    .para(&w.t("page_privacy_erase_confirm", &[("site", &site.name)]))
                    .button(&w.t("page_privacy_erase", &[]), "do", "erase")
            }
        };
        Ok(Answer::Page {
            status: 200,
            html: page.finish(),
        })
    }

    async fn do_link(&self, link: &Link, choice: Option<&str>) -> Result<Answer, Error> {
        match &link.action {
            Action::Approve(id) | Action::Delete(id) => {
                let (what, done) = match link.action {
                    Action::Approve(_) => (Moderation::Approve, "page_mod_approved"),
                    _ => (Moderation::Delete, "page_mod_deleted"),
                };
                let (id, nonce) = (*id, link.nonce.clone());
                let (row, thread, used) = self
                    .db
                    .read(move |c| {
                        let row = comments::get(c, id)?;
                        let thread = threads::get(c, row.thread_id)?;
                        Ok((row, thread, subscriptions::link_used(c, &nonce)?))
                    })
                    .await?;
                if used {
                    return Err(Error::LinkUsed);
                }
                if !made_for(&link.action, row.status) {
                    return Err(moderated_since());
                }
                let site = self.site(&thread.site_id)?;
                self.moderate_as(
                    "email link".into(),
                    vec![id],
                    what,
                    Some(link.nonce.clone()),
                )
                .await?;
                let w = Words::new(&site.settings.language);
                Ok(done_page(w, "page_mod_title", done))
            }
            Action::Confirm(id) => {
                let id = *id;
                let sub = self
                    .db
                    .write(move |c| {
                        subscriptions::confirm(c, id, now())?;
                        subscriptions::get_subscriber(c, id)
                    })
                    .await?;
                let site = self.site(&sub.site_id)?;
                let w = Words::new(&site.settings.language);
                Ok(done_page(w, "page_confirm_title", "page_confirm_done"))
            }
            Action::Unsubscribe(id) => {
                let (id, all) = (*id, choice == Some("all"));
                let site = self
                    .db
                    .write(move |c| {
                        let Ok(s) = subscriptions::get(c, id) else {
                            return Ok::<_, StoreError>(None);
                        };
                        let sub = subscriptions::get_subscriber(c, s.subscriber_id)?;
                        if all {
                            subscriptions::stop_all(c, sub.id)?;
                        } else {
                            subscriptions::unfollow(c, id)?;
                        }
                        Ok(Some(sub.site_id))
                    })
                    .await?;
                let lang = site
                    .and_then(|s| self.sites.by_id(&s))
                    .map_or("en".to_string(), |s| s.settings.language.clone());
                Ok(done_page(
                    Words::new(&lang),
                    "page_unsub_title",
                    "page_unsub_done",
                ))
            }
            Action::UnsubscribeAll(id) => {
                let id = *id;
                let sub = self
                    .db
                    .write(move |c| {
                        subscriptions::stop_all(c, id)?;
                        subscriptions::get_subscriber(c, id)
                    })
                    .await?;
                let site = self.site(&sub.site_id)?;
                let w = Words::new(&site.settings.language);
                Ok(done_page(w, "page_unsub_title", "page_unsub_done"))
            }
            Action::Export { site, email } => self.export_own(site, email).await,
            Action::Erase { site, email } => self.erase_own(site, email, &link.nonce).await,
        }
    }

    /// Every comment written with `email` on the site, as JSON.
    async fn export_own(&self, site: &SiteId, email: &str) -> Result<Answer, Error> {
        let (s, e) = (site.clone(), email.to_string());
        let rows = self
            .db
            .read(move |c| {
                comments::by_author_email(c, &s, &e)?
                    .into_iter()
                    .map(|r| Ok((threads::get(c, r.thread_id)?, r)))
                    .collect::<Result<Vec<_>, StoreError>>()
            })
            .await?;
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
        }))
        .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(Answer::Download {
            filename: format!("comments-{site}.json"),
            json,
        })
    }

    /// Erases every comment written with `email` on the site, as an author's
    /// own deletion does, and forgets the address.
    async fn erase_own(&self, site: &SiteId, email: &str, nonce: &str) -> Result<Answer, Error> {
        let s = self.site(site)?;
        let (app, e, nonce) = (self.clone(), email.to_string(), nonce.to_string());
        let hash = self.keys.email_hash(email);
        let erased = self
            .db
            .write(move |c| {
                if !subscriptions::use_link(c, &nonce, now())? {
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
                subscriptions::forget(c, &s.id, &hash)?;
                admins::audit(
                    c,
                    now(),
                    "email link",
                    "erase",
                    &format!("site {}", s.id),
                    &format!("{} comments", rows.len()),
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
        Ok(Answer::Page {
            status: 200,
            html: Page::new(w, &w.t("page_privacy_title", &[]))
                .para(&w.t("page_privacy_erased", &[("count", &count)]))
                .finish(),
        })
    }

    /// `GET /privacy?site=ID`: the form that asks for a privacy link.
    pub fn privacy_form(&self, site: &str) -> Result<Answer, Error> {
        let site = SiteId::parse(site)
            .ok()
            .and_then(|id| self.sites.by_id(&id))
            .ok_or_else(|| {
                Error::validation("site", "Add the site's id as ?site=ID to the address.")
            })?;
        let w = Words::new(&site.settings.language);
        Ok(Answer::Page {
            status: 200,
            html: Page::new(
                w,
                &format!("{} · {}", w.t("page_privacy_title", &[]), site.name),
            )
            .para(&w.t("page_privacy_intro", &[]))
            .privacy_form(site.id.as_str())
            .finish(),
        })
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
    ) -> Result<Answer, Error> {
        let site = SiteId::parse(site)
            .ok()
            .and_then(|id| self.sites.by_id(&id))
            .ok_or_else(|| Error::validation("site", "This site is not known here."))?;
        let email = email.trim().to_string();
        if email.len() > 254 || !crate::domain::comment::looks_like_email(&email) {
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
                if comments::by_author_email(c, &s.id, &e)?.is_empty() {
                    return Ok(());
                }
                let at = now();
                if !subscriptions::ask_privacy(c, &s.id, &hash, action, at, at - PRIVACY_EVERY)? {
                    return Ok(());
                }
                app.notifier.privacy_email(c, &s, &e, erase, at)
            })
            .await?;
        self.notifier.wake();
        let w = Words::new(&site.settings.language);
        Ok(done_page(w, "page_privacy_title", "page_privacy_sent"))
    }

    /// The outbox, for the admin page: counts, and the newest items in one state.
    pub async fn outbox(&self, state: Option<&str>) -> Result<OutboxList, Error> {
        let state = match state {
            None | Some("") => State::Dead,
            Some(s) => State::parse(s)
                .ok_or_else(|| Error::validation("state", "state must be pending, sent or dead"))?,
        };
        let (counts, items) = self
            .db
            .read(move |c| Ok((outbox::counts(c)?, outbox::list(c, state, 100)?)))
            .await?;
        Ok(OutboxList {
            counts: OutboxCounts {
                pending: counts[0],
                sent: counts[1],
                dead: counts[2],
            },
            items: items
                .into_iter()
                .map(|i| OutboxItem {
                    id: i.id,
                    kind: i.kind.as_str(),
                    site: i.site_id,
                    topic: i.topic,
                    recipient: i.recipient,
                    state: i.state.as_str(),
                    attempts: i.attempts,
                    next_try: rfc3339(i.next_try),
                    last_error: i.last_error,
                    created: rfc3339(i.created),
                })
                .collect(),
        })
    }

    /// Sends a dead item again.
    pub async fn retry_outbox(&self, s: &AdminSession, id: i64) -> Result<(), Error> {
        let user = s.username.clone();
        self.db
            .write(move |c| {
                outbox::retry(c, id, now()).map_err(|e| match e {
                    StoreError::NotFound => Error::Conflict(
                        "Only an email or webhook that failed can be sent again. Reload the list."
                            .into(),
                    ),
                    other => other.into(),
                })?;
                Ok::<_, Error>(admins::audit(
                    c,
                    now(),
                    &user,
                    "retry",
                    &format!("outbox {id}"),
                    "",
                )?)
            })
            .await?;
        self.notifier.wake();
        Ok(())
    }

    /// Forgets what is no longer needed: emails and calls sent over 30 days
    /// ago, and the nonces of used links older than any live link.
    pub async fn prune_notifications(&self) -> Result<(), Error> {
        let at = now();
        self.db
            .write(move |c| {
                outbox::prune_sent(c, at - KEEP_SENT)?;
                subscriptions::prune_privacy(c, at - PRIVACY_EVERY)?;
                subscriptions::prune_links(c, at - KEEP_USED_LINKS)
            })
            .await?;
        Ok(())
    }

    /// Pending, sent and dead items, for `/metrics`.
    pub async fn outbox_counts(&self) -> Result<[u64; 3], Error> {
        Ok(self.db.read(outbox::counts).await?)
    }
}

/// Whether a comment is still in a state the moderator's link was made
/// for: approve is sent for a held comment, delete for a held or published
/// one. After a moderator decided otherwise, the link must not undo it.
fn made_for(action: &Action, status: Status) -> bool {
    match action {
        Action::Approve(_) => status == Status::Pending,
        Action::Delete(_) => matches!(status, Status::Pending | Status::Published),
        Action::Confirm(_)
        | Action::Unsubscribe(_)
        | Action::UnsubscribeAll(_)
        | Action::Export { .. }
        | Action::Erase { .. } => true,
    }
}

fn moderated_since() -> Error {
    Error::Conflict(
        "This comment was already moderated after this email was sent, so the link changed nothing. Open the admin page to see it."
            .into(),
    )
}

fn done_page(w: Words, title: &str, message: &str) -> Answer {
    Answer::Page {
        status: 200,
        html: Page::new(w, &w.t(title, &[]))
            .para(&w.t(message, &[]))
            .finish(),
    }
}

/// A page that says why a form or link did nothing; `status` is the
/// error's status from the HTTP layer's one map.
pub fn error_answer(e: &Error, status: u16) -> Answer {
    let w = Words::new("en");
    let text = match e {
        Error::LinkUsed => w.t("page_link_used", &[]),
        Error::LinkInvalid | Error::LinkExpired | Error::NotFound => w.t("page_link_bad", &[]),
        Error::Internal(detail) => {
            tracing::error!(%detail, "internal error behind a link or form");
            e.to_string()
        }
        _ => e.to_string(),
    };
    Answer::Page {
        status,
        html: Page::new(w, "natter").para(&text).finish(),
    }
}
