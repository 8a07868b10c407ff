//! The only code that knows rusqlite. One writer thread commits queued writes
//! in batches; a small pool of read-only connections serves reads. Both run
//! off the async runtime.

pub mod admins;
pub mod comments;
pub mod isso;
mod migrate;
pub mod moderation;
pub mod outbox;
mod pool;
pub mod sites;
pub mod staging;
pub mod subscriptions;
pub mod threads;
pub mod votes;
mod writer;

pub use migrate::migrate_database;
pub use rusqlite::Connection;

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
    #[error("sqlite: {0}")]
    Sqlite(rusqlite::Error),
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
            None => StoreError::Sqlite(e),
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

/// Settings applied to every connection.
const PRAGMAS: &str = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";

/// The database: a writer and a pool of readers over one SQLite file.
#[derive(Clone)]
pub struct Db {
    writer: writer::Writer,
    /// Set by the writer when writes fail for a [`Trouble`], cleared when
    /// one succeeds again.
    trouble: std::sync::Arc<std::sync::Mutex<Option<Trouble>>>,
    readers: pool::ReadPool,
    path: std::sync::Arc<Path>,
}

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Db, StoreError> {
        let mut conn = open_writer(path)?;
        migrate::apply(&mut conn, None)?;
        let trouble = std::sync::Arc::default();
        let writer = writer::Writer::start(conn, std::sync::Arc::clone(&trouble));
        let readers = pool::ReadPool::open(path, 4)?;
        Ok(Db {
            writer,
            trouble,
            readers,
            path: path.into(),
        })
    }

    /// Runs `f` on a read-only connection, off the async runtime.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
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
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        self.writer.run(f).await
    }

    /// The same as [`Db::write`], for callers outside the async runtime.
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + WriteFailure + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
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

fn open_writer(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.execute_batch(PRAGMAS)?;
    // WAL lets readers go on while the writer commits; FULL makes each
    // commit durable before it is acknowledged.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

/// Reads a server-wide setting.
pub fn get_setting(conn: &Connection, name: &str) -> Result<Option<String>, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT value FROM settings WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?)
}

/// Writes a server-wide setting unless it is already set; returns the value in force.
pub fn init_setting(conn: &Connection, name: &str, value: &str) -> Result<String, StoreError> {
    conn.prepare_cached(
        "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
    )?
    .execute([name, value])?;
    get_setting(conn, name)?.ok_or(StoreError::NotFound)
}

/// Records that the data changed outside the server (the command line), so
/// that a running server drops what it has cached.
pub fn mark_changed(conn: &Connection) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO settings (name, value) VALUES ('changed', '1')
         ON CONFLICT (name) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
    )?
    .execute([])?;
    Ok(())
}

/// The counter [`mark_changed`] moves.
pub fn changed_counter(conn: &Connection) -> Result<String, StoreError> {
    Ok(get_setting(conn, "changed")?.unwrap_or_default())
}

/// Writes a consistent copy of the database to `target` (which must not
/// exist), while other connections go on reading and writing.
pub fn backup(source: &Path, target: &Path) -> Result<(), StoreError> {
    let target = target
        .to_str()
        .ok_or_else(|| StoreError::Corrupt("the backup path is not UTF-8".into()))?;
    let conn = Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.execute_batch(PRAGMAS)?;
    conn.execute("VACUUM INTO ?1", [target])?;
    Ok(())
}

/// A small write that proves the database takes writes again (for
/// `/healthz`, after writes failed).
pub fn probe(conn: &Connection) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO settings (name, value) VALUES ('health_probe', ?1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )?
    .execute([crate::domain::now().to_string()])?;
    Ok(())
}

/// Checks that the database answers (for `/healthz`).
pub fn ping(conn: &Connection) -> Result<(), StoreError> {
    conn.query_row("SELECT count(*) FROM sites", [], |_| Ok(()))?;
    Ok(())
}
