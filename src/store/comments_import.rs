//! Comments table, what an import stores: comments that keep their
//! source's key, so that importing the same file again adds nothing.

use super::comments::text_hash;
use super::{Conn, StoreError};
use crate::domain::{CommentId, Status, ThreadId, UnixTime};
use crate::render::SafeHtml;
use rusqlite::OptionalExtension;

/// The natter id and thread of an imported comment, by its import key.
pub fn by_import_key(conn: &Conn, key: &str) -> Result<Option<(CommentId, ThreadId)>, StoreError> {
    Ok(conn
        .0
        .prepare_cached("SELECT id, thread_id FROM comments WHERE import_key = ?1")?
        .query_row([key], |r| Ok((CommentId(r.get(0)?), r.get(1)?)))
        .optional()?)
}

/// What an imported comment stores: no edit token (nobody holds one).
#[derive(Debug, Clone)]
pub struct Imported<'a> {
    pub thread_id: ThreadId,
    pub parent: Option<CommentId>,
    pub status: Status,
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub website: Option<&'a str>,
    pub text: &'a str,
    pub html: &'a SafeHtml,
    pub ip_hash: Option<&'a str>,
    pub created: UnixTime,
    pub edited: Option<UnixTime>,
    pub likes: i64,
    pub dislikes: i64,
    pub import_key: &'a str,
    pub preferred_id: Option<i64>,
}

/// Stores an imported comment. A deleted one keeps only what
/// [`mark_deleted`](super::comments::mark_deleted) keeps: no name, email,
/// website or text.
pub fn insert_imported(conn: &Conn, c: &Imported<'_>) -> Result<CommentId, StoreError> {
    let kept = |v| if c.status == Status::Deleted { None } else { v };
    let (text, html) = if c.status == Status::Deleted {
        ("", "")
    } else {
        (c.text, c.html.as_str())
    };
    conn.0.prepare_cached(
        "INSERT INTO comments (thread_id, parent_id, status, name, email, website, text, html, ip_hash,
                               created, edited, likes, dislikes, import_key, id, text_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                 (SELECT ?15 WHERE ?15 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM comments WHERE id = ?15)),
                 ?16)",
    )?
    .execute(rusqlite::params![
        c.thread_id,
        c.parent.map(|p| p.0),
        c.status.as_str(),
        kept(c.name),
        kept(c.email),
        kept(c.website),
        text,
        html,
        c.ip_hash,
        c.created,
        c.edited,
        c.likes,
        c.dislikes,
        c.import_key,
        c.preferred_id,
        text_hash(text),
    ])?;
    Ok(CommentId(conn.0.last_insert_rowid()))
}
