//! Threads table: one per commented page of a site.

use super::{Conn, StoreError};
use crate::domain::{SiteId, ThreadId, ThreadKey, UnixTime};
use rusqlite::OptionalExtension;

/// A stored thread.
#[derive(Debug, Clone)]
pub struct ThreadRow {
    pub id: ThreadId,
    pub site_id: SiteId,
    pub key: ThreadKey,
    pub url: Option<String>,
    pub title: Option<String>,
    pub locked: bool,
}

/// The columns [`from_row`] reads, in its order, each prefixed with `t.`
/// so that a query may join other tables.
pub(super) const COLUMNS: &str = "t.id, t.key, t.url, t.title, t.locked, t.site_id";

/// How many columns [`COLUMNS`] has.
const WIDTH: usize = 6;

/// The one mapping of a thread row: [`COLUMNS`] read from column `at` on.
pub(super) fn from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<ThreadRow> {
    Ok(ThreadRow {
        id: r.get(at)?,
        key: ThreadKey::from_stored(r.get(at + 1)?),
        url: r.get(at + 2)?,
        title: r.get(at + 3)?,
        locked: r.get(at + 4)?,
        site_id: r.get(at + 5)?,
    })
}

/// A thread by id.
pub fn get(conn: &Conn, id: ThreadId) -> Result<ThreadRow, StoreError> {
    conn.0
        .prepare_cached(&format!("SELECT {COLUMNS} FROM threads t WHERE t.id = ?1"))?
        .query_row([id], |r| from_row(r, 0))
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// The thread of a page, if it has one yet.
pub fn find(conn: &Conn, site: &SiteId, key: &ThreadKey) -> Result<Option<ThreadRow>, StoreError> {
    Ok(conn
        .0
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM threads t WHERE t.site_id = ?1 AND t.key = ?2"
        ))?
        .query_row((site.as_str(), key.as_str()), |r| from_row(r, 0))
        .optional()?)
}

/// The thread of a page, made now if this is its first comment. An existing
/// thread keeps the URL and title it was first given.
pub fn find_or_create(
    conn: &Conn,
    site: &SiteId,
    key: &ThreadKey,
    url: &str,
    title: Option<&str>,
    now: UnixTime,
) -> Result<ThreadRow, StoreError> {
    if let Some(t) = find(conn, site, key)? {
        return Ok(t);
    }
    conn.0
        .prepare_cached(
            "INSERT INTO threads (site_id, key, url, title, created) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute((site.as_str(), key.as_str(), url, title, now))?;
    find(conn, site, key)?.ok_or(StoreError::NotFound)
}

/// The number of published comments in each of `keys` (0 for unknown pages).
pub fn published_counts(
    conn: &Conn,
    site: &SiteId,
    keys: &[ThreadKey],
) -> Result<Vec<u64>, StoreError> {
    let mut stmt = conn.0.prepare_cached(
        "SELECT count(c.id) FROM threads t JOIN comments c ON c.thread_id = t.id
         WHERE t.site_id = ?1 AND t.key = ?2 AND c.status = 'published'",
    )?;
    keys.iter()
        .map(|k| Ok(stmt.query_row((site.as_str(), k.as_str()), |r| r.get::<_, i64>(0))? as u64))
        .collect()
}

/// Every thread of a site, oldest first (for export).
pub fn all_of_site(conn: &Conn, site: &SiteId) -> Result<Vec<ThreadRow>, StoreError> {
    let mut stmt = conn.0.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM threads t WHERE t.site_id = ?1 ORDER BY t.id"
    ))?;
    let rows = stmt.query_map([site.as_str()], |r| from_row(r, 0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Threads of a site (or all), newest first, with their comment counts.
pub fn with_counts(
    conn: &Conn,
    site: Option<&SiteId>,
    limit: u32,
    offset: u32,
) -> Result<Vec<(ThreadRow, u64)>, StoreError> {
    let mut stmt = conn.0.prepare_cached(&format!(
        "SELECT {COLUMNS},
                (SELECT count(*) FROM comments c WHERE c.thread_id = t.id AND c.status = 'published')
         FROM threads t WHERE ?1 IS NULL OR t.site_id = ?1
         ORDER BY t.created DESC, t.id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = stmt.query_map((site.map(SiteId::as_str), limit, offset), |r| {
        Ok((from_row(r, 0)?, r.get::<_, i64>(WIDTH)? as u64))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Sets or clears a thread's title.
pub fn set_title(conn: &Conn, id: ThreadId, title: Option<&str>) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("UPDATE threads SET title = ?2 WHERE id = ?1")?
        .execute((id, title))?;
    Ok(())
}

/// Locks a thread against new comments, or opens it again.
pub fn set_locked(conn: &Conn, id: ThreadId, locked: bool) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("UPDATE threads SET locked = ?2 WHERE id = ?1")?
        .execute((id, locked))?;
    Ok(())
}

/// Moves a thread to a new key and URL; `false` if another thread has that key.
pub fn remap(conn: &Conn, id: ThreadId, key: &ThreadKey, url: &str) -> Result<bool, StoreError> {
    let taken: bool = conn
        .0
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM threads WHERE key = ?2 AND id != ?1
                            AND site_id = (SELECT site_id FROM threads WHERE id = ?1))",
        )?
        .query_row((id, key.as_str()), |r| r.get(0))?;
    if taken {
        return Ok(false);
    }
    conn.0
        .prepare_cached("UPDATE threads SET key = ?2, url = ?3 WHERE id = ?1")?
        .execute((id, key.as_str(), url))?;
    Ok(true)
}
