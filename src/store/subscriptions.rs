//! Subscriptions table: what a subscriber follows, a whole thread or the
//! replies to one comment, and whether its owner confirmed it.

use super::{Conn, StoreError};
use crate::domain::{CommentId, ThreadId, UnixTime};
use rusqlite::OptionalExtension;

/// Follows a thread (`comment` None) or the replies to one comment; at once
/// when `confirmed` (the address's owner asked), else once the owner
/// confirms. A subscription that runs already keeps running.
pub fn follow(
    conn: &Conn,
    subscriber: i64,
    thread: ThreadId,
    comment: Option<CommentId>,
    confirmed: bool,
    now: UnixTime,
) -> Result<(), StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO subscriptions (subscriber_id, thread_id, comment_id, created, confirmed)
             VALUES (?1, ?2, ?3, ?4, CASE WHEN ?5 THEN ?4 END)
             ON CONFLICT (subscriber_id, thread_id, comment_id)
             DO UPDATE SET confirmed = coalesce(subscriptions.confirmed, excluded.confirmed)",
        )?
        .execute(rusqlite::params![
            subscriber,
            thread,
            comment.map_or(0, |c| c.0),
            now,
            confirmed
        ])?;
    Ok(())
}

/// One subscription.
#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: i64,
    pub subscriber_id: i64,
    pub thread_id: ThreadId,
    /// The comment whose replies are followed; None for the whole thread.
    pub comment: Option<CommentId>,
    /// When its owner confirmed it; None while it waits.
    pub confirmed: Option<UnixTime>,
}

/// The one mapping of a subscription row, in the order of `SELECT id,
/// subscriber_id, thread_id, comment_id, confirmed`.
fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Subscription> {
    Ok(Subscription {
        id: r.get(0)?,
        subscriber_id: r.get(1)?,
        thread_id: r.get(2)?,
        comment: Some(r.get::<_, i64>(3)?).filter(|c| *c != 0).map(CommentId),
        confirmed: r.get(4)?,
    })
}

/// A subscription by id.
pub fn get(conn: &Conn, id: i64) -> Result<Subscription, StoreError> {
    conn.0
        .prepare_cached(
            "SELECT id, subscriber_id, thread_id, comment_id, confirmed FROM subscriptions
             WHERE id = ?1",
        )?
        .query_row([id], from_row)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Every subscription of a subscriber, oldest first.
pub fn of_subscriber(conn: &Conn, subscriber: i64) -> Result<Vec<Subscription>, StoreError> {
    let mut stmt = conn.0.prepare_cached(
        "SELECT id, subscriber_id, thread_id, comment_id, confirmed FROM subscriptions
         WHERE subscriber_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([subscriber], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Ends one subscription; ending one that is gone is not an error.
pub fn unfollow(conn: &Conn, id: i64) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("DELETE FROM subscriptions WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Starts the subscriptions of a subscriber that waited for its owner.
pub(super) fn confirm_waiting(
    conn: &Conn,
    subscriber: i64,
    now: UnixTime,
) -> Result<(), StoreError> {
    conn.0
        .prepare_cached(
            "UPDATE subscriptions SET confirmed = ?2 WHERE subscriber_id = ?1 AND confirmed IS NULL",
        )?
        .execute((subscriber, now))?;
    Ok(())
}

/// Ends every subscription of a subscriber.
pub(super) fn remove_all(conn: &Conn, subscriber: i64) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("DELETE FROM subscriptions WHERE subscriber_id = ?1")?
        .execute([subscriber])?;
    Ok(())
}

/// Someone to tell about a new comment.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub subscription_id: i64,
    pub subscriber_id: i64,
    pub email: String,
    pub email_hash: String,
    /// Whether they follow the replies to the parent (rather than the thread).
    pub reply: bool,
}

/// The confirmed addresses following a thread or the replies to `parent`
/// by a subscription their owner confirmed, each once: a reply
/// subscription wins over a thread one.
pub fn recipients(
    conn: &Conn,
    thread: ThreadId,
    parent: Option<CommentId>,
) -> Result<Vec<Recipient>, StoreError> {
    let mut stmt = conn.0.prepare_cached(
        "SELECT s.id, b.email, b.email_hash, s.comment_id != 0, b.id
         FROM subscriptions s JOIN subscribers b ON b.id = s.subscriber_id
         WHERE s.thread_id = ?1 AND s.comment_id IN (0, ?2) AND b.confirmed IS NOT NULL
           AND s.confirmed IS NOT NULL
         ORDER BY b.id, s.comment_id DESC",
    )?;
    let rows = stmt.query_map(rusqlite::params![thread, parent.map_or(-1, |p| p.0)], |r| {
        Ok((
            Recipient {
                subscription_id: r.get(0)?,
                subscriber_id: r.get(4)?,
                email: r.get(1)?,
                email_hash: r.get(2)?,
                reply: r.get(3)?,
            },
            r.get::<_, i64>(4)?,
        ))
    })?;
    let mut out: Vec<Recipient> = Vec::new();
    let mut last = None;
    for row in rows {
        let (recipient, subscriber) = row?;
        if last != Some(subscriber) {
            out.push(recipient);
            last = Some(subscriber);
        }
    }
    Ok(out)
}
