//! Comments table, what posting asks of it: whether the author is known
//! on the site, and whether the same text was just posted.

use super::comments::text_hash;
use super::{Conn, StoreError};
use crate::domain::{SiteId, ThreadId, UnixTime};

/// What may tell natter who is posting (DESIGN §5): only what an impostor
/// cannot supply. A typed email alone is never enough.
#[derive(Debug, Clone, Copy, Default)]
pub struct Author<'a> {
    /// The author key: a keyed hash of the widget's voter id on this site.
    pub key: Option<&'a str>,
    /// The address given with the comment and its keyed hash. It speaks
    /// for the poster only when `key` is one the address's owner confirmed
    /// it with (`subscriber_keys::owns`).
    pub email: Option<(&'a str, &'a str)>,
    // A signed-in identity (DESIGN §15) will be a third proof here, with
    // its provider-verified email counting as confirmed.
}

/// Whether the author has an earlier published comment on the site: under
/// the same author key, or under an address whose owner they are shown to be.
pub fn author_known(conn: &Conn, site: &SiteId, author: Author<'_>) -> Result<bool, StoreError> {
    let Some(key) = author.key else {
        return Ok(false);
    };
    let by_key: bool = conn
        .0
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM comments c JOIN threads t ON t.id = c.thread_id
             WHERE t.site_id = ?1 AND c.voter_hash = ?2 AND c.status = 'published')",
        )?
        .query_row((site.as_str(), key), |r| r.get(0))?;
    if by_key {
        return Ok(true);
    }
    let Some((email, email_hash)) = author.email else {
        return Ok(false);
    };
    if !super::subscriber_keys::owns(conn, site, email_hash, key)? {
        return Ok(false);
    }
    Ok(conn
        .0
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM comments c JOIN threads t ON t.id = c.thread_id
             WHERE t.site_id = ?1 AND lower(c.email) = lower(?2) AND c.status = 'published')",
        )?
        .query_row((site.as_str(), email), |r| r.get(0))?)
}

/// Finds a text by its hash: an index lookup however busy the thread.
/// Rows stored before texts were hashed are compared through their own
/// small index (migration 0008).
pub(super) const DUPLICATE: &str =
    "SELECT EXISTS (SELECT 1 FROM comments INDEXED BY comments_text_hash
                            WHERE thread_id = ?1 AND text_hash = ?4 AND created >= ?3
                              AND text = ?2 AND status != 'deleted')
                 OR EXISTS (SELECT 1 FROM comments INDEXED BY comments_unhashed
                            WHERE thread_id = ?1 AND text_hash IS NULL AND created >= ?3
                              AND text = ?2 AND status != 'deleted')";

/// Whether the same text was posted in the thread since `since`.
pub fn recent_duplicate(
    conn: &Conn,
    thread_id: ThreadId,
    text: &str,
    since: UnixTime,
) -> Result<bool, StoreError> {
    Ok(conn.0.prepare_cached(DUPLICATE)?.query_row(
        rusqlite::params![thread_id, text, since, text_hash(text)],
        |r| r.get(0),
    )?)
}
