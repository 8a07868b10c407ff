//! What moderators read and change: comments across sites, and threads.

use super::comments::CommentRow;
use super::threads::ThreadRow;
use super::{Connection, StoreError};
use crate::domain::moderation::Search;
use crate::domain::{CommentId, SiteId, Status, ThreadKey};
use rusqlite::types::Value;

/// A comment with its thread, as the moderation list shows it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub comment: CommentRow,
    pub thread: ThreadRow,
}

const COMMENT_COLUMNS: &str = "c.id, c.thread_id, c.parent_id, c.status, c.name, c.email, c.website, c.text, c.html, \
     c.ip_hash, c.voter_hash, c.edit_hash, c.edit_until, c.created, c.edited, c.likes, c.dislikes";

/// Comments matching the filter, newest first, and how many match in all.
pub fn search(conn: &Connection, f: &Search) -> Result<(Vec<Listed>, u64), StoreError> {
    let mut clauses = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some(s) = f.status {
        params.push(Value::Text(s.as_str().into()));
        clauses.push(format!("c.status = ?{}", params.len()));
    }
    if let Some(site) = &f.site {
        params.push(Value::Text(site.as_str().into()));
        clauses.push(format!("t.site_id = ?{}", params.len()));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        params.push(Value::Text(format!("%{escaped}%")));
        let n = params.len();
        clauses.push(format!(
            "(c.text LIKE ?{n} ESCAPE '\\' OR c.name LIKE ?{n} ESCAPE '\\' OR c.email LIKE ?{n} ESCAPE '\\' \
              OR t.url LIKE ?{n} ESCAPE '\\' OR t.key LIKE ?{n} ESCAPE '\\' OR t.title LIKE ?{n} ESCAPE '\\')"
        ));
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM comments c JOIN threads t ON t.id = c.thread_id {filter}"),
        rusqlite::params_from_iter(params.iter()),
        |r| r.get(0),
    )?;
    params.push(Value::Integer(i64::from(f.limit)));
    params.push(Value::Integer(i64::from(f.offset)));
    let sql = format!(
        "SELECT {COMMENT_COLUMNS}, t.id, t.key, t.url, t.title, t.locked, t.site_id
         FROM comments c JOIN threads t ON t.id = c.thread_id {filter}
         ORDER BY c.created DESC, c.id DESC LIMIT ?{} OFFSET ?{}",
        params.len() - 1,
        params.len()
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
        let comment = super::comments::from_row(r)?;
        let site: String = r.get(22)?;
        let thread = ThreadRow {
            id: r.get(17)?,
            key: ThreadKey::from_stored(r.get(18)?),
            url: r.get(19)?,
            title: r.get(20)?,
            locked: r.get(21)?,
            site_id: SiteId::parse(&site).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(22, rusqlite::types::Type::Text, e.into())
            })?,
        };
        Ok(Listed { comment, thread })
    })?;
    Ok((rows.collect::<Result<_, _>>()?, total as u64))
}

/// Sets a comment's status (a moderator's delete keeps the text, so it can be restored).
pub fn set_status(conn: &Connection, id: CommentId, status: Status) -> Result<(), StoreError> {
    let n = conn
        .prepare_cached("UPDATE comments SET status = ?2 WHERE id = ?1")?
        .execute((id.0, status.as_str()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Threads of a site (or all), newest first, with their comment counts.
pub fn threads(
    conn: &Connection,
    site: Option<&SiteId>,
    limit: u32,
    offset: u32,
) -> Result<Vec<(ThreadRow, u64)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.key, t.url, t.title, t.locked, t.site_id,
                (SELECT count(*) FROM comments c WHERE c.thread_id = t.id AND c.status = 'published')
         FROM threads t WHERE ?1 IS NULL OR t.site_id = ?1 ORDER BY t.created DESC, t.id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt.query_map((site.map(SiteId::as_str), limit, offset), |r| {
        let site: String = r.get(5)?;
        Ok((
            ThreadRow {
                id: r.get(0)?,
                key: ThreadKey::from_stored(r.get(1)?),
                url: r.get(2)?,
                title: r.get(3)?,
                locked: r.get(4)?,
                site_id: SiteId::parse(&site).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        5,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })?,
            },
            r.get::<_, i64>(6)? as u64,
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn set_thread_title(conn: &Connection, id: i64, title: Option<&str>) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE threads SET title = ?2 WHERE id = ?1")?
        .execute((id, title))?;
    Ok(())
}

pub fn set_thread_locked(conn: &Connection, id: i64, locked: bool) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE threads SET locked = ?2 WHERE id = ?1")?
        .execute((id, locked))?;
    Ok(())
}

/// Moves a thread to a new key and URL; `false` if another thread has that key.
pub fn remap_thread(
    conn: &Connection,
    id: i64,
    key: &ThreadKey,
    url: &str,
) -> Result<bool, StoreError> {
    let taken: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM threads WHERE key = ?2 AND id != ?1
                            AND site_id = (SELECT site_id FROM threads WHERE id = ?1))",
        )?
        .query_row((id, key.as_str()), |r| r.get(0))?;
    if taken {
        return Ok(false);
    }
    conn.prepare_cached("UPDATE threads SET key = ?2, url = ?3 WHERE id = ?1")?
        .execute((id, key.as_str(), url))?;
    Ok(true)
}
