//! Comments table, lists across threads: the moderators' search and the
//! feeds' newest comments, each comment with its thread.

use super::comments::{self, CommentRow};
use super::threads::{self, ThreadRow};
use super::{Conn, StoreError};
use crate::domain::moderation::Search;
use crate::domain::{SiteId, ThreadId};
use rusqlite::types::Value;

/// A comment with its thread, as the moderation list shows it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub comment: CommentRow,
    pub thread: ThreadRow,
}

/// A comment and its thread from one joined row of both tables' columns.
fn listed(r: &rusqlite::Row<'_>) -> rusqlite::Result<Listed> {
    Ok(Listed {
        comment: comments::from_row(r, 0)?,
        thread: threads::from_row(r, comments::WIDTH)?,
    })
}

/// The `WHERE` clause of a search, and its parameters.
fn clauses(f: &Search) -> (String, Vec<Value>) {
    let mut clauses = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some(s) = f.status {
        params.push(Value::Text(s.as_str().into()));
        clauses.push(format!("c.status = ?{}", params.len()));
    }
    if let Some(site) = &f.site {
        params.push(Value::Text(site.as_str().into()));
        clauses.push(format!("t.site_id = ?{}", params.len()));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        params.push(Value::Text(format!("%{escaped}%")));
        let n = params.len();
        clauses.push(format!(
            "(c.text LIKE ?{n} ESCAPE '\\' OR c.name LIKE ?{n} ESCAPE '\\' OR c.email LIKE ?{n} ESCAPE '\\' \
              OR t.url LIKE ?{n} ESCAPE '\\' OR t.key LIKE ?{n} ESCAPE '\\' OR t.title LIKE ?{n} ESCAPE '\\')"
        ));
    }
    if clauses.is_empty() {
        return (String::new(), params);
    }
    (format!("WHERE {}", clauses.join(" AND ")), params)
}

/// Comments matching the search, newest first, and how many match in all.
pub fn search(conn: &Conn, f: &Search) -> Result<(Vec<Listed>, u64), StoreError> {
    let (filter, mut params) = clauses(f);
    let total: i64 = conn.0.query_row(
        &format!("SELECT count(*) FROM comments c JOIN threads t ON t.id = c.thread_id {filter}"),
        rusqlite::params_from_iter(params.iter()),
        |r| r.get(0),
    )?;
    params.push(Value::Integer(i64::from(f.limit)));
    params.push(Value::Integer(i64::from(f.offset)));
    let sql = format!(
        "SELECT {}, {} FROM comments c JOIN threads t ON t.id = c.thread_id {filter}
         ORDER BY c.created DESC, c.id DESC LIMIT ?{} OFFSET ?{}",
        comments::COLUMNS,
        threads::COLUMNS,
        params.len() - 1,
        params.len()
    );
    let mut stmt = conn.0.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), listed)?;
    Ok((rows.collect::<Result<_, _>>()?, total as u64))
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
    conn: &Conn,
    site: &SiteId,
    thread_id: Option<ThreadId>,
    limit: u32,
) -> Result<Vec<FeedRow>, StoreError> {
    let sql = format!(
        "SELECT {}, {} FROM comments c JOIN threads t ON t.id = c.thread_id
         WHERE t.site_id = ?1 AND (?2 IS NULL OR t.id = ?2) AND c.status = 'published'
         ORDER BY c.created DESC, c.id DESC LIMIT ?3",
        comments::COLUMNS,
        threads::COLUMNS,
    );
    let mut stmt = conn.0.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params![site.as_str(), thread_id, limit], |r| {
        let Listed { comment, thread } = listed(r)?;
        Ok(FeedRow {
            comment,
            url: thread.url,
            title: thread.title,
            key: thread.key.as_str().to_owned(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
