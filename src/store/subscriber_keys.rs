//! Subscriber keys table: the author keys an address's owner confirmed
//! the address with, which make the owner known as its author.

use super::{Conn, StoreError};
use crate::domain::{SiteId, UnixTime};

/// Whether `author_key` is one the owner of a confirmed address on the site
/// confirmed with: the poster is that address's owner.
pub fn owns(
    conn: &Conn,
    site: &SiteId,
    email_hash: &str,
    author_key: &str,
) -> Result<bool, StoreError> {
    Ok(conn
        .0
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM subscriber_keys k JOIN subscribers b ON b.id = k.subscriber_id
                            WHERE b.site_id = ?1 AND b.email_hash = ?2 AND b.confirmed IS NOT NULL
                              AND k.author_key = ?3)",
        )?
        .query_row((site.as_str(), email_hash, author_key), |r| r.get(0))?)
}

/// Keeps the author key that asked for the subscriber's confirmation
/// email (if one did) as the owner's.
pub(super) fn keep_asker(conn: &Conn, subscriber: i64, now: UnixTime) -> Result<(), StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO subscriber_keys (subscriber_id, author_key, confirmed)
             SELECT id, asked_by, ?2 FROM subscribers WHERE id = ?1 AND asked_by IS NOT NULL
             ON CONFLICT DO NOTHING",
        )?
        .execute((subscriber, now))?;
    Ok(())
}

/// Forgets every key of a subscriber.
pub(super) fn remove_all(conn: &Conn, subscriber: i64) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("DELETE FROM subscriber_keys WHERE subscriber_id = ?1")?
        .execute([subscriber])?;
    Ok(())
}
