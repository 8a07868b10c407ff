//! Email subscribers, what they follow, and single-use links.

use super::{Connection, StoreError};
use crate::domain::{CommentId, SiteId, UnixTime};
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

fn subscriber_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Subscriber> {
    let site: String = r.get(1)?;
    Ok(Subscriber {
        id: r.get(0)?,
        site_id: SiteId::parse(&site).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, e.into())
        })?,
        email: r.get(2)?,
        email_hash: r.get(3)?,
        confirmed: r.get(4)?,
        asked: r.get(5)?,
    })
}

const SUBSCRIBER: &str = "id, site_id, email, email_hash, confirmed, asked";

/// The subscriber for an address, made if new; the address is updated to
/// the one given last.
pub fn subscriber(
    conn: &Connection,
    site: &SiteId,
    email: &str,
    email_hash: &str,
    now: UnixTime,
) -> Result<Subscriber, StoreError> {
    conn.prepare_cached(
        "INSERT INTO subscribers (site_id, email, email_hash, created) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (site_id, email_hash) DO UPDATE SET email = excluded.email",
    )?
    .execute(rusqlite::params![site.as_str(), email, email_hash, now])?;
    find_subscriber(conn, site, email_hash)?.ok_or(StoreError::NotFound)
}

pub fn find_subscriber(
    conn: &Connection,
    site: &SiteId,
    email_hash: &str,
) -> Result<Option<Subscriber>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {SUBSCRIBER} FROM subscribers WHERE site_id = ?1 AND email_hash = ?2"
        ))?
        .query_row((site.as_str(), email_hash), subscriber_from_row)
        .optional()?)
}

pub fn get_subscriber(conn: &Connection, id: i64) -> Result<Subscriber, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {SUBSCRIBER} FROM subscribers WHERE id = ?1"
    ))?
    .query_row([id], subscriber_from_row)
    .optional()?
    .ok_or(StoreError::NotFound)
}

/// Notes that a confirmation email was queued at `now`, asked for by the
/// post with author key `by` (if it had one).
pub fn set_asked(
    conn: &Connection,
    id: i64,
    now: UnixTime,
    by: Option<&str>,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE subscribers SET asked = ?2, asked_by = ?3 WHERE id = ?1")?
        .execute(rusqlite::params![id, now, by])?;
    Ok(())
}

/// The owner clicked the confirmation link: the address is confirmed, the
/// subscriptions that waited for it start, and the author key that asked
/// for the email is known as the owner's from now on. A second click
/// changes nothing more.
pub fn confirm(conn: &Connection, id: i64, now: UnixTime) -> Result<(), StoreError> {
    let n = conn
        .prepare_cached("UPDATE subscribers SET confirmed = coalesce(confirmed, ?2) WHERE id = ?1")?
        .execute((id, now))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    conn.prepare_cached(
        "UPDATE subscriptions SET confirmed = ?2 WHERE subscriber_id = ?1 AND confirmed IS NULL",
    )?
    .execute((id, now))?;
    conn.prepare_cached(
        "INSERT INTO subscriber_keys (subscriber_id, author_key, confirmed)
         SELECT id, asked_by, ?2 FROM subscribers WHERE id = ?1 AND asked_by IS NOT NULL
         ON CONFLICT DO NOTHING",
    )?
    .execute((id, now))?;
    Ok(())
}

/// Whether `author_key` is one the owner of a confirmed address on the site
/// confirmed with: the poster is that address's owner.
pub fn owns(
    conn: &Connection,
    site: &SiteId,
    email_hash: &str,
    author_key: &str,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM subscriber_keys k JOIN subscribers b ON b.id = k.subscriber_id
                            WHERE b.site_id = ?1 AND b.email_hash = ?2 AND b.confirmed IS NOT NULL
                              AND k.author_key = ?3)",
        )?
        .query_row((site.as_str(), email_hash, author_key), |r| r.get(0))?)
}

/// Follows a thread (`comment` None) or the replies to one comment; at once
/// when `confirmed` (the address's owner asked), else once the owner
/// confirms. A subscription that runs already keeps running.
pub fn follow(
    conn: &Connection,
    subscriber: i64,
    thread: i64,
    comment: Option<CommentId>,
    confirmed: bool,
    now: UnixTime,
) -> Result<(), StoreError> {
    conn.prepare_cached(
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
    pub thread_id: i64,
    /// The comment whose replies are followed; None for the whole thread.
    pub comment: Option<CommentId>,
}

pub fn get(conn: &Connection, id: i64) -> Result<Subscription, StoreError> {
    conn.prepare_cached(
        "SELECT id, subscriber_id, thread_id, comment_id FROM subscriptions WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Subscription {
            id: r.get(0)?,
            subscriber_id: r.get(1)?,
            thread_id: r.get(2)?,
            comment: Some(r.get::<_, i64>(3)?).filter(|c| *c != 0).map(CommentId),
        })
    })
    .optional()?
    .ok_or(StoreError::NotFound)
}

/// Ends one subscription; ending one that is gone is not an error.
pub fn unfollow(conn: &Connection, id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM subscriptions WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Ends every subscription of an address, and forgets that it was
/// confirmed: it must be confirmed again before anything more is sent.
pub fn stop_all(conn: &Connection, subscriber: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM subscriptions WHERE subscriber_id = ?1")?
        .execute([subscriber])?;
    conn.prepare_cached("UPDATE subscribers SET confirmed = NULL WHERE id = ?1")?
        .execute([subscriber])?;
    conn.prepare_cached("DELETE FROM subscriber_keys WHERE subscriber_id = ?1")?
        .execute([subscriber])?;
    Ok(())
}

/// Forgets an address altogether (an erasure).
pub fn forget(conn: &Connection, site: &SiteId, email_hash: &str) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM subscribers WHERE site_id = ?1 AND email_hash = ?2")?
        .execute((site.as_str(), email_hash))?;
    Ok(())
}

/// Someone to tell about a new comment.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub subscription_id: i64,
    pub email: String,
    pub email_hash: String,
    /// Whether they follow the replies to the parent (rather than the thread).
    pub reply: bool,
}

/// The confirmed addresses following a thread or the replies to `parent`
/// by a subscription their owner confirmed, each once: a reply
/// subscription wins over a thread one.
pub fn recipients(
    conn: &Connection,
    thread: i64,
    parent: Option<CommentId>,
) -> Result<Vec<Recipient>, StoreError> {
    let mut stmt = conn.prepare_cached(
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

/// Uses up a single-use link; false when it was used before.
pub fn use_link(conn: &Connection, nonce: &str, now: UnixTime) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT INTO used_links (nonce, used) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?
        .execute((nonce, now))?;
    Ok(n == 1)
}

/// Notes that readers were told about a comment; false when they already were.
pub fn announce(conn: &Connection, comment: CommentId, now: UnixTime) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached("UPDATE comments SET announced = ?2 WHERE id = ?1 AND announced IS NULL")?
        .execute((comment.0, now))?;
    Ok(n == 1)
}

/// Whether a single-use link was used.
pub fn link_used(conn: &Connection, nonce: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM used_links WHERE nonce = ?1")?
        .query_row([nonce], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Forgets the nonces of links used before `before` (older than any link
/// still alive, which are refused as expired anyway).
pub fn prune_links(conn: &Connection, before: UnixTime) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM used_links WHERE used < ?1")?
        .execute([before])?)
}

/// Notes a privacy link for an address and action unless one was sent
/// since `since`; false when it was (and nothing is noted).
pub fn ask_privacy(
    conn: &Connection,
    site: &SiteId,
    email_hash: &str,
    action: &str,
    now: UnixTime,
    since: UnixTime,
) -> Result<bool, StoreError> {
    let n = conn
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
pub fn prune_privacy(conn: &Connection, before: UnixTime) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM privacy_asked WHERE asked < ?1")?
        .execute([before])?)
}
