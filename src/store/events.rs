//! Events table: what changed in threads' public comments, written by the
//! triggers of migration 0012 in the same transaction as the change, and
//! read by live streams (DESIGN §16). Rows are kept an hour.

use super::comments::{self, CommentRow};
use super::{Conn, StoreError, settings};
use crate::domain::{CommentId, SiteId, ThreadId, ThreadKey, UnixTime};
use rusqlite::OptionalExtension;

/// One change, with its thread and the comment as it is now (`None` when
/// the comment itself is gone).
#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: i64,
    /// `created`, `edited`, `deleted` or `approved`.
    pub kind: String,
    pub comment_id: CommentId,
    pub thread_id: ThreadId,
    pub site: SiteId,
    pub key: ThreadKey,
    pub comment: Option<CommentRow>,
}

/// The setting that holds the highest id pruned so far.
const PRUNED: &str = "events_pruned_through";

/// Reads events of the query (id, kind, comment, thread, site, key),
/// without their comments.
fn read(
    conn: &Conn,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<EventRow>, StoreError> {
    let mut stmt = conn.0.prepare_cached(sql)?;
    let rows = stmt
        .query_map(params, |r| {
            Ok(EventRow {
                id: r.get(0)?,
                kind: r.get(1)?,
                comment_id: CommentId(r.get(2)?),
                thread_id: r.get(3)?,
                site: r.get(4)?,
                key: ThreadKey::from_stored(r.get(5)?),
                comment: None,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Reads each event's comment as it is now.
pub fn with_comments(conn: &Conn, rows: &mut [EventRow]) -> Result<(), StoreError> {
    for e in rows {
        e.comment = comments::find(conn, e.comment_id)?;
    }
    Ok(())
}

/// Up to `limit` events after `after`, of every thread, oldest first.
pub fn after(conn: &Conn, after: i64, limit: u32) -> Result<Vec<EventRow>, StoreError> {
    read(
        conn,
        "SELECT e.id, e.kind, e.comment_id, e.thread_id, t.site_id, t.key
         FROM events e JOIN threads t ON t.id = e.thread_id
         WHERE e.id > ?1 ORDER BY e.id LIMIT ?2",
        (after, limit),
    )
}

/// Up to `limit` events of one thread after `after`, oldest first, with
/// their comments.
pub fn in_thread_after(
    conn: &Conn,
    site: &SiteId,
    key: &ThreadKey,
    after: i64,
    limit: u32,
) -> Result<Vec<EventRow>, StoreError> {
    let mut rows = read(
        conn,
        "SELECT e.id, e.kind, e.comment_id, e.thread_id, t.site_id, t.key
         FROM events e JOIN threads t ON t.id = e.thread_id
         WHERE e.id > ?3 AND t.site_id = ?1 AND t.key = ?2 ORDER BY e.id LIMIT ?4",
        (site.as_str(), key.as_str(), after, limit),
    )?;
    with_comments(conn, &mut rows)?;
    Ok(rows)
}

/// The id of the newest event ever written (0 before the first), which
/// pruning does not lower.
pub fn last_id(conn: &Conn) -> Result<i64, StoreError> {
    Ok(conn
        .0
        .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'events'")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// The highest id pruned: a stream resuming from below it may have missed
/// events.
pub fn pruned_through(conn: &Conn) -> Result<i64, StoreError> {
    Ok(settings::get(conn, PRUNED)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// How many of the oldest events one prune looks at.
const PRUNE_BATCH: i64 = 10_000;

/// Deletes (up to [`PRUNE_BATCH`] of) the events written before `before`,
/// oldest first; returns how many.
pub fn prune(conn: &Conn, before: UnixTime) -> Result<usize, StoreError> {
    // Ids grow with time: the old events are the first ids.
    let highest: Option<i64> = conn
        .0
        .prepare_cached(
            "SELECT max(id) FROM (SELECT id, at FROM events ORDER BY id LIMIT ?2) WHERE at < ?1",
        )?
        .query_row((before, PRUNE_BATCH), |r| r.get(0))?;
    let Some(highest) = highest else {
        return Ok(0);
    };
    let n = conn
        .0
        .prepare_cached("DELETE FROM events WHERE id <= ?1")?
        .execute([highest])?;
    conn.0
        .prepare_cached(
            "INSERT INTO settings (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )?
        .execute((PRUNED, highest.to_string()))?;
    Ok(n)
}
