//! Moderators look after threads: retitle, lock or unlock, or move one
//! to a new address.

use super::App;
use super::session::AdminSession;
use crate::domain::{Origin, SiteId, now};
use crate::error::Error;
use crate::store::{admins, moderation, threads};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize)]
pub struct AdminThread {
    pub id: i64,
    pub site: String,
    pub key: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub locked: bool,
}

#[derive(Debug, Serialize)]
pub struct ThreadWithCount {
    #[serde(flatten)]
    pub thread: AdminThread,
    pub count: u64,
}

/// Changes to a thread; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadChange {
    pub title: Option<String>,
    pub locked: Option<bool>,
    /// Moves the thread to the page at this URL.
    pub url: Option<String>,
}

pub(super) fn thread_view(t: &threads::ThreadRow) -> AdminThread {
    AdminThread {
        id: t.id,
        site: t.site_id.to_string(),
        key: t.key.to_string(),
        url: t.url.clone(),
        title: t.title.clone(),
        locked: t.locked,
    }
}

impl App {
    pub async fn admin_threads(
        &self,
        site: Option<SiteId>,
        offset: u32,
    ) -> Result<Vec<ThreadWithCount>, Error> {
        let rows = self
            .db
            .read(move |c| moderation::threads(c, site.as_ref(), 100, offset))
            .await?;
        Ok(rows
            .into_iter()
            .map(|(t, count)| ThreadWithCount {
                thread: thread_view(&t),
                count,
            })
            .collect())
    }

    /// Retitles, locks or unlocks, or moves a thread to a new URL.
    pub async fn update_thread(
        &self,
        s: &AdminSession,
        id: i64,
        change: ThreadChange,
    ) -> Result<AdminThread, Error> {
        let thread = self.db.read(move |c| threads::get(c, id)).await?;
        let site = self.sites.by_id(&thread.site_id).ok_or(Error::NotFound)?;
        let remap = match change.url.as_deref() {
            Some(u) => {
                let page =
                    crate::domain::PageRef::parse(u).map_err(|m| Error::validation("url", m))?;
                if !site.origins.contains(&page.origin) {
                    return Err(Error::validation(
                        "url",
                        format!(
                            "The new address must be on one of the site's origins ({}).",
                            site.origins
                                .iter()
                                .map(Origin::as_str)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
                Some((page.thread_key(&site.settings.keep_query), page.canonical()))
            }
            None => None,
        };
        let user = s.username.clone();
        let old_key = thread.key.clone();
        let updated = self
            .db
            .write(move |c| {
                if let Some(title) = &change.title {
                    let title = title.trim();
                    moderation::set_thread_title(c, id, (!title.is_empty()).then_some(title))?;
                    admins::audit(c, now(), &user, "retitle", &format!("thread {id}"), title)?;
                }
                if let Some(locked) = change.locked {
                    moderation::set_thread_locked(c, id, locked)?;
                    admins::audit(
                        c,
                        now(),
                        &user,
                        if locked { "lock" } else { "unlock" },
                        &format!("thread {id}"),
                        "",
                    )?;
                }
                if let Some((key, url)) = &remap {
                    if !moderation::remap_thread(c, id, key, url)? {
                        return Err(Error::Conflict(
                            "Another thread already has that address. Move or delete it first."
                                .into(),
                        ));
                    }
                    admins::audit(c, now(), &user, "remap", &format!("thread {id}"), url)?;
                }
                Ok(threads::get(c, id)?)
            })
            .await?;
        self.cache.invalidate(&updated.site_id, &old_key);
        self.cache.invalidate(&updated.site_id, &updated.key);
        Ok(thread_view(&updated))
    }
}
