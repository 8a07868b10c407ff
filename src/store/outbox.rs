//! The outbox: emails and webhook calls waiting to be delivered.

use super::{Conn, StoreError};
use crate::domain::{OutboxId, UnixTime};
use rusqlite::OptionalExtension;

/// What goes out: an email, or a webhook call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Email,
    Webhook,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Webhook => "webhook",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        match s {
            "email" => Some(Kind::Email),
            "webhook" => Some(Kind::Webhook),
            _ => None,
        }
    }
}

/// Where an item is on its way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pending,
    Sent,
    /// Every try failed; it waits for a moderator to send it again.
    Dead,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Sent => "sent",
            State::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        match s {
            "pending" => Some(State::Pending),
            "sent" => Some(State::Sent),
            "dead" => Some(State::Dead),
            _ => None,
        }
    }
}

/// A new item. `payload` is JSON whose shape `kind` decides.
#[derive(Debug, Clone)]
pub struct New<'a> {
    pub kind: Kind,
    pub site_id: Option<&'a str>,
    pub topic: &'a str,
    pub recipient: &'a str,
    pub payload: &'a str,
    pub now: UnixTime,
}

/// A stored item.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: OutboxId,
    pub kind: Kind,
    pub site_id: Option<String>,
    pub topic: String,
    pub recipient: String,
    pub payload: String,
    pub state: State,
    pub attempts: u32,
    pub next_try: UnixTime,
    pub last_error: Option<String>,
    pub created: UnixTime,
    pub done: Option<UnixTime>,
}

const COLUMNS: &str = "id, kind, site_id, topic, recipient, payload, state, attempts, next_try, last_error, created, done";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    let bad = |i: usize, v: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, v.into())
    };
    let kind: String = r.get(1)?;
    let state: String = r.get(6)?;
    Ok(Item {
        id: r.get(0)?,
        kind: Kind::parse(&kind).ok_or_else(|| bad(1, kind))?,
        site_id: r.get(2)?,
        topic: r.get(3)?,
        recipient: r.get(4)?,
        payload: r.get(5)?,
        state: State::parse(&state).ok_or_else(|| bad(6, state))?,
        attempts: r.get(7)?,
        next_try: r.get(8)?,
        last_error: r.get(9)?,
        created: r.get(10)?,
        done: r.get(11)?,
    })
}

pub fn enqueue(conn: &Conn, item: &New<'_>) -> Result<OutboxId, StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO outbox (kind, site_id, topic, recipient, payload, next_try, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        )?
        .execute(rusqlite::params![
            item.kind.as_str(),
            item.site_id,
            item.topic,
            item.recipient,
            item.payload,
            item.now
        ])?;
    Ok(OutboxId(conn.0.last_insert_rowid()))
}

/// Pending items whose time has come, oldest first.
pub fn due(conn: &Conn, now: UnixTime, limit: u32) -> Result<Vec<Item>, StoreError> {
    let mut stmt = conn.0.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE state = 'pending' AND next_try <= ?1
         ORDER BY next_try, id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(rusqlite::params![now, limit], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// When the next pending item is due, if any is.
pub fn next_due(conn: &Conn) -> Result<Option<UnixTime>, StoreError> {
    Ok(conn
        .0
        .prepare_cached("SELECT min(next_try) FROM outbox WHERE state = 'pending'")?
        .query_row([], |r| r.get(0))?)
}

/// Records a delivery; an item already sent stays as it was.
pub fn mark_sent(conn: &Conn, id: OutboxId, now: UnixTime) -> Result<(), StoreError> {
    conn.0.prepare_cached(
        "UPDATE outbox SET state = 'sent', attempts = attempts + 1, done = ?2, last_error = NULL
         WHERE id = ?1 AND state = 'pending'",
    )?
    .execute(rusqlite::params![id, now])?;
    Ok(())
}

/// Records a failed try: the item is tried again at `next_try`, or, with
/// `None`, it is dead.
pub fn mark_failed(
    conn: &Conn,
    id: OutboxId,
    error: &str,
    next_try: Option<UnixTime>,
    now: UnixTime,
) -> Result<(), StoreError> {
    conn.0
        .prepare_cached(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2,
                state = CASE WHEN ?3 IS NULL THEN 'dead' ELSE 'pending' END,
                next_try = coalesce(?3, next_try),
                done = CASE WHEN ?3 IS NULL THEN ?4 END
         WHERE id = ?1 AND state = 'pending'",
        )?
        .execute(rusqlite::params![id, error, next_try, now])?;
    Ok(())
}

/// Items in one state, newest first.
pub fn list(conn: &Conn, state: State, limit: u32) -> Result<Vec<Item>, StoreError> {
    let mut stmt = conn.0.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE state = ?1 ORDER BY id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(rusqlite::params![state.as_str(), limit], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many items are pending, sent and dead.
pub fn counts(conn: &Conn) -> Result<[u64; 3], StoreError> {
    let mut out = [0u64; 3];
    let mut stmt = conn
        .0
        .prepare_cached("SELECT state, count(*) FROM outbox GROUP BY state")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (state, n) = row?;
        let n = n as u64;
        match State::parse(&state) {
            Some(State::Pending) => out[0] = n,
            Some(State::Sent) => out[1] = n,
            Some(State::Dead) => out[2] = n,
            None => {}
        }
    }
    Ok(out)
}

/// Puts a dead item back in the queue, to be tried at once.
pub fn retry(conn: &Conn, id: OutboxId, now: UnixTime) -> Result<(), StoreError> {
    let n = conn
        .0
        .prepare_cached(
            "UPDATE outbox SET state = 'pending', attempts = 0, next_try = ?2, done = NULL
             WHERE id = ?1 AND state = 'dead'",
        )?
        .execute(rusqlite::params![id, now])?;
    super::found(n)
}

pub fn get(conn: &Conn, id: OutboxId) -> Result<Item, StoreError> {
    conn.0
        .prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Forgets items sent before `before`; failed ones stay until sent again.
pub fn prune_sent(conn: &Conn, before: UnixTime) -> Result<usize, StoreError> {
    Ok(conn
        .0
        .prepare_cached("DELETE FROM outbox WHERE state = 'sent' AND done < ?1")?
        .execute([before])?)
}
