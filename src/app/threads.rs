//! Moderators look after threads: retitle, lock or unlock, or move one
//! to a new address.

use super::session::AdminSession;
use super::{App, PageQuery, audit};
use crate::domain::audit::{Actor, Change, Entry, Target};
use crate::domain::{PageOnSite, PageRef, SiteId, ThreadId, UnixTime, now};
use crate::error::Error;
use crate::store::{Conn, threads, threads::ThreadRow};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct AdminThread {
    pub id: ThreadId,
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
#[derive(Debug, Clone, Default)]
pub struct ThreadChange {
    pub title: Option<String>,
    pub locked: Option<bool>,
    /// Moves the thread to the page at this URL.
    pub url: Option<String>,
}

pub(super) fn thread_view(t: &ThreadRow) -> AdminThread {
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
            .read(move |c| threads::with_counts(c, site.as_ref(), 100, offset))
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
        id: ThreadId,
        change: ThreadChange,
    ) -> Result<AdminThread, Error> {
        let thread = self.db.read(move |c| threads::get(c, id)).await?;
        let moved = match change.url.as_deref() {
            Some(url) => Some(self.page_of_thread(&thread, url)?),
            None => None,
        };
        let actor = s.actor();
        let updated = self
            .db
            .write(move |c| {
                let at = now();
                if let Some(title) = &change.title {
                    let title = title.trim();
                    threads::set_title(c, id, (!title.is_empty()).then_some(title))?;
                    let entry = Entry::new(&actor, Change::Retitle, Target::Thread(id), title);
                    audit::record(c, at, &entry)?;
                }
                if let Some(locked) = change.locked {
                    threads::set_locked(c, id, locked)?;
                    let change = if locked { Change::Lock } else { Change::Unlock };
                    audit::record(c, at, &Entry::new(&actor, change, Target::Thread(id), ""))?;
                }
                if let Some(page) = &moved {
                    remap(c, &actor, id, page, at)?;
                }
                Ok::<_, Error>(threads::get(c, id)?)
            })
            .await?;
        self.cache.invalidate(&updated.site_id, &thread.key);
        self.cache.invalidate(&updated.site_id, &updated.key);
        Ok(thread_view(&updated))
    }

    /// Moves the thread at one page address to another page of the same
    /// site, as `actor` (the command line's `natter threads move`).
    pub async fn move_thread(&self, actor: Actor, from: &str, to: &str) -> Result<(), Error> {
        let from = self.locate(&PageQuery {
            url: Some(from.to_string()),
            page_id: None,
        })?;
        let (site, key) = (from.site.id.clone(), from.key.clone());
        let thread = self
            .db
            .read(move |c| threads::find(c, &site, &key))
            .await?
            .ok_or(Error::NotFound)?;
        let page = self.page_of_thread(&thread, to)?;
        let id = thread.id;
        self.db
            .write(move |c| remap(c, &actor, id, &page, now()))
            .await?;
        self.cache.invalidate(&thread.site_id, &thread.key);
        Ok(())
    }

    /// Where a thread would move to: an address on the thread's own site.
    fn page_of_thread(&self, thread: &ThreadRow, url: &str) -> Result<PageOnSite, Error> {
        let site = self.sites.by_id(&thread.site_id).ok_or(Error::NotFound)?;
        let page = PageRef::parse(url).map_err(|m| Error::validation("url", m))?;
        Ok(site.page(&page, None)?)
    }
}

/// Gives a thread its new address, unless another thread has it.
fn remap(
    c: &Conn,
    actor: &Actor,
    id: ThreadId,
    page: &PageOnSite,
    at: UnixTime,
) -> Result<(), Error> {
    if !threads::remap(c, id, &page.key, &page.canonical)? {
        return Err(Error::Conflict(
            "Another thread already has that address. Move or delete it first.".into(),
        ));
    }
    let entry = Entry::new(actor, Change::Remap, Target::Thread(id), &*page.canonical);
    Ok(audit::record(c, at, &entry)?)
}
