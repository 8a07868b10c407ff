//! [`Conn`], the one connection type every store function takes, and the
//! ways one is opened. Only `store/` sees what is inside it.

use super::StoreError;
use crate::domain::{AdminId, BanId, CommentId, OutboxId, SiteId, ThreadId};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// Settings applied to every connection.
const PRAGMAS: &str = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";

/// A connection to natter's database, handed to the closures of
/// [`Db::read`](super::Db::read) and [`Db::write`](super::Db::write). Its
/// inside is private to `store/`, so a second backend can sit beside
/// SQLite here without any caller changing.
pub struct Conn(pub(super) Connection);

impl Conn {
    /// The writer's connection: read-write, WAL, and every commit durable.
    pub(super) fn open_writer(path: &Path) -> Result<Conn, StoreError> {
        let conn = Connection::open(path)?;
        conn.execute_batch(PRAGMAS)?;
        // WAL lets readers go on while the writer commits; FULL makes each
        // commit durable before it is acknowledged.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(Conn(conn))
    }

    /// A read-only connection for the pool.
    pub(super) fn open_reader(path: &Path) -> Result<Conn, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch(PRAGMAS)?;
        Ok(Conn(conn))
    }

    /// A fresh, migrated database in memory, for unit tests.
    #[cfg(test)]
    pub(super) fn in_memory() -> Conn {
        let mut conn = Conn(Connection::open_in_memory().expect("an in-memory database"));
        super::migrate::apply(&mut conn, None).expect("migrating an in-memory database");
        conn
    }
}

/// Writes a consistent copy of the database to `target` (which must not
/// exist), while other connections go on reading and writing.
pub fn backup(source: &Path, target: &Path) -> Result<(), StoreError> {
    let target = target
        .to_str()
        .ok_or_else(|| StoreError::Corrupt("the backup path is not UTF-8".into()))?;
    let conn = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.execute_batch(PRAGMAS)?;
    conn.execute("VACUUM INTO ?1", [target])?;
    Ok(())
}

/// Checks that the database answers (for `/healthz`).
pub fn ping(conn: &Conn) -> Result<(), StoreError> {
    conn.0
        .query_row("SELECT count(*) FROM sites", [], |_| Ok(()))?;
    Ok(())
}

/// Lets the id newtypes be query parameters and column values as the
/// integers they are.
macro_rules! sql_id {
    ($($id:ident),*) => {$(
        impl ToSql for $id {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        impl FromSql for $id {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map($id)
            }
        }
    )*};
}

sql_id!(CommentId, ThreadId, AdminId, BanId, OutboxId);

/// A stored site id is read back through the same check as a new one.
impl FromSql for SiteId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        SiteId::parse(value.as_str()?).map_err(|e| FromSqlError::Other(e.into()))
    }
}
