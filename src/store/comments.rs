//! Comments table.

use super::{Connection, StoreError};
use crate::domain::{CommentId, SiteId, Status, UnixTime};
use crate::render::SafeHtml;

/// A stored comment, with what only the server may see.
#[derive(Debug, Clone)]
pub struct CommentRow {
    pub id: CommentId,
    pub thread_id: i64,
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
}

const COLUMNS: &str = "id, thread_id, parent_id, status, name, email, website, text, html, ip_hash, \
                       voter_hash, edit_hash, edit_until, created, edited, likes, dislikes";

pub(super) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CommentRow> {
    let status: String = r.get(3)?;
    Ok(CommentRow {
        id: CommentId(r.get(0)?),
        thread_id: r.get(1)?,
        parent: r.get::<_, Option<i64>>(2)?.map(CommentId),
        status: Status::parse(&status).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                3,
                rusqlite::types::Type::Text,
                format!("status {status}").into(),
            )
        })?,
        name: r.get(4)?,
        email: r.get(5)?,
        website: r.get(6)?,
        text: r.get(7)?,
        html: SafeHtml::from_stored(r.get(8)?),
        ip_hash: r.get(9)?,
        voter_hash: r.get(10)?,
        edit_hash: r.get(11)?,
        edit_until: r.get(12)?,
        created: r.get(13)?,
        edited: r.get(14)?,
        likes: r.get(15)?,
        dislikes: r.get(16)?,
    })
}

/// What a new comment stores.
#[derive(Debug, Clone)]
pub struct Insert<'a> {
    pub thread_id: i64,
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
}

/// The key the duplicate check looks a text up by: the first 8 bytes of
/// its SHA-256. Two texts may share one, so the check compares the texts too.
fn text_hash(text: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

pub fn insert(conn: &Connection, c: &Insert<'_>) -> Result<CommentId, StoreError> {
    conn.prepare_cached(
        "INSERT INTO comments (thread_id, parent_id, status, name, email, website, text, html,
                               ip_hash, voter_hash, edit_hash, edit_until, created, text_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
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
    ])?;
    Ok(CommentId(conn.last_insert_rowid()))
}

pub fn get(conn: &Connection, id: CommentId) -> Result<CommentRow, StoreError> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM comments WHERE id = ?1"))?
        .query_row([id.0], from_row)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// A comment, if there is one with this id.
pub fn find(conn: &Connection, id: CommentId) -> Result<Option<CommentRow>, StoreError> {
    match get(conn, id) {
        Err(StoreError::NotFound) => Ok(None),
        other => other.map(Some),
    }
}

/// The comments the public may see a trace of: published and deleted ones,
/// oldest first. Whether a deleted one shows as a tombstone is decided by
/// the thread's shape.
pub fn public_in_thread(conn: &Connection, thread_id: i64) -> Result<Vec<CommentRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM comments WHERE thread_id = ?1 AND status IN ('published', 'deleted')
         ORDER BY created, id"
    ))?;
    let rows = stmt.query_map([thread_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces a comment's text after an edit.
pub fn update_text(
    conn: &Connection,
    id: CommentId,
    text: &str,
    html: &SafeHtml,
    edited: UnixTime,
) -> Result<(), StoreError> {
    let n = conn
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
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes a comment's content and personal data, keeping the row so that
/// its replies keep their place.
pub fn mark_deleted(conn: &Connection, id: CommentId) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE comments SET status = 'deleted', text = '', html = '', name = NULL, email = NULL,
                             website = NULL, edit_hash = NULL WHERE id = ?1",
    )?
    .execute([id.0])?;
    Ok(())
}

/// What may tell natter who is posting (DESIGN §5): only what an impostor
/// cannot supply. A typed email alone is never enough.
#[derive(Debug, Clone, Copy, Default)]
pub struct Author<'a> {
    /// The author key: a keyed hash of the widget's voter id on this site.
    pub key: Option<&'a str>,
    /// The address given with the comment and its keyed hash. It speaks
    /// for the poster only when `key` is one the address's owner confirmed
    /// it with (`subscriptions::owns`).
    pub email: Option<(&'a str, &'a str)>,
    // A signed-in identity (DESIGN §15) will be a third proof here, with
    // its provider-verified email counting as confirmed.
}

/// Whether the author has an earlier published comment on the site: under
/// the same author key, or under an address whose owner they are shown to be.
pub fn author_known(
    conn: &Connection,
    site: &SiteId,
    author: Author<'_>,
) -> Result<bool, StoreError> {
    let Some(key) = author.key else {
        return Ok(false);
    };
    let by_key: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM comments c JOIN threads t ON t.id = c.thread_id
             WHERE t.site_id = ?1 AND c.voter_hash = ?2 AND c.status = 'published')",
        )?
        .query_row((site.as_str(), key), |r| r.get(0))?;
    if by_key {
        return Ok(true);
    }
    let Some((email, email_hash)) = author.email else {
        return Ok(false);
    };
    if !super::subscriptions::owns(conn, site, email_hash, key)? {
        return Ok(false);
    }
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM comments c JOIN threads t ON t.id = c.thread_id
             WHERE t.site_id = ?1 AND lower(c.email) = lower(?2) AND c.status = 'published')",
        )?
        .query_row((site.as_str(), email), |r| r.get(0))?)
}

/// Finds a text by its hash: an index lookup however busy the thread.
/// Rows stored before texts were hashed are compared through their own
/// small index (migration 0008).
const DUPLICATE: &str = "SELECT EXISTS (SELECT 1 FROM comments INDEXED BY comments_text_hash
                            WHERE thread_id = ?1 AND text_hash = ?4 AND created >= ?3
                              AND text = ?2 AND status != 'deleted')
                 OR EXISTS (SELECT 1 FROM comments INDEXED BY comments_unhashed
                            WHERE thread_id = ?1 AND text_hash IS NULL AND created >= ?3
                              AND text = ?2 AND status != 'deleted')";

/// Whether the same text was posted in the thread since `since`.
pub fn recent_duplicate(
    conn: &Connection,
    thread_id: i64,
    text: &str,
    since: UnixTime,
) -> Result<bool, StoreError> {
    Ok(conn.prepare_cached(DUPLICATE)?.query_row(
        rusqlite::params![thread_id, text, since, text_hash(text)],
        |r| r.get(0),
    )?)
}

/// A comment with the page it is on, for feeds.
#[derive(Debug, Clone)]
pub struct FeedRow {
    pub comment: CommentRow,
    pub url: Option<String>,
    pub title: Option<String>,
    pub key: String,
}

/// The newest published comments of a thread, or of every thread of a site
/// when `thread_id` is `None`, each with its thread's URL, title and key.
pub fn newest_published(
    conn: &Connection,
    site: &SiteId,
    thread_id: Option<i64>,
    limit: u32,
) -> Result<Vec<FeedRow>, StoreError> {
    let sql = format!(
        "SELECT {}, t.url, t.title, t.key FROM comments c JOIN threads t ON t.id = c.thread_id
         WHERE t.site_id = ?1 AND (?2 IS NULL OR t.id = ?2) AND c.status = 'published'
         ORDER BY c.created DESC, c.id DESC LIMIT ?3",
        COLUMNS
            .split(", ")
            .map(|c| format!("c.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params![site.as_str(), thread_id, limit], |r| {
        Ok(FeedRow {
            comment: from_row(r)?,
            url: r.get(17)?,
            title: r.get(18)?,
            key: r.get(19)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The natter id and thread of an imported comment, by its import key.
pub fn by_import_key(conn: &Connection, key: &str) -> Result<Option<(CommentId, i64)>, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT id, thread_id FROM comments WHERE import_key = ?1")?
        .query_row([key], |r| Ok((CommentId(r.get(0)?), r.get(1)?)))
        .optional()?)
}

/// What an imported comment stores: no edit token (nobody holds one).
#[derive(Debug, Clone)]
pub struct Imported<'a> {
    pub thread_id: i64,
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
/// [`mark_deleted`] keeps: no name, email, website or text.
pub fn insert_imported(conn: &Connection, c: &Imported<'_>) -> Result<CommentId, StoreError> {
    let kept = |v| if c.status == Status::Deleted { None } else { v };
    let (text, html) = if c.status == Status::Deleted {
        ("", "")
    } else {
        (c.text, c.html.as_str())
    };
    conn.prepare_cached(
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
    Ok(CommentId(conn.last_insert_rowid()))
}

/// Every comment of a thread, whatever its status, oldest first (for export).
pub fn all_in_thread(conn: &Connection, thread_id: i64) -> Result<Vec<CommentRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM comments WHERE thread_id = ?1 ORDER BY created, id"
    ))?;
    let rows = stmt.query_map([thread_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every comment written with an email address on a site (any status but
/// deleted), oldest first: what a privacy request is about.
pub fn by_author_email(
    conn: &Connection,
    site: &SiteId,
    email: &str,
) -> Result<Vec<CommentRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM comments
         WHERE thread_id IN (SELECT id FROM threads WHERE site_id = ?1)
           AND lower(email) = lower(?2) AND status != 'deleted'
         ORDER BY created, id"
    ))?;
    let rows = stmt.query_map((site.as_str(), email), from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The duplicate check reads the rows with the same text, not every
    /// row of the last minutes: SQLite plans it on the hash index.
    #[test]
    fn the_duplicate_check_is_an_index_lookup_by_text() {
        let mut c = Connection::open_in_memory().unwrap();
        crate::store::migrate::apply(&mut c, None).unwrap();
        let mut stmt = c
            .prepare(&format!("EXPLAIN QUERY PLAN {DUPLICATE}"))
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map(rusqlite::params![1, "text", 0, text_hash("text")], |r| {
                r.get(3)
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let plan = plan.join("\n");
        assert!(
            plan.contains(
                "USING INDEX comments_text_hash (thread_id=? AND text_hash=? AND created>?)"
            ),
            "{plan}"
        );
        assert!(plan.contains("USING INDEX comments_unhashed"), "{plan}");
        assert!(!plan.contains("SCAN comments"), "{plan}");
    }

    #[test]
    fn the_same_text_is_found_and_another_is_not() {
        let mut c = Connection::open_in_memory().unwrap();
        crate::store::migrate::apply(&mut c, None).unwrap();
        c.execute_batch(
            "INSERT INTO sites (id, name, origins) VALUES ('s', 's', '[]');
             INSERT INTO threads (id, site_id, key, created) VALUES (1, 's', '/p', 0);",
        )
        .unwrap();
        let html = crate::render::render("same words");
        let new = |text| Insert {
            thread_id: 1,
            parent: None,
            status: Status::Published,
            name: None,
            email: None,
            website: None,
            text,
            html: &html,
            ip_hash: "ip",
            voter_hash: None,
            edit_hash: "edit",
            edit_until: 0,
            created: 100,
        };
        insert(&c, &new("same words")).unwrap();
        assert!(recent_duplicate(&c, 1, "same words", 50).unwrap());
        assert!(!recent_duplicate(&c, 1, "same words", 101).unwrap());
        assert!(!recent_duplicate(&c, 1, "other words", 50).unwrap());
        // A row from before the hash column is still compared.
        c.execute_batch(
            "INSERT INTO comments (thread_id, status, text, html, created)
             VALUES (1, 'published', 'old words', '', 100)",
        )
        .unwrap();
        assert!(recent_duplicate(&c, 1, "old words", 50).unwrap());
    }
}
