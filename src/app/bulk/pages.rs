//! The thread key of each page an import names: a page's path on the
//! site, whatever host the old system wrote, and a refusal when pages would
//! merge because a query parameter that tells them apart is dropped.

use super::{ImportError, Sink};
use crate::domain::{PageRef, ThreadKey};

impl Sink<'_> {
    /// The thread key of a page address: its path on the site, whatever
    /// host the old system wrote (sites move between domains).
    pub fn key_of(&mut self, url: &str) -> Result<(ThreadKey, String), ImportError> {
        let parsed = PageRef::parse(url).or_else(|_| {
            let origin = self.site.origins.first().map_or("", |o| o.as_str());
            PageRef::parse(&format!("{origin}/{}", url.trim_start_matches('/')))
        });
        let page =
            parsed.map_err(|e| ImportError::Invalid(format!("page address {url:?}: {e}")))?;
        let key = page.thread_key(&self.site.settings.keep_query);
        self.check_query(&page, &key, url)?;
        Ok((key, page.canonical()))
    }

    /// The thread key of a post that was never public (a WordPress draft,
    /// addressed as `/?p=9`): its page id is kept whatever the site keeps,
    /// so that its held comments stay apart from every other page's.
    pub fn key_of_unpublished(&mut self, url: &str) -> Result<(ThreadKey, String), ImportError> {
        let page = PageRef::parse(url)
            .map_err(|e| ImportError::Invalid(format!("page address {url:?}: {e}")))?;
        let mut keep = self.site.settings.keep_query.clone();
        keep.extend(["p".to_string(), "page_id".to_string()]);
        Ok((page.thread_key(&keep), page.canonical()))
    }

    /// A page's address on this site: one on an origin the site no longer
    /// has (a move to a new domain) takes the site's first origin, so that
    /// links in the API, feeds and emails lead to the new domain.
    pub(super) fn on_site(&mut self, url: &str) -> Result<String, ImportError> {
        let Ok(page) = PageRef::parse(url) else {
            return Ok(url.to_string());
        };
        let Some(origin) = self.site.origins.first() else {
            return Ok(url.to_string());
        };
        if self.site.origins.contains(&page.origin) {
            return Ok(url.to_string());
        }
        let note = format!(
            "pages on {} are not on this site's origins: their threads were keyed by path and now have addresses on {origin}",
            page.origin
        );
        if !self.summary.notes.contains(&note) {
            self.summary.notes.push(note);
        }
        Ok(page
            .on_origin(origin)
            .map_err(ImportError::Invalid)?
            .canonical())
    }

    /// Refuses a file whose pages are told apart only by a query parameter
    /// the site does not keep (WordPress's `/?p=4`): they would all land in
    /// one thread.
    fn check_query(
        &mut self,
        page: &PageRef,
        key: &ThreadKey,
        url: &str,
    ) -> Result<(), ImportError> {
        let dropped = page.dropped_query(&self.site.settings.keep_query);
        let page_ids: Vec<&String> = dropped
            .iter()
            .filter(|q| matches!(q.as_str(), "p" | "page_id"))
            .collect();
        let first = self
            .keyed
            .entry(key.clone())
            .or_insert_with(|| url.to_string());
        // Other pages that differ only in a dropped parameter are one page
        // seen with tracking parameters (`?utm_source=`), and are one
        // thread, except on the home page, where such addresses name posts.
        let clash = *first != url && !dropped.is_empty() && key.as_str() == "/";
        if page_ids.is_empty() && !clash {
            return Ok(());
        }
        let names = if page_ids.is_empty() {
            dropped.join(",")
        } else {
            page_ids
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        let seen = if clash {
            format!("{url} and {first} would both be the thread {key}")
        } else {
            format!("{url} would be the thread {key}")
        };
        Err(ImportError::Invalid(format!(
            "pages of this file are told apart by the query parameter {names} ({seen}), which site {} does not keep; \
             run the import again with --keep-query {names}, which keeps it for the site from now on \
             (for a site set in natter.toml, add keep_query = [\"{names}\"] to it there)",
            self.site.id
        )))
    }
}
