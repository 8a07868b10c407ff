//! Reading an Isso database (its `threads` and `comments` tables) for import.

use super::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// One Isso thread: its page path and title.
#[derive(Debug, Clone)]
pub struct IssoThread {
    pub id: i64,
    pub uri: String,
    pub title: Option<String>,
}

/// One Isso comment. `mode` is 1 accepted, 2 waiting, 4 deleted.
#[derive(Debug, Clone)]
pub struct IssoComment {
    pub id: i64,
    pub thread: i64,
    pub parent: Option<i64>,
    pub created: f64,
    pub modified: Option<f64>,
    pub mode: i64,
    pub remote_addr: Option<String>,
    pub text: Option<String>,
    pub author: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub likes: i64,
    pub dislikes: i64,
}

/// Reads every thread and comment, oldest comment first.
pub fn read(path: &Path) -> Result<(Vec<IssoThread>, Vec<IssoComment>), StoreError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let threads = conn
        .prepare("SELECT id, uri, title FROM threads ORDER BY id")?
        .query_map([], |r| {
            Ok(IssoThread {
                id: r.get(0)?,
                uri: r.get(1)?,
                title: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let comments = conn
        .prepare(
            "SELECT id, tid, parent, created, modified, mode, remote_addr, text, author, email, website,
                    coalesce(likes, 0), coalesce(dislikes, 0)
             FROM comments ORDER BY created, id",
        )?
        .query_map([], |r| {
            Ok(IssoComment {
                id: r.get(0)?,
                thread: r.get(1)?,
                parent: r.get(2)?,
                created: r.get(3)?,
                modified: r.get(4)?,
                mode: r.get(5)?,
                remote_addr: r.get(6)?,
                text: r.get(7)?,
                author: r.get(8)?,
                email: r.get(9)?,
                website: r.get(10)?,
                likes: r.get(11)?,
                dislikes: r.get(12)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok((threads, comments))
}
