//! Reader tokens table: what a signed-in reader's widget holds, kept here
//! only as its hash (DESIGN §15).

use super::identities::{self, IdentityRow};
use super::{Conn, StoreError};
use crate::domain::UnixTime;
use rusqlite::OptionalExtension;

/// Keeps a new token's hash for an identity.
pub fn insert(conn: &Conn, hash: &str, identity: i64, at: UnixTime) -> Result<(), StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO reader_tokens (hash, identity_id, created, last_used) VALUES (?1, ?2, ?3, ?3)",
        )?
        .execute((hash, identity, at))?;
    Ok(())
}

/// The identity a token's hash belongs to, if it is still valid.
pub fn identity(conn: &Conn, hash: &str) -> Result<Option<IdentityRow>, StoreError> {
    let cols = identities::COLUMNS;
    Ok(conn
        .0
        .prepare_cached(&format!(
            "SELECT {cols} FROM reader_tokens t JOIN identities i ON i.id = t.identity_id
             WHERE t.hash = ?1"
        ))?
        .query_row([hash], identities::from_row)
        .optional()?)
}

/// Ends one token (sign out).
pub fn revoke(conn: &Conn, hash: &str) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("DELETE FROM reader_tokens WHERE hash = ?1")?
        .execute([hash])?;
    Ok(())
}

/// Ends every token of an identity (sign out everywhere).
pub fn revoke_all(conn: &Conn, identity: i64) -> Result<usize, StoreError> {
    Ok(conn
        .0
        .prepare_cached("DELETE FROM reader_tokens WHERE identity_id = ?1")?
        .execute([identity])?)
}
