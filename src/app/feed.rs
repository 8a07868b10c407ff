//! Atom feeds (RFC 4287) of a thread's or a site's newest published comments.

use super::cache::Encoded;
use super::{App, PageQuery};
use crate::domain::{PageRef, Site, SiteId, ThreadKey, rfc3339};
use crate::error::Error;
use crate::store::{comments_search, threads};
use std::fmt::Write;
use std::sync::Arc;

/// How many comments a feed carries.
const FEED_SIZE: u32 = 50;

/// Escapes text for XML content and attribute values, and drops the
/// characters XML 1.0 cannot carry at all (control characters, U+FFFE,
/// U+FFFF), so that a feed is always well-formed whatever a comment holds.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

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
        let (site_id, key) = (site.id.clone(), thread_key.clone());
        let (thread, rows) = self
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
        let title = match (&thread_key, &thread) {
            (Some(_), Some(t)) => format!(
                "Comments on {}",
                t.title.clone().unwrap_or_else(|| t.key.to_string())
            ),
            (Some(k), None) => format!("Comments on {k}"),
            (None, _) => format!("Comments on {}", site.name),
        };
        let feed_id = match &thread {
            Some(t) => t
                .url
                .clone()
                .unwrap_or_else(|| format!("urn:natter:{}:{}", site.id, t.key)),
            None => format!(
                "urn:natter:{}:{}",
                site.id,
                thread_key.as_ref().map_or("", |k| k.as_str())
            ),
        };
        // The feed's own address comes from the thread or site, never from
        // the request: the answer is shared by everyone who asks.
        let self_query = match &thread_key {
            Some(k) => thread_feed_query(&site, k, thread.as_ref().and_then(|t| t.url.as_deref())),
            None => format!("site={}", enc(site.id.as_str())),
        };
        let updated = rows
            .first()
            .map_or(0, |r| r.comment.edited.unwrap_or(r.comment.created));
        let mut out = String::with_capacity(1024 + rows.len() * 512);
        out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
        let _ = writeln!(out, "<id>{}</id>", xml(&feed_id));
        let _ = writeln!(out, "<title>{}</title>", xml(&title));
        let _ = writeln!(out, "<updated>{}</updated>", rfc3339(updated));
        let _ = writeln!(
            out,
            "<link rel=\"self\" href=\"/api/feed?{}\"/>",
            xml(&self_query)
        );
        if let Some(url) = thread.as_ref().and_then(|t| t.url.as_deref()) {
            let _ = writeln!(
                out,
                "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
                xml(url)
            );
        }
        let _ = writeln!(out, "<generator>natter</generator>");
        for entry in &rows {
            let (row, key) = (&entry.comment, &entry.key);
            let page = entry.url.clone().unwrap_or_else(|| key.clone());
            let link = format!("{page}#natter-comment-{}", row.id);
            let author = row.name.clone().unwrap_or_else(|| "Anonymous".into());
            let on = entry.title.clone().unwrap_or_else(|| key.clone());
            out.push_str("<entry>\n");
            let _ = writeln!(out, "<id>{}</id>", xml(&link));
            let _ = writeln!(out, "<title>{} on {}</title>", xml(&author), xml(&on));
            let _ = writeln!(
                out,
                "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
                xml(&link)
            );
            let _ = writeln!(out, "<published>{}</published>", rfc3339(row.created));
            let _ = writeln!(
                out,
                "<updated>{}</updated>",
                rfc3339(row.edited.unwrap_or(row.created))
            );
            let _ = writeln!(out, "<author><name>{}</name></author>", xml(&author));
            let _ = writeln!(
                out,
                "<content type=\"html\">{}</content>",
                xml(row.html.as_str())
            );
            out.push_str("</entry>\n");
        }
        out.push_str("</feed>\n");
        let digest = {
            use sha2::Digest;
            sha2::Sha256::digest(out.as_bytes())
        };
        let answer = Arc::new(Encoded::from_bytes(
            out.as_bytes(),
            &crate::keys::hex(&digest[..12]),
        ));
        // A page with no thread is not kept: made-up addresses cost no memory.
        if thread_key.is_none() || thread.is_some() {
            self.cache.put_shared(cache_key, generation, answer.clone());
        }
        Ok(answer)
    }
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
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

#[cfg(test)]
mod tests {
    #[test]
    fn xml_escaping() {
        assert_eq!(
            super::xml("<a href=\"x\">&'\u{1}</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(super::xml("a\u{fffe}b\u{ffff}c\u{fffd}"), "abc\u{fffd}");
    }
}
