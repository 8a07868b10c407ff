//! Admins table: the moderator accounts.

use super::{Conn, StoreError};
use crate::domain::{AdminId, UnixTime};
use rusqlite::OptionalExtension;

/// A moderator account.
#[derive(Debug, Clone)]
pub struct AdminRow {
    pub id: AdminId,
    pub username: String,
    pub password_hash: String,
    pub created: UnixTime,
}

/// The columns [`from_row`] reads, in its order, prefixed with `a.`.
pub(super) const COLUMNS: &str = "a.id, a.username, a.password_hash, a.created";

/// The one mapping of an admin row: [`COLUMNS`] from the first column on.
pub(super) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AdminRow> {
    Ok(AdminRow {
        id: r.get(0)?,
        username: r.get(1)?,
        password_hash: r.get(2)?,
        created: r.get(3)?,
    })
}

/// How many admins there are.
pub fn count(conn: &Conn) -> Result<i64, StoreError> {
    Ok(conn
        .0
        .query_row("SELECT count(*) FROM admins", [], |r| r.get(0))?)
}

/// Every admin, by username.
pub fn list(conn: &Conn) -> Result<Vec<AdminRow>, StoreError> {
    let mut stmt = conn.0.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM admins a ORDER BY a.username"
    ))?;
    Ok(stmt.query_map([], from_row)?.collect::<Result<_, _>>()?)
}

/// The admin with this username, if there is one.
pub fn by_username(conn: &Conn, username: &str) -> Result<Option<AdminRow>, StoreError> {
    Ok(conn
        .0
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM admins a WHERE a.username = ?1"
        ))?
        .query_row([username], from_row)
        .optional()?)
}

/// Adds an admin; `false` when the username is taken.
pub fn insert(
    conn: &Conn,
    username: &str,
    password_hash: &str,
    now: UnixTime,
) -> Result<bool, StoreError> {
    let n = conn
        .0
        .prepare_cached(
            "INSERT INTO admins (username, password_hash, created) VALUES (?1, ?2, ?3)
             ON CONFLICT (username) DO NOTHING",
        )?
        .execute((username, password_hash, now))?;
    Ok(n == 1)
}

/// Sets a new password; returns the admin's id (their sessions are the
/// caller's to end).
pub fn set_password(
    conn: &Conn,
    username: &str,
    password_hash: &str,
) -> Result<AdminId, StoreError> {
    let id = by_username(conn, username)?.ok_or(StoreError::NotFound)?.id;
    conn.0
        .prepare_cached("UPDATE admins SET password_hash = ?2 WHERE id = ?1")?
        .execute((id, password_hash))?;
    Ok(id)
}

/// Removes an admin (and, through the foreign keys, their sessions).
pub fn remove(conn: &Conn, username: &str) -> Result<(), StoreError> {
    let n = conn
        .0
        .prepare_cached("DELETE FROM admins WHERE username = ?1")?
        .execute([username])?;
    super::found(n)
}
