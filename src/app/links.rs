//! The calls behind emailed links (DESIGN §6): a page that says what the
//! link will do, and the button that does it, once.

use super::App;
use super::moderation::Action as Moderation;
use super::pages::{Answer, done_page};
use crate::domain::{Site, SiteId, Status, now};
use crate::error::Error;
use crate::notify::links::{self, Action, Link, LinkError};
use crate::notify::page::Page;
use crate::notify::strings::Words;
use crate::notify::{author_name, page_name};
use crate::store::{StoreError, comments, subscriptions, threads};
use std::sync::Arc;

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

    pub(super) fn site(&self, id: &SiteId) -> Result<Arc<Site>, Error> {
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
}
