//! Atom feeds (RFC 4287) of a thread's or a site's newest published comments.

use super::cache::Encoded;
use super::{App, PageQuery};
use crate::domain::{PageRef, Site, SiteId, ThreadKey, rfc3339};
use crate::error::Error;
use crate::render::atom;
use crate::store::comments_search;
use crate::store::threads::{self, ThreadRow};
use std::sync::Arc;

/// How many comments a feed carries.
const FEED_SIZE: u32 = 50;

/// Which feed to build.
#[derive(Debug, Clone)]
pub enum FeedOf {
    Thread(PageQuery),
    Site(String),
}

impl App {
    /// `GET /api/feed?url=U` or `GET /api/feed?site=S`.
    pub async fn feed(&self, of: FeedOf) -> Result<Arc<Encoded>, Error> {
        let (site, thread_key) = match &of {
            FeedOf::Thread(q) => {
                let page = self.locate(q)?;
                (page.site, Some(page.key))
            }
            FeedOf::Site(id) => {
                let id = SiteId::parse(id).map_err(|m| Error::validation("site", m))?;
                let site = self.sites.by_id(&id).ok_or(Error::NotFound)?;
                (site, None)
            }
        };
        let cache_key = format!(
            "feed:{}:{}",
            site.id,
            thread_key.as_ref().map_or("", |k| k.as_str())
        );
        if let Some(hit) = self.cache.shared(&cache_key) {
            return Ok(hit);
        }
        let generation = self.cache.generation();
        let (thread, rows) = self.feed_rows(&site.id, thread_key.clone()).await?;
        let out = feed_xml(&site, thread_key.as_ref(), thread.as_ref(), &rows);
        let answer = Arc::new(Encoded::from_text(&out));
        // A page with no thread is not kept: made-up addresses cost no memory.
        if thread_key.is_none() || thread.is_some() {
            self.cache.put_shared(cache_key, generation, answer.clone());
        }
        Ok(answer)
    }

    /// The thread (none when it has no comments yet) and its newest
    /// published comments, or the site's without a key.
    async fn feed_rows(
        &self,
        site: &SiteId,
        key: Option<ThreadKey>,
    ) -> Result<(Option<ThreadRow>, Vec<comments_search::FeedRow>), Error> {
        let site_id = site.clone();
        let found = self
            .db
            .read(move |c| {
                let thread = match &key {
                    Some(k) => match threads::find(c, &site_id, k)? {
                        Some(t) => Some(t),
                        None => return Ok((None, Vec::new())),
                    },
                    None => None,
                };
                let rows = comments_search::newest_published(
                    c,
                    &site_id,
                    thread.as_ref().map(|t| t.id),
                    FEED_SIZE,
                )?;
                Ok::<_, crate::store::StoreError>((thread, rows))
            })
            .await?;
        Ok(found)
    }
}

/// The feed's XML: its title, id and own address named from the thread or
/// the site, never from the request (the answer is shared by everyone who
/// asks).
fn feed_xml(
    site: &Site,
    thread_key: Option<&ThreadKey>,
    thread: Option<&ThreadRow>,
    rows: &[comments_search::FeedRow],
) -> String {
    let title = match (thread_key, thread) {
        (Some(_), Some(t)) => format!(
            "Comments on {}",
            t.title.clone().unwrap_or_else(|| t.key.to_string())
        ),
        (Some(k), None) => format!("Comments on {k}"),
        (None, _) => format!("Comments on {}", site.name),
    };
    let feed_id = match thread {
        Some(t) => t
            .url
            .clone()
            .unwrap_or_else(|| format!("urn:natter:{}:{}", site.id, t.key)),
        None => format!(
            "urn:natter:{}:{}",
            site.id,
            thread_key.map_or("", |k| k.as_str())
        ),
    };
    let page = thread.and_then(|t| t.url.as_deref());
    let self_query = match thread_key {
        Some(k) => thread_feed_query(site, k, page),
        None => format!("site={}", enc(site.id.as_str())),
    };
    let updated = rows
        .first()
        .map_or(0, |r| r.comment.edited.unwrap_or(r.comment.created));
    let head = atom::Feed {
        id: &feed_id,
        title: &title,
        updated: &rfc3339(updated),
        self_query: &self_query,
        page,
    };
    atom::feed(&head, &entries(rows))
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The feed's entries, newest first, as the rows came.
fn entries(rows: &[comments_search::FeedRow]) -> Vec<atom::Entry<'_>> {
    rows.iter()
        .map(|entry| {
            let (row, key) = (&entry.comment, &entry.key);
            let page = entry.url.as_deref().unwrap_or(key);
            atom::Entry {
                link: format!("{page}#natter-comment-{}", row.id),
                author: row.name.as_deref().unwrap_or("Anonymous"),
                on: entry.title.as_deref().unwrap_or(key),
                published: rfc3339(row.created),
                updated: rfc3339(row.edited.unwrap_or(row.created)),
                html: row.html.as_str(),
            }
        })
        .collect()
}

/// The query of a thread's feed: the site's origin with the key's path
/// when that leads back to the thread, else the thread's stored address
/// with the key itself.
fn thread_feed_query(site: &Site, key: &ThreadKey, stored: Option<&str>) -> String {
    let origin = site.origins.first().map_or("", |o| o.as_str());
    let by_path = format!("{origin}{key}");
    let leads_back = key.as_str().starts_with('/')
        && PageRef::parse(&by_path).is_ok_and(|p| {
            site.origins.contains(&p.origin) && p.thread_key(&site.settings.keep_query) == *key
        });
    if leads_back {
        return format!("url={}", enc(&by_path));
    }
    let url = stored.map_or_else(|| format!("{origin}/"), str::to_string);
    format!("url={}&page_id={}", enc(&url), enc(key.as_str()))
}
