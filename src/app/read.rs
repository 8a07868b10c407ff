//! Reading a thread (DESIGN §3, §4): a page of its comments, built once
//! per version and cut into pages from the cache, and a text's preview.

use super::cache::{Encoded, Format, PageKey};
use super::view::{BuiltThread, Sort, ThreadAnswer, ThreadInfo};
use super::{App, Located, PageQuery, blocking};
use crate::domain::comment::validate_text;
use crate::domain::now;
use crate::error::Error;
use crate::store::{comments, events, threads};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct ThreadParams {
    pub sort: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

const DEFAULT_PAGE: u32 = 50;

const MAX_PAGE: u32 = 200;

/// The sort, offset and limit a request asks for, checked.
fn asked(p: &ThreadParams) -> Result<(Sort, usize, u32), Error> {
    let sort = Sort::parse(p.sort.as_deref()).map_err(|m| Error::validation("sort", m))?;
    let limit = p.limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(Error::validation(
            "limit",
            format!("limit must be between 1 and {MAX_PAGE}"),
        ));
    }
    // A cursor counts top-level comments, so it fits in a u32; checked
    // here, the sums after it cannot overflow.
    let offset: usize = match p.cursor.as_deref() {
        None | Some("") => 0,
        Some(c) => c.parse::<u32>().map(|n| n as usize).map_err(|_| {
            Error::validation(
                "cursor",
                "cursor is not one this server gave; start again without it",
            )
        })?,
    };
    Ok((sort, offset, limit))
}

/// The answer for a page that has no thread yet; `event_id` is where a
/// live stream from it starts.
fn empty_answer(page: &Located, event_id: i64) -> ThreadAnswer {
    ThreadAnswer {
        thread: ThreadInfo {
            key: page.key.to_string(),
            url: None,
            title: None,
            count: 0,
            locked: false,
            event_id,
        },
        comments: Vec::new(),
        next_cursor: None,
    }
}

impl App {
    /// `GET /api/comments`: a page of the thread. The thread is built once
    /// per version and each page cut from that build; both are cached under
    /// the normalised request, and only for threads that exist.
    pub async fn thread(&self, q: &PageQuery, p: &ThreadParams) -> Result<Arc<Encoded>, Error> {
        self.thread_as(q, p, Format::Json, |answer, _| Encoded::encode(answer))
            .await
    }

    /// A page of the thread, encoded by `encode` and cached as `format`.
    pub(super) async fn thread_as(
        &self,
        q: &PageQuery,
        p: &ThreadParams,
        format: Format,
        encode: impl Fn(&ThreadAnswer, &Located) -> Encoded,
    ) -> Result<Arc<Encoded>, Error> {
        let page = self.locate(q)?;
        let (sort, offset, limit) = asked(p)?;
        let asked = PageKey {
            sort,
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
            limit,
            format,
        };
        if let Some(hit) = self.cache.page(&page.site.id, &page.key, &asked) {
            return Ok(hit);
        }
        let Some(built) = self.built_thread(&page).await? else {
            // A live stream from here misses none of the first comments.
            let event_id = self.db.read(events::last_id).await?;
            return Ok(Arc::new(encode(&empty_answer(&page, event_id), &page)));
        };
        // Past the end every cursor and limit gives the same page.
        let top = built.top_level();
        let offset = offset.min(top);
        let limit = (limit as usize).min(top - offset);
        let key = PageKey {
            sort,
            offset: offset as u32,
            limit: limit as u32,
            format,
        };
        if let Some(hit) = self.cache.page(&page.site.id, &page.key, &key) {
            return Ok(hit);
        }
        let answer = Arc::new(encode(&built.page(sort, offset, limit), &page));
        self.cache
            .put_page(&page.site.id, &page.key, &built, key, answer.clone());
        Ok(answer)
    }

    /// A page of a located thread as the public sees it, not encoded.
    pub(super) async fn thread_answer(
        &self,
        page: &Located,
        p: &ThreadParams,
    ) -> Result<ThreadAnswer, Error> {
        let (sort, offset, limit) = asked(p)?;
        Ok(match self.built_thread(page).await? {
            // (Not sent as JSON, so no live stream starts from its event id.)
            None => empty_answer(page, 0),
            Some(built) => built.page(sort, offset, limit as usize),
        })
    }

    /// The thread's public comments as built for paging, from the cache or
    /// built now (off the async workers); `None` when the page has no thread.
    async fn built_thread(&self, page: &Located) -> Result<Option<Arc<BuiltThread>>, Error> {
        if let Some(hit) = self.cache.built(&page.site.id, &page.key) {
            return Ok(Some(hit));
        }
        let generation = self.cache.generation();
        let (site, key) = (page.site.id.clone(), page.key.clone());
        let (keys, look) = (self.keys.clone(), self.look(&page.site));
        let built = self
            .db
            .read(move |c| {
                let Some(t) = threads::find(c, &site, &key)? else {
                    return Ok(None);
                };
                // In the same read as the comments: events after it are
                // of changes the rows do not show yet.
                let event_id = events::last_id(c)?;
                let rows = comments::public_in_thread(c, t.id)?;
                let info = ThreadInfo {
                    key: t.key.to_string(),
                    url: t.url,
                    title: t.title,
                    count: 0,
                    locked: t.locked,
                    event_id,
                };
                Ok(Some(Arc::new(BuiltThread::build(
                    info, &rows, &look, &keys,
                ))))
            })
            .await?;
        if let Some(b) = &built {
            self.cache
                .put_built(&page.site.id, &page.key, generation, b.clone());
        }
        Ok(built)
    }

    /// `POST /api/preview`: the HTML a text would be stored as.
    pub async fn preview(&self, text: &str) -> Result<String, Error> {
        let limits = crate::domain::SiteSettings::default();
        let text = validate_text(text, &limits)?;
        Ok(blocking::render(text).await?.into_string())
    }

    /// The signed timestamp a form sends back with its comment; made once
    /// a second, as every thread answer carries it.
    pub fn form_token(&self) -> String {
        let t = now();
        let mut last = self.form_token.lock().unwrap_or_else(|p| p.into_inner());
        if last.0 != t {
            *last = (t, self.keys.form_token(t));
        }
        last.1.clone()
    }
}
