//! Threads table.

use super::{Connection, StoreError};
use crate::domain::{SiteId, ThreadKey, UnixTime};
use rusqlite::OptionalExtension;

/// A stored thread.
#[derive(Debug, Clone)]
pub struct ThreadRow {
    pub id: i64,
    pub site_id: SiteId,
    pub key: ThreadKey,
    pub url: Option<String>,
    pub title: Option<String>,
    pub locked: bool,
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ThreadRow> {
    let site: String = r.get(5)?;
    Ok(ThreadRow {
        id: r.get(0)?,
        site_id: SiteId::parse(&site).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, e.into())
        })?,
        key: ThreadKey::from_stored(r.get(1)?),
        url: r.get(2)?,
        title: r.get(3)?,
        locked: r.get(4)?,
    })
}

const COLUMNS: &str = "id, key, url, title, locked, site_id";

/// A thread by id.
pub fn get(conn: &Connection, id: i64) -> Result<ThreadRow, StoreError> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM threads WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// The thread of a page, if it has one yet.
pub fn find(
    conn: &Connection,
    site: &SiteId,
    key: &ThreadKey,
) -> Result<Option<ThreadRow>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM threads WHERE site_id = ?1 AND key = ?2"
        ))?
        .query_row((site.as_str(), key.as_str()), from_row)
        .optional()?)
}

/// The thread of a page, made now if this is its first comment. An existing
/// thread keeps the URL and title it was first given.
pub fn find_or_create(
    conn: &Connection,
    site: &SiteId,
    key: &ThreadKey,
    url: &str,
    title: Option<&str>,
    now: UnixTime,
) -> Result<ThreadRow, StoreError> {
    if let Some(t) = find(conn, site, key)? {
        return Ok(t);
    }
    conn.prepare_cached(
        "INSERT INTO threads (site_id, key, url, title, created) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((site.as_str(), key.as_str(), url, title, now))?;
    find(conn, site, key)?.ok_or(StoreError::NotFound)
}

/// The number of published comments in each of `keys` (0 for unknown pages).
pub fn published_counts(
    conn: &Connection,
    site: &SiteId,
    keys: &[ThreadKey],
) -> Result<Vec<u64>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT count(c.id) FROM threads t JOIN comments c ON c.thread_id = t.id
         WHERE t.site_id = ?1 AND t.key = ?2 AND c.status = 'published'",
    )?;
    keys.iter()
        .map(|k| Ok(stmt.query_row((site.as_str(), k.as_str()), |r| r.get::<_, i64>(0))? as u64))
        .collect()
}

/// Every thread of a site, oldest first (for export).
pub fn all_of_site(conn: &Connection, site: &SiteId) -> Result<Vec<ThreadRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM threads WHERE site_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([site.as_str()], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
