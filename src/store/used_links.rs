//! Used links table: the nonces of single-use links already followed.

use super::{Conn, StoreError};
use crate::domain::UnixTime;
use rusqlite::OptionalExtension;

/// Uses up a single-use link; false when it was used before.
pub fn use_link(conn: &Conn, nonce: &str, now: UnixTime) -> Result<bool, StoreError> {
    let n = conn
        .0
        .prepare_cached(
            "INSERT INTO used_links (nonce, used) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?
        .execute((nonce, now))?;
    Ok(n == 1)
}

/// Whether a single-use link was used.
pub fn is_used(conn: &Conn, nonce: &str) -> Result<bool, StoreError> {
    Ok(conn
        .0
        .prepare_cached("SELECT 1 FROM used_links WHERE nonce = ?1")?
        .query_row([nonce], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Forgets the nonces of links used before `before` (older than any link
/// still alive, which are refused as expired anyway).
pub fn prune(conn: &Conn, before: UnixTime) -> Result<usize, StoreError> {
    Ok(conn
        .0
        .prepare_cached("DELETE FROM used_links WHERE used < ?1")?
        .execute([before])?)
}
