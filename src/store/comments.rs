//! Comments table: the row, its one mapper, and the queries on one comment
//! or one thread. What posting checks is in `comments_checks.rs`, lists
//! across threads in `comments_search.rs`, imports in `comments_import.rs`.

use super::{Conn, StoreError};
use crate::domain::{CommentId, SiteId, Status, ThreadId, UnixTime};
use crate::render::SafeHtml;
use rusqlite::OptionalExtension;

/// A stored comment, with what only the server may see.
#[derive(Debug, Clone)]
pub struct CommentRow {
    pub id: CommentId,
    pub thread_id: ThreadId,
    pub parent: Option<CommentId>,
    pub status: Status,
    pub name: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub text: String,
    pub html: SafeHtml,
    pub ip_hash: Option<String>,
    /// The author key (`Keys::author_key`) of the widget that posted it.
    pub voter_hash: Option<String>,
    pub edit_hash: Option<String>,
    pub edit_until: Option<UnixTime>,
    pub created: UnixTime,
    pub edited: Option<UnixTime>,
    pub likes: i64,
    pub dislikes: i64,
    /// The signed-in reader who wrote it, and their provider's id.
    pub identity: Option<i64>,
    pub provider: Option<String>,
    /// Written by one of the site's moderators: it carries the team badge.
    pub team: bool,
    pub pinned: bool,
    /// Which rule held it for moderation.
    pub held_reason: Option<String>,
}

/// The columns [`from_row`] reads, in its order, each prefixed with `c.`
/// so that a query may join other tables.
pub(super) const COLUMNS: &str = "c.id, c.thread_id, c.parent_id, c.status, c.name, c.email, \
     c.website, c.text, c.html, c.ip_hash, c.voter_hash, c.edit_hash, c.edit_until, c.created, \
     c.edited, c.likes, c.dislikes, c.identity_id, \
     (SELECT i.provider FROM identities i WHERE i.id = c.identity_id), c.team, c.pinned, \
     c.held_reason";

/// How many columns [`COLUMNS`] has: where a joined table's columns start.
pub(super) const WIDTH: usize = 22;

/// The one mapping of a comment row: [`COLUMNS`] read from column `at` on.
pub(super) fn from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<CommentRow> {
    let status: String = r.get(at + 3)?;
    Ok(CommentRow {
        id: CommentId(r.get(at)?),
        thread_id: r.get(at + 1)?,
        parent: r.get::<_, Option<i64>>(at + 2)?.map(CommentId),
        status: Status::parse(&status).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                at + 3,
                rusqlite::types::Type::Text,
                format!("status {status}").into(),
            )
        })?,
        name: r.get(at + 4)?,
        email: r.get(at + 5)?,
        website: r.get(at + 6)?,
        text: r.get(at + 7)?,
        html: SafeHtml::from_stored(r.get(at + 8)?),
        ip_hash: r.get(at + 9)?,
        voter_hash: r.get(at + 10)?,
        edit_hash: r.get(at + 11)?,
        edit_until: r.get(at + 12)?,
        created: r.get(at + 13)?,
        edited: r.get(at + 14)?,
        likes: r.get(at + 15)?,
        dislikes: r.get(at + 16)?,
        identity: r.get(at + 17)?,
        provider: r.get(at + 18)?,
        team: r.get(at + 19)?,
        pinned: r.get(at + 20)?,
        held_reason: r.get(at + 21)?,
    })
}

/// The comments a query of [`COLUMNS`] (and its parameters) finds.
fn all(
    conn: &Conn,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<CommentRow>, StoreError> {
    let mut stmt = conn.0.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| from_row(r, 0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The key the duplicate check looks a text up by: the first 8 bytes of
/// its SHA-256. Two texts may share one, so the check compares the texts too.
pub(super) fn text_hash(text: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// What a new comment stores.
#[derive(Debug, Clone)]
pub struct Insert<'a> {
    pub thread_id: ThreadId,
    pub parent: Option<CommentId>,
    pub status: Status,
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub website: Option<&'a str>,
    pub text: &'a str,
    pub html: &'a SafeHtml,
    pub ip_hash: &'a str,
    pub voter_hash: Option<&'a str>,
    pub edit_hash: &'a str,
    pub edit_until: UnixTime,
    pub created: UnixTime,
    pub identity: Option<i64>,
    pub team: bool,
    pub held_reason: Option<&'a str>,
}

/// Stores a new comment.
pub fn insert(conn: &Conn, c: &Insert<'_>) -> Result<CommentId, StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO comments (thread_id, parent_id, status, name, email, website, text, html,
                                   ip_hash, voter_hash, edit_hash, edit_until, created, text_hash,
                                   identity_id, team, held_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )?
        .execute(rusqlite::params![
            c.thread_id,
            c.parent.map(|p| p.0),
            c.status.as_str(),
            c.name,
            c.email,
            c.website,
            c.text,
            c.html.as_str(),
            c.ip_hash,
            c.voter_hash,
            c.edit_hash,
            c.edit_until,
            c.created,
            text_hash(c.text),
            c.identity,
            c.team,
            c.held_reason,
        ])?;
    Ok(CommentId(conn.0.last_insert_rowid()))
}

/// A comment by id.
pub fn get(conn: &Conn, id: CommentId) -> Result<CommentRow, StoreError> {
    find(conn, id)?.ok_or(StoreError::NotFound)
}

/// A comment, if there is one with this id.
pub fn find(conn: &Conn, id: CommentId) -> Result<Option<CommentRow>, StoreError> {
    Ok(conn
        .0
        .prepare_cached(&format!("SELECT {COLUMNS} FROM comments c WHERE c.id = ?1"))?
        .query_row([id.0], |r| from_row(r, 0))
        .optional()?)
}

/// The comments the public may see a trace of: published and deleted ones,
/// oldest first. Whether a deleted one shows as a tombstone is decided by
/// the thread's shape.
pub fn public_in_thread(conn: &Conn, thread_id: ThreadId) -> Result<Vec<CommentRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM comments c
         WHERE c.thread_id = ?1 AND c.status IN ('published', 'deleted') ORDER BY c.created, c.id"
    );
    all(conn, &sql, [thread_id])
}

/// Every comment of a thread, whatever its status, oldest first (for export).
pub fn all_in_thread(conn: &Conn, thread_id: ThreadId) -> Result<Vec<CommentRow>, StoreError> {
    let sql =
        format!("SELECT {COLUMNS} FROM comments c WHERE c.thread_id = ?1 ORDER BY c.created, c.id");
    all(conn, &sql, [thread_id])
}

/// Every comment written with an email address on a site (any status but
/// deleted), oldest first: what a privacy request is about.
pub fn by_author_email(
    conn: &Conn,
    site: &SiteId,
    email: &str,
) -> Result<Vec<CommentRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM comments c
         WHERE c.thread_id IN (SELECT id FROM threads WHERE site_id = ?1)
           AND lower(c.email) = lower(?2) AND c.status != 'deleted'
         ORDER BY c.created, c.id"
    );
    all(conn, &sql, (site.as_str(), email))
}

/// Replaces a comment's text after an edit.
pub fn update_text(
    conn: &Conn,
    id: CommentId,
    text: &str,
    html: &SafeHtml,
    edited: UnixTime,
) -> Result<(), StoreError> {
    let n = conn
        .0
        .prepare_cached(
            "UPDATE comments SET text = ?2, html = ?3, edited = ?4, text_hash = ?5 WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            id.0,
            text,
            html.as_str(),
            edited,
            text_hash(text)
        ])?;
    super::found(n)
}

/// Deletes a comment's content and personal data, keeping the row so that
/// its replies keep their place.
pub fn mark_deleted(conn: &Conn, id: CommentId) -> Result<(), StoreError> {
    conn.0
        .prepare_cached(
            "UPDATE comments SET status = 'deleted', text = '', html = '', name = NULL,
                                 email = NULL, website = NULL, edit_hash = NULL WHERE id = ?1",
        )?
        .execute([id.0])?;
    Ok(())
}

/// Sets a comment's status (a moderator's delete keeps the text, so it can be restored).
pub fn set_status(conn: &Conn, id: CommentId, status: Status) -> Result<(), StoreError> {
    let n = conn
        .0
        .prepare_cached("UPDATE comments SET status = ?2 WHERE id = ?1")?
        .execute((id.0, status.as_str()))?;
    super::found(n)
}

/// Records which rule held a comment (see `domain::judge::HeldReason`).
pub fn set_held_reason(conn: &Conn, id: CommentId, reason: Option<&str>) -> Result<(), StoreError> {
    let n = conn
        .0
        .prepare_cached("UPDATE comments SET held_reason = ?2 WHERE id = ?1")?
        .execute(rusqlite::params![id.0, reason])?;
    super::found(n)
}

/// Marks a comment as pinned to the top of its thread, or not.
pub fn set_pinned(conn: &Conn, id: CommentId, pinned: bool) -> Result<(), StoreError> {
    let n = conn
        .0
        .prepare_cached("UPDATE comments SET pinned = ?2 WHERE id = ?1")?
        .execute((id.0, pinned))?;
    super::found(n)
}

/// Notes that readers were told about a comment; false when they already were.
pub fn announce(conn: &Conn, comment: CommentId, now: UnixTime) -> Result<bool, StoreError> {
    let n = conn
        .0
        .prepare_cached("UPDATE comments SET announced = ?2 WHERE id = ?1 AND announced IS NULL")?
        .execute((comment.0, now))?;
    Ok(n == 1)
}

/// Adds to a comment's vote counters (either may be negative) and returns
/// its (likes, dislikes).
pub fn add_votes(
    conn: &Conn,
    id: CommentId,
    likes: i64,
    dislikes: i64,
) -> Result<(i64, i64), StoreError> {
    if likes != 0 || dislikes != 0 {
        conn.0
            .prepare_cached(
                "UPDATE comments SET likes = likes + ?2, dislikes = dislikes + ?3 WHERE id = ?1",
            )?
            .execute((id.0, likes, dislikes))?;
    }
    Ok(conn
        .0
        .prepare_cached("SELECT likes, dislikes FROM comments WHERE id = ?1")?
        .query_row([id.0], |r| Ok((r.get(0)?, r.get(1)?)))?)
}
