//! The only code that knows the database. One writer thread commits queued
//! writes in batches; a small pool of read-only connections serves reads.
//! Both run off the async runtime.
//!
//! Every query is a function of one table's file (`comments.rs`,
//! `threads.rs`, …) taking a [`Conn`]; each table file maps its rows in
//! exactly one function. Callers never see the database's own types: they
//! get a `&Conn` from [`Db::read`], [`Db::write`] or [`Db::write_blocking`]
//! and hand it on. This is the seam for a second backend (PostgreSQL,
//! DESIGN §17): `Conn` would become an enum of a SQLite and a PostgreSQL
//! connection, each table function would match on it, and nothing outside
//! `store/` would change.

pub mod admins;
pub mod audit;
pub mod bans;
pub mod comments;
pub mod comments_checks;
pub mod comments_import;
pub mod comments_search;
mod conn;
pub mod events;
pub mod feeds;
pub mod identities;
pub mod identities_of_email;
pub mod identities_search;
pub mod import_staged;
pub mod isso;
mod migrate;
pub mod outbox;
mod pool;
pub mod post_subscriptions;
pub mod privacy_asked;
pub mod providers;
pub mod reader_tokens;
pub mod sessions;
pub mod settings;
pub mod sign_in_flows;
pub mod sites;
pub mod subscriber_keys;
pub mod subscribers;
pub mod subscriptions;
#[cfg(test)]
mod tests;
pub mod threads;
pub mod used_links;
pub mod votes;
mod writer;

pub use conn::{Conn, backup, ping};
pub use migrate::migrate_database;

use std::path::Path;
use thiserror::Error;

/// Why a database call failed.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// The disk holding the database is full (SQLITE_FULL): nothing of the
    /// write was kept. The text is SQLite's.
    #[error("disk full: {0}")]
    DiskFull(String),
    /// Another connection held the database locked past the busy timeout
    /// (SQLITE_BUSY or SQLITE_LOCKED): nothing of the write was kept.
    #[error("database locked: {0}")]
    Locked(String),
    /// Any other failure of the database; the text is the database's.
    #[error("sqlite: {0}")]
    Sqlite(String),
    /// A batch's commit failed for another reason; nothing of it was kept.
    #[error("commit failed: {0}")]
    CommitFailed(String),
    /// Stored JSON or text did not parse.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The writer has stopped (natter is shutting down).
    #[error("the database writer has stopped")]
    Closed,
    #[error("a database task panicked: {0}")]
    Panicked(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match Trouble::of(e.sqlite_error_code()) {
            Some(Trouble::DiskFull) => StoreError::DiskFull(e.to_string()),
            Some(Trouble::Locked) => StoreError::Locked(e.to_string()),
            None => StoreError::Sqlite(e.to_string()),
        }
    }
}

impl From<StoreError> for crate::error::Error {
    fn from(e: StoreError) -> Self {
        use crate::error::Error;
        match e {
            StoreError::NotFound => Error::NotFound,
            StoreError::DiskFull(detail) => Error::DiskFull(detail),
            StoreError::Locked(detail) => Error::DatabaseLocked(detail),
            other => Error::Internal(other.to_string()),
        }
    }
}

/// Why the database cannot take writes for now: what `/healthz` and the
/// log name until a write succeeds again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    DiskFull,
    Locked,
}

impl Trouble {
    fn of(code: Option<rusqlite::ErrorCode>) -> Option<Trouble> {
        use rusqlite::ErrorCode;
        match code? {
            ErrorCode::DiskFull => Some(Trouble::DiskFull),
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Some(Trouble::Locked),
            _ => None,
        }
    }

    /// How the log and `/healthz` name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Trouble::DiskFull => "disk full",
            Trouble::Locked => "database locked",
        }
    }
}

/// What the writer asks of a failed write: whether it failed because the
/// database cannot take writes ([`Trouble`]), so that `/healthz` says so.
pub trait WriteFailure {
    fn trouble(&self) -> Option<Trouble>;
}

impl WriteFailure for StoreError {
    fn trouble(&self) -> Option<Trouble> {
        match self {
            StoreError::DiskFull(_) => Some(Trouble::DiskFull),
            StoreError::Locked(_) => Some(Trouble::Locked),
            _ => None,
        }
    }
}

impl WriteFailure for crate::error::Error {
    fn trouble(&self) -> Option<Trouble> {
        match self {
            crate::error::Error::DiskFull(_) => Some(Trouble::DiskFull),
            crate::error::Error::DatabaseLocked(_) => Some(Trouble::Locked),
            _ => None,
        }
    }
}

/// A write that changed no row was of a row that does not exist.
fn found(changed: usize) -> Result<(), StoreError> {
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The database: a writer and a pool of readers over one SQLite file.
#[derive(Clone)]
pub struct Db {
    writer: writer::Writer,
    /// Set by the writer when writes fail for a [`Trouble`], cleared when
    /// one succeeds again.
    trouble: std::sync::Arc<std::sync::Mutex<Option<Trouble>>>,
    readers: pool::ReadPool,
    path: std::sync::Arc<Path>,
    /// Woken after each committed batch that wrote.
    committed: std::sync::Arc<tokio::sync::Notify>,
}

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Db, StoreError> {
        let mut conn = Conn::open_writer(path)?;
        migrate::apply(&mut conn, None)?;
        let trouble = std::sync::Arc::default();
        let committed = std::sync::Arc::default();
        let writer = writer::Writer::start(
            conn,
            std::sync::Arc::clone(&trouble),
            std::sync::Arc::clone(&committed),
        );
        let readers = pool::ReadPool::open(path, 4)?;
        Ok(Db {
            writer,
            trouble,
            readers,
            path: path.into(),
            committed,
        })
    }

    /// Wakes (one waiter) after each batch the writer committed: the
    /// moment to look for new events.
    pub fn committed(&self) -> std::sync::Arc<tokio::sync::Notify> {
        std::sync::Arc::clone(&self.committed)
    }

    /// Runs `f` on a read-only connection, off the async runtime.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Conn) -> Result<T, StoreError> + Send + 'static,
    {
        self.readers.run(f).await
    }

    /// Queues `f` for the writer. It runs inside the writer's batch
    /// transaction (in its own savepoint) and this returns once the batch is
    /// committed to disk.
    /// `f` may fail with any error that a [`StoreError`] converts into; a
    /// failure undoes its writes and only its own.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + WriteFailure + Send + 'static,
        F: FnOnce(&Conn) -> Result<T, E> + Send + 'static,
    {
        self.writer.run(f).await
    }

    /// The same as [`Db::write`], for callers outside the async runtime.
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + WriteFailure + Send + 'static,
        F: FnOnce(&Conn) -> Result<T, E> + Send + 'static,
    {
        self.writer.run_blocking(f)
    }

    /// Finishes every queued write and stops the writer.
    pub fn close(&self) {
        self.writer.stop();
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Why writes are failing, if the last ones did (for `/healthz`).
    pub fn trouble(&self) -> Option<Trouble> {
        *self.trouble.lock().unwrap_or_else(|p| p.into_inner())
    }
}
