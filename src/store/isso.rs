//! Reading an Isso database (its `threads` and `comments` tables) for
//! import, one thread's comments at a time so that a large database is
//! never held in memory whole.

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

/// An Isso database, opened read-only.
pub struct IssoDb(Connection);

impl IssoDb {
    pub fn open(path: &Path) -> Result<IssoDb, StoreError> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        Ok(IssoDb(conn))
    }

    /// Hands each thread to `f` with its comments, oldest first, one
    /// thread at a time. A failure to read is given to `unreadable`, so
    /// that it is told apart from `f`'s own errors.
    ///
    /// Isso has no index on `comments.tid`, so a query per thread would
    /// scan every comment once per thread; one query ordered by thread is
    /// read as a cursor instead (SQLite's sorter spills to disk, so memory
    /// stays bounded), and cut where the thread changes.
    pub fn each_thread<E>(
        &self,
        unreadable: impl Fn(StoreError) -> E,
        mut f: impl FnMut(&IssoThread, Vec<IssoComment>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut stmt = self
            .0
            .prepare(
                "SELECT c.id, c.tid, c.parent, c.created, c.modified, c.mode, c.remote_addr,
                        c.text, c.author, c.email, c.website,
                        coalesce(c.likes, 0), coalesce(c.dislikes, 0), t.uri, t.title
                 FROM comments c JOIN threads t ON t.id = c.tid
                 ORDER BY c.tid, c.created, c.id",
            )
            .map_err(|e| unreadable(e.into()))?;
        let mut rows = stmt.query([]).map_err(|e| unreadable(e.into()))?;
        let mut current: Option<(IssoThread, Vec<IssoComment>)> = None;
        while let Some(r) = rows.next().map_err(|e| unreadable(e.into()))? {
            let comment = comment_of(r).map_err(|e| unreadable(e.into()))?;
            match &mut current {
                Some((thread, list)) if thread.id == comment.thread => list.push(comment),
                _ => {
                    let thread = IssoThread {
                        id: comment.thread,
                        uri: r.get(13).map_err(|e| unreadable(e.into()))?,
                        title: r.get(14).map_err(|e| unreadable(e.into()))?,
                    };
                    if let Some((done, list)) = current.replace((thread, vec![comment])) {
                        f(&done, list)?;
                    }
                }
            }
        }
        if let Some((done, list)) = current {
            f(&done, list)?;
        }
        Ok(())
    }

    /// How many comments name a thread that is not in the database.
    pub fn comments_without_thread(&self) -> Result<u64, StoreError> {
        let n: i64 = self.0.query_row(
            "SELECT count(*) FROM comments WHERE tid IS NULL OR tid NOT IN (SELECT id FROM threads)",
            [],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }
}

fn comment_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<IssoComment> {
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
}
