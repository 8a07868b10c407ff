//! Feed state and feed entries tables: what natter last heard from each
//! site's feed (for conditional GET), and the posts it has seen there.

use super::{Conn, StoreError};
use crate::domain::{SiteId, UnixTime};
use rusqlite::OptionalExtension;

/// A site's feed as natter last read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedState {
    /// The feed's address when it was read; another address starts over.
    pub url: String,
    /// The `ETag` of the last full answer.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last full answer.
    pub last_modified: Option<String>,
    /// When the first read recorded what existed; None before it.
    pub primed: Option<UnixTime>,
}

/// The one mapping of a feed state row, in the order of `SELECT url, etag,
/// last_modified, primed`.
fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FeedState> {
    Ok(FeedState {
        url: r.get(0)?,
        etag: r.get(1)?,
        last_modified: r.get(2)?,
        primed: r.get(3)?,
    })
}

/// A site's feed state, if its feed was ever read.
pub fn state(conn: &Conn, site: &SiteId) -> Result<Option<FeedState>, StoreError> {
    Ok(conn
        .0
        .prepare_cached(
            "SELECT url, etag, last_modified, primed FROM feed_state WHERE site_id = ?1",
        )?
        .query_row([site.as_str()], from_row)
        .optional()?)
}

/// Keeps a site's feed state after a read that worked.
pub fn keep_state(
    conn: &Conn,
    site: &SiteId,
    s: &FeedState,
    now: UnixTime,
) -> Result<(), StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO feed_state (site_id, url, etag, last_modified, primed, polled, last_error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)
             ON CONFLICT (site_id) DO UPDATE SET url = excluded.url, etag = excluded.etag,
               last_modified = excluded.last_modified, primed = excluded.primed,
               polled = excluded.polled, last_error = NULL",
        )?
        .execute(rusqlite::params![
            site.as_str(),
            s.url,
            s.etag,
            s.last_modified,
            s.primed,
            now
        ])?;
    Ok(())
}

/// Notes why the last read of a site's feed failed (for the operator).
pub fn keep_error(
    conn: &Conn,
    site: &SiteId,
    url: &str,
    error: &str,
    now: UnixTime,
) -> Result<(), StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO feed_state (site_id, url, polled, last_error) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (site_id) DO UPDATE SET polled = excluded.polled,
               last_error = excluded.last_error",
        )?
        .execute(rusqlite::params![site.as_str(), url, now, error])?;
    Ok(())
}

/// Forgets the posts seen in a site's feed (its feed moved elsewhere).
pub fn forget_entries(conn: &Conn, site: &SiteId) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("DELETE FROM feed_entries WHERE site_id = ?1")?
        .execute([site.as_str()])?;
    Ok(())
}

/// Records a post seen in a site's feed; false when it was seen before.
pub fn see(
    conn: &Conn,
    site: &SiteId,
    key: &str,
    title: Option<&str>,
    link: Option<&str>,
    now: UnixTime,
) -> Result<bool, StoreError> {
    let n = conn
        .0
        .prepare_cached(
            "INSERT INTO feed_entries (site_id, entry_key, title, link, seen)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        )?
        .execute(rusqlite::params![site.as_str(), key, title, link, now])?;
    Ok(n == 1)
}
