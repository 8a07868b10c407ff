//! Audit table: what each moderator did, newest last.

use super::{Conn, StoreError};
use crate::domain::UnixTime;

/// One line of the audit log.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub at: UnixTime,
    pub admin: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// The one mapping of an audit row, in the order of `SELECT id, at, admin,
/// action, target, detail`.
fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        id: r.get(0)?,
        at: r.get(1)?,
        admin: r.get(2)?,
        action: r.get(3)?,
        target: r.get(4)?,
        detail: r.get(5)?,
    })
}

/// Adds a line to the log.
pub fn record(
    conn: &Conn,
    at: UnixTime,
    admin: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<(), StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO audit (at, admin, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute((at, admin, action, target, detail))?;
    Ok(())
}

/// Up to `limit` lines, newest first, older than the line `before` if given.
pub fn log(conn: &Conn, limit: u32, before: Option<i64>) -> Result<Vec<AuditRow>, StoreError> {
    let mut stmt = conn.0.prepare_cached(
        "SELECT id, at, admin, action, target, detail FROM audit WHERE id < ?1
         ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map((before.unwrap_or(i64::MAX), limit), from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
