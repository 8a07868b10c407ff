//! Settings table: server-wide values by name, and the counter that tells
//! a running server that the command line changed the data.

use super::{Conn, StoreError};
use rusqlite::OptionalExtension;

/// Reads a server-wide setting.
pub fn get(conn: &Conn, name: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .0
        .prepare_cached("SELECT value FROM settings WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?)
}

/// Writes a server-wide setting unless it is already set; returns the value in force.
pub fn init(conn: &Conn, name: &str, value: &str) -> Result<String, StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
        )?
        .execute([name, value])?;
    get(conn, name)?.ok_or(StoreError::NotFound)
}

/// Records that the data changed outside the server (the command line), so
/// that a running server drops what it has cached.
pub fn mark_changed(conn: &Conn) -> Result<(), StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO settings (name, value) VALUES ('changed', '1')
             ON CONFLICT (name) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        )?
        .execute([])?;
    Ok(())
}

/// The counter [`mark_changed`] moves.
pub fn changed_counter(conn: &Conn) -> Result<String, StoreError> {
    Ok(get(conn, "changed")?.unwrap_or_default())
}

/// A small write that proves the database takes writes again (for
/// `/healthz`, after writes failed).
pub fn probe(conn: &Conn) -> Result<(), StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO settings (name, value) VALUES ('health_probe', ?1)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )?
        .execute([crate::domain::now().to_string()])?;
    Ok(())
}
