//! Privacy asked table: when a privacy link was last sent for an address
//! and action, so that a form cannot be used to flood an inbox.

use super::{Conn, StoreError};
use crate::domain::{SiteId, UnixTime};

/// Notes a privacy link for an address and action unless one was sent
/// since `since`; false when it was (and nothing is noted).
pub fn ask(
    conn: &Conn,
    site: &SiteId,
    email_hash: &str,
    action: &str,
    now: UnixTime,
    since: UnixTime,
) -> Result<bool, StoreError> {
    let n = conn
        .0
        .prepare_cached(
            "INSERT INTO privacy_asked (site_id, email_hash, action, asked) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (site_id, email_hash, action) DO UPDATE SET asked = excluded.asked
             WHERE privacy_asked.asked < ?5",
        )?
        .execute(rusqlite::params![
            site.as_str(),
            email_hash,
            action,
            now,
            since
        ])?;
    Ok(n == 1)
}

/// Forgets privacy requests older than `before`.
pub fn prune(conn: &Conn, before: UnixTime) -> Result<usize, StoreError> {
    Ok(conn
        .0
        .prepare_cached("DELETE FROM privacy_asked WHERE asked < ?1")?
        .execute([before])?)
}
