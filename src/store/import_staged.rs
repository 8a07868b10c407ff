//! Import staged table: a temporary table of the import's transaction that
//! holds the entries of a file whose threads are spread over it, as text,
//! until the file is read.

use super::{Conn, StoreError};

/// Makes the table (empty) for a new import.
pub fn begin(conn: &Conn) -> Result<(), StoreError> {
    conn.0.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_staged (
             seq INTEGER PRIMARY KEY, thread TEXT NOT NULL, body TEXT NOT NULL);
         CREATE INDEX IF NOT EXISTS temp.import_staged_thread ON import_staged (thread, seq);
         DELETE FROM import_staged;",
    )?;
    Ok(())
}

/// Keeps one entry of a thread.
pub fn put(conn: &Conn, thread: &str, body: &str) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("INSERT INTO import_staged (thread, body) VALUES (?1, ?2)")?
        .execute([thread, body])?;
    Ok(())
}

/// The threads staged, in the order the file first named them.
pub fn threads(conn: &Conn) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn
        .0
        .prepare("SELECT thread FROM import_staged GROUP BY thread ORDER BY min(seq)")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A thread's entries, in file order.
pub fn bodies(conn: &Conn, thread: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn
        .0
        .prepare_cached("SELECT body FROM import_staged WHERE thread = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([thread], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Drops the table once the import is done.
pub fn finish(conn: &Conn) -> Result<(), StoreError> {
    conn.0.execute_batch("DROP TABLE temp.import_staged")?;
    Ok(())
}
