//! Subscribers table: an address that asked for notifications on a site,
//! and whether its owner confirmed it.

use super::{Conn, StoreError, post_subscriptions, subscriber_keys, subscriptions};
use crate::domain::{SiteId, UnixTime};
use rusqlite::OptionalExtension;

/// An address that asked for notifications on a site.
#[derive(Debug, Clone)]
pub struct Subscriber {
    pub id: i64,
    pub site_id: SiteId,
    pub email: String,
    pub email_hash: String,
    pub confirmed: Option<UnixTime>,
    /// When the last confirmation email was queued.
    pub asked: Option<UnixTime>,
}

/// The columns [`from_row`] reads, in its order.
const COLUMNS: &str = "id, site_id, email, email_hash, confirmed, asked";

/// The one mapping of a subscriber row.
fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Subscriber> {
    Ok(Subscriber {
        id: r.get(0)?,
        site_id: r.get(1)?,
        email: r.get(2)?,
        email_hash: r.get(3)?,
        confirmed: r.get(4)?,
        asked: r.get(5)?,
    })
}

/// The subscriber for an address, made if new; the address is updated to
/// the one given last.
pub fn upsert(
    conn: &Conn,
    site: &SiteId,
    email: &str,
    email_hash: &str,
    now: UnixTime,
) -> Result<Subscriber, StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO subscribers (site_id, email, email_hash, created) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (site_id, email_hash) DO UPDATE SET email = excluded.email",
        )?
        .execute(rusqlite::params![site.as_str(), email, email_hash, now])?;
    find(conn, site, email_hash)?.ok_or(StoreError::NotFound)
}

/// The subscriber for an address's hash on a site, if there is one.
pub fn find(
    conn: &Conn,
    site: &SiteId,
    email_hash: &str,
) -> Result<Option<Subscriber>, StoreError> {
    Ok(conn
        .0
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM subscribers WHERE site_id = ?1 AND email_hash = ?2"
        ))?
        .query_row((site.as_str(), email_hash), from_row)
        .optional()?)
}

/// A subscriber by id.
pub fn get(conn: &Conn, id: i64) -> Result<Subscriber, StoreError> {
    conn.0
        .prepare_cached(&format!("SELECT {COLUMNS} FROM subscribers WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Notes that a confirmation email was queued at `now`, asked for by the
/// post with author key `by` (if it had one).
pub fn set_asked(conn: &Conn, id: i64, now: UnixTime, by: Option<&str>) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("UPDATE subscribers SET asked = ?2, asked_by = ?3 WHERE id = ?1")?
        .execute(rusqlite::params![id, now, by])?;
    Ok(())
}

/// The owner clicked the confirmation link: the address is confirmed, the
/// subscriptions that waited for it start, and the author key that asked
/// for the email is known as the owner's from now on. A second click
/// changes nothing more.
pub fn confirm(conn: &Conn, id: i64, now: UnixTime) -> Result<(), StoreError> {
    let n = conn
        .0
        .prepare_cached("UPDATE subscribers SET confirmed = coalesce(confirmed, ?2) WHERE id = ?1")?
        .execute((id, now))?;
    super::found(n)?;
    subscriptions::confirm_waiting(conn, id, now)?;
    post_subscriptions::confirm_waiting(conn, id, now)?;
    subscriber_keys::keep_asker(conn, id, now)
}

/// Ends every subscription of an address, and forgets that it was
/// confirmed: it must be confirmed again before anything more is sent.
pub fn stop_all(conn: &Conn, subscriber: i64) -> Result<(), StoreError> {
    subscriptions::remove_all(conn, subscriber)?;
    post_subscriptions::unfollow(conn, subscriber)?;
    conn.0
        .prepare_cached("UPDATE subscribers SET confirmed = NULL WHERE id = ?1")?
        .execute([subscriber])?;
    subscriber_keys::remove_all(conn, subscriber)
}

/// Forgets an address altogether (an erasure).
pub fn forget(conn: &Conn, site: &SiteId, email_hash: &str) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("DELETE FROM subscribers WHERE site_id = ?1 AND email_hash = ?2")?
        .execute((site.as_str(), email_hash))?;
    Ok(())
}
