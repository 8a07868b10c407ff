//! A reader's emailed links about notifications (DESIGN §6): confirm an
//! address, stop one thread's emails, or stop them all.

use super::App;
use crate::domain::{Site, SiteId, now};
use crate::error::Error;
use crate::notify::page::Page;
use crate::notify::page_name;
use crate::notify::strings::Words;
use crate::store::{StoreError, subscribers, subscriptions, threads};
use std::sync::Arc;

impl App {
    /// The site of a subscriber, and the words of its language.
    async fn subscriber_site(&self, id: i64) -> Result<(Arc<Site>, Words), Error> {
        let sub = self.db.read(move |c| subscribers::get(c, id)).await?;
        let site = self.site(&sub.site_id)?;
        let w = Words::new(&site.settings.language);
        Ok((site, w))
    }

    pub(super) async fn confirm_page(&self, id: i64) -> Result<Page, Error> {
        let (site, w) = self.subscriber_site(id).await?;
        Ok(Page::new(w, &w.t("page_confirm_title", &[]))
            .para(&w.t("confirm_asked", &[("site", &site.name)]))
            .button(&w.t("confirm_button", &[]), "do", "confirm"))
    }

    /// Confirms a subscriber's address; returns their site.
    pub(super) async fn confirm(&self, id: i64) -> Result<SiteId, Error> {
        let sub = self
            .db
            .write(move |c| {
                subscribers::confirm(c, id, now())?;
                subscribers::get(c, id)
            })
            .await?;
        Ok(sub.site_id)
    }

    /// The choice of ending one subscription or all; `None` when it ended before.
    pub(super) async fn unsubscribe_page(&self, id: i64) -> Result<Option<Page>, Error> {
        let found = self
            .db
            .read(move |c| {
                let Ok(s) = subscriptions::get(c, id) else {
                    return Ok(None);
                };
                let sub = subscribers::get(c, s.subscriber_id)?;
                Ok(Some((sub, threads::get(c, s.thread_id)?)))
            })
            .await?;
        let Some((sub, thread)) = found else {
            return Ok(None);
        };
        let site = self.site(&sub.site_id)?;
        let w = Words::new(&site.settings.language);
        let page = page_name(&thread);
        Ok(Some(
            Page::new(w, &w.t("page_unsub_title", &[]))
                .button(&w.t("page_unsub_one", &[("page", &page)]), "do", "one")
                .button(&w.t("page_unsub_all", &[("site", &site.name)]), "do", "all"),
        ))
    }

    /// Ends one subscription, or (`all`) every one of its address; returns
    /// the site, or `None` when it had ended before.
    pub(super) async fn unsubscribe(&self, id: i64, all: bool) -> Result<Option<SiteId>, Error> {
        Ok(self
            .db
            .write(move |c| {
                let Ok(s) = subscriptions::get(c, id) else {
                    return Ok::<_, StoreError>(None);
                };
                let sub = subscribers::get(c, s.subscriber_id)?;
                if all {
                    subscribers::stop_all(c, sub.id)?;
                } else {
                    subscriptions::unfollow(c, id)?;
                }
                Ok(Some(sub.site_id))
            })
            .await?)
    }

    pub(super) async fn unsubscribe_all_page(&self, id: i64) -> Result<Page, Error> {
        let (site, w) = self.subscriber_site(id).await?;
        Ok(Page::new(w, &w.t("page_unsub_title", &[])).button(
            &w.t("page_unsub_all", &[("site", &site.name)]),
            "do",
            "all",
        ))
    }

    /// Ends every subscription of a subscriber; returns their site.
    pub(super) async fn unsubscribe_all(&self, id: i64) -> Result<SiteId, Error> {
        let sub = self
            .db
            .write(move |c| {
                subscribers::stop_all(c, id)?;
                subscribers::get(c, id)
            })
            .await?;
        Ok(sub.site_id)
    }
}
