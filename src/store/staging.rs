//! The import's staging table: a temporary table of the import's write
//! transaction, where entries of files whose threads are spread over them
//! wait, as text, until the file is read. One function per statement.

use super::StoreError;
use rusqlite::Connection;

/// Makes the table (empty) for this connection.
pub fn create(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_staged (
             seq INTEGER PRIMARY KEY, thread TEXT NOT NULL, body TEXT NOT NULL);
         CREATE INDEX IF NOT EXISTS temp.import_staged_thread ON import_staged (thread, seq);
         DELETE FROM import_staged;",
    )?;
    Ok(())
}

/// Stages one entry of a thread, after those staged before.
pub fn put(conn: &Connection, thread: &str, body: &str) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT INTO import_staged (thread, body) VALUES (?1, ?2)")?
        .execute([thread, body])?;
    Ok(())
}

/// The threads staged, in the order the file first named them.
pub fn threads(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt =
        conn.prepare("SELECT thread FROM import_staged GROUP BY thread ORDER BY min(seq)")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Hands each staged entry of a thread to `f`, in file order, without
/// holding them all.
pub fn each_of<E: From<StoreError>>(
    conn: &Connection,
    thread: &str,
    mut f: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let mut stmt = conn
        .prepare_cached("SELECT body FROM import_staged WHERE thread = ?1 ORDER BY seq")
        .map_err(StoreError::from)?;
    let mut rows = stmt.query([thread]).map_err(StoreError::from)?;
    while let Some(row) = rows.next().map_err(StoreError::from)? {
        let body: String = row.get(0).map_err(StoreError::from)?;
        f(&body)?;
    }
    Ok(())
}

/// Drops the table.
pub fn finish(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch("DROP TABLE temp.import_staged")?;
    Ok(())
}
