//! Sessions table: a signed-in moderator's cookie, known by its hash.

use super::admins::{self, AdminRow};
use super::{Conn, StoreError};
use crate::domain::{AdminId, UnixTime};
use rusqlite::OptionalExtension;

/// Starts a session (and forgets every one that has expired).
pub fn create(
    conn: &Conn,
    token_hash: &str,
    admin_id: AdminId,
    now: UnixTime,
    expires: UnixTime,
) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("DELETE FROM sessions WHERE expires < ?1")?
        .execute([now])?;
    conn.0
        .prepare_cached(
            "INSERT INTO sessions (token_hash, admin_id, created, expires) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute((token_hash, admin_id, now, expires))?;
    Ok(())
}

/// The admin of a live session.
pub fn admin(conn: &Conn, token_hash: &str, now: UnixTime) -> Result<Option<AdminRow>, StoreError> {
    Ok(conn
        .0
        .prepare_cached(&format!(
            "SELECT {} FROM sessions s JOIN admins a ON a.id = s.admin_id
             WHERE s.token_hash = ?1 AND s.expires > ?2",
            admins::COLUMNS
        ))?
        .query_row((token_hash, now), admins::from_row)
        .optional()?)
}

/// Ends one session (signing out).
pub fn end(conn: &Conn, token_hash: &str) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")?
        .execute([token_hash])?;
    Ok(())
}

/// Ends every session of an admin.
pub fn end_all(conn: &Conn, admin_id: AdminId) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("DELETE FROM sessions WHERE admin_id = ?1")?
        .execute([admin_id])?;
    Ok(())
}
