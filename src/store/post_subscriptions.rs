//! Post subscriptions table: the addresses that asked to hear of a site's
//! new posts, and whether their owner confirmed it.

use super::{Conn, StoreError};
use crate::domain::{SiteId, UnixTime};
use rusqlite::OptionalExtension;

/// A subscriber's request for new posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostSubscription {
    pub id: i64,
    pub subscriber_id: i64,
    /// When its owner confirmed it; None while it waits.
    pub confirmed: Option<UnixTime>,
}

/// The one mapping of a post subscription row, in the order of `SELECT id,
/// subscriber_id, confirmed`.
fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PostSubscription> {
    Ok(PostSubscription {
        id: r.get(0)?,
        subscriber_id: r.get(1)?,
        confirmed: r.get(2)?,
    })
}

/// Asks for new posts for a subscriber: at once when `confirmed`, else once
/// the owner confirms. One that runs already keeps running.
pub fn follow(
    conn: &Conn,
    subscriber: i64,
    confirmed: bool,
    now: UnixTime,
) -> Result<PostSubscription, StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO post_subscriptions (subscriber_id, created, confirmed)
             VALUES (?1, ?2, CASE WHEN ?3 THEN ?2 END)
             ON CONFLICT (subscriber_id)
             DO UPDATE SET confirmed = coalesce(post_subscriptions.confirmed, excluded.confirmed)",
        )?
        .execute(rusqlite::params![subscriber, now, confirmed])?;
    of_subscriber(conn, subscriber)?.ok_or(StoreError::NotFound)
}

/// A post subscription by id.
pub fn get(conn: &Conn, id: i64) -> Result<PostSubscription, StoreError> {
    conn.0
        .prepare_cached(
            "SELECT id, subscriber_id, confirmed FROM post_subscriptions WHERE id = ?1",
        )?
        .query_row([id], from_row)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// A subscriber's post subscription, if they have one.
pub fn of_subscriber(conn: &Conn, subscriber: i64) -> Result<Option<PostSubscription>, StoreError> {
    Ok(conn
        .0
        .prepare_cached(
            "SELECT id, subscriber_id, confirmed FROM post_subscriptions WHERE subscriber_id = ?1",
        )?
        .query_row([subscriber], from_row)
        .optional()?)
}

/// Ends a subscriber's post subscription; ending one that is gone is not
/// an error.
pub fn unfollow(conn: &Conn, subscriber: i64) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("DELETE FROM post_subscriptions WHERE subscriber_id = ?1")?
        .execute([subscriber])?;
    Ok(())
}

/// Starts a subscriber's post subscription that waited for its owner.
pub(super) fn confirm_waiting(
    conn: &Conn,
    subscriber: i64,
    now: UnixTime,
) -> Result<(), StoreError> {
    conn.0
        .prepare_cached(
            "UPDATE post_subscriptions SET confirmed = ?2
             WHERE subscriber_id = ?1 AND confirmed IS NULL",
        )?
        .execute((subscriber, now))?;
    Ok(())
}

/// Someone to tell about a new post.
#[derive(Debug, Clone)]
pub struct PostRecipient {
    pub post_subscription_id: i64,
    pub subscriber_id: i64,
    pub email: String,
}

/// The addresses of a site whose owner confirmed their wish for new posts.
pub fn recipients(conn: &Conn, site: &SiteId) -> Result<Vec<PostRecipient>, StoreError> {
    let mut stmt = conn.0.prepare_cached(
        "SELECT p.id, b.id, b.email FROM post_subscriptions p
         JOIN subscribers b ON b.id = p.subscriber_id
         WHERE b.site_id = ?1 AND p.confirmed IS NOT NULL ORDER BY p.id",
    )?;
    let rows = stmt.query_map([site.as_str()], |r| {
        Ok(PostRecipient {
            post_subscription_id: r.get(0)?,
            subscriber_id: r.get(1)?,
            email: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
