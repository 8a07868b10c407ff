//! The calls behind emailed links (DESIGN §6): a page that says what the
//! link will do, and the button that does it, once.

use super::App;
use super::pages::{LinkAnswer, done_page};
use crate::domain::{Decision, Site, SiteId, now};
use crate::error::Error;
use crate::notify::links::{self, Action, Link, LinkError};
use crate::notify::page::Page;
use crate::notify::strings::Words;
use crate::store::used_links;
use std::sync::Arc;

impl App {
    /// `GET /notify?t=…`: what the link will do, with a button to do it.
    pub async fn link_page(&self, token: &str) -> Result<LinkAnswer, Error> {
        let link = self.check_link(token)?;
        let nonce = link.nonce.clone();
        let used = link.action.single_use()
            && self
                .db
                .read(move |c| used_links::is_used(c, &nonce))
                .await?;
        if used {
            return Err(Error::LinkUsed);
        }
        let page = match &link.action {
            Action::Approve(id) => self.moderation_page(*id, Decision::Approve).await?,
            Action::Delete(id) => self.moderation_page(*id, Decision::Delete).await?,
            Action::Confirm(id) => self.confirm_page(*id).await?,
            Action::Unsubscribe(id) => match self.unsubscribe_page(*id).await? {
                Some(page) => page,
                // Ended before: say it is done, as it is.
                None => {
                    return Ok(done_page(
                        Words::new("en"),
                        "page_unsub_title",
                        "page_unsub_done",
                    ));
                }
            },
            Action::UnsubscribeAll(id) => self.unsubscribe_all_page(*id).await?,
            Action::UnsubscribePosts(id) => match self.unsubscribe_posts_page(*id).await? {
                Some(page) => page,
                None => {
                    return Ok(done_page(
                        Words::new("en"),
                        "page_unsub_title",
                        "page_unsub_done",
                    ));
                }
            },
            Action::Subscriptions(id) => self.subscriptions_page(*id, None).await?,
            Action::Export { site, .. } => {
                let w = self.words(site)?;
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
            // Sign-in links have their own page, under /auth/email.
            Action::SignIn { .. } => return Err(Error::LinkInvalid),
        };
        Ok(LinkAnswer::Page(page.finish()))
    }

    /// `POST /notify?t=…`: does what the link says. `choice` is the
    /// button's value (`all` ends every subscription of the address).
    pub async fn follow_link(
        &self,
        token: &str,
        choice: Option<&str>,
    ) -> Result<LinkAnswer, Error> {
        let link = self.check_link(token)?;
        match &link.action {
            Action::Approve(id) => {
                let done = self.moderate_by_link(*id, Decision::Approve, &link.nonce);
                self.done(done.await?, "page_mod_title", "page_mod_approved")
            }
            Action::Delete(id) => {
                let done = self.moderate_by_link(*id, Decision::Delete, &link.nonce);
                self.done(done.await?, "page_mod_title", "page_mod_deleted")
            }
            Action::Confirm(id) => {
                let site = self.confirm(*id).await?;
                self.done(site, "page_confirm_title", "page_confirm_done")
            }
            Action::Unsubscribe(id) => {
                let site = self.unsubscribe(*id, choice == Some("all")).await?;
                Ok(self.unsubscribed(site))
            }
            Action::UnsubscribeAll(id) => {
                let site = self.unsubscribe_all(*id).await?;
                self.done(site, "page_unsub_title", "page_unsub_done")
            }
            Action::UnsubscribePosts(id) => {
                self.unsubscribe_posts(*id, choice == Some("all")).await
            }
            Action::Subscriptions(id) => self.end_subscription(*id, choice).await,
            Action::Export { site, email } => self.export_own(site, email).await,
            Action::Erase { site, email } => self.erase_own(site, email, &link.nonce).await,
            Action::SignIn { .. } => Err(Error::LinkInvalid),
        }
    }

    /// The page that says a link did its work, in the site's language.
    fn done(&self, site: SiteId, title: &str, message: &str) -> Result<LinkAnswer, Error> {
        Ok(done_page(self.words(&site)?, title, message))
    }

    /// The page that says emails are stopped, in the language of the site
    /// they came from (English when it is gone).
    pub(super) fn unsubscribed(&self, site: Option<SiteId>) -> LinkAnswer {
        let lang = site
            .and_then(|s| self.sites.by_id(&s))
            .map_or("en".to_string(), |s| s.settings.language.clone());
        done_page(Words::new(&lang), "page_unsub_title", "page_unsub_done")
    }

    /// The words of a site's language.
    pub(super) fn words(&self, site: &SiteId) -> Result<Words, Error> {
        Ok(Words::new(&self.site(site)?.settings.language))
    }

    pub(super) fn check_link(&self, token: &str) -> Result<Link, Error> {
        links::verify(self.notifier.keys(), token, now()).map_err(|e| match e {
            LinkError::Invalid => Error::LinkInvalid,
            LinkError::Expired => Error::LinkExpired,
        })
    }

    pub(super) fn site(&self, id: &SiteId) -> Result<Arc<Site>, Error> {
        self.sites.by_id(id).ok_or(Error::NotFound)
    }
}
