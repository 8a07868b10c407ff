//! The import's staging table: entries of files whose threads are spread
//! over them wait here, inside the transaction, until the file is read.

use super::ImportError;
use crate::store::{Connection, StoreError};

/// Entries read from a file whose threads are spread over it (Disqus,
/// natter's JSON), kept in a temporary table of the import's transaction
/// until the file is read, so that memory holds one thread, not the file.
pub struct Staging<'a> {
    conn: &'a Connection,
}

impl<'a> Staging<'a> {
    pub fn new(conn: &'a Connection) -> Result<Self, StoreError> {
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS import_staged (
                 seq INTEGER PRIMARY KEY, thread TEXT NOT NULL, body TEXT NOT NULL);
             CREATE INDEX IF NOT EXISTS temp.import_staged_thread ON import_staged (thread, seq);
             DELETE FROM import_staged;",
        )?;
        Ok(Staging { conn })
    }

    pub fn put<T: serde::Serialize>(&self, thread: &str, entry: &T) -> Result<(), ImportError> {
        let body = serde_json::to_string(entry)
            .map_err(|e| ImportError::Invalid(format!("cannot stage an entry: {e}")))?;
        self.conn
            .prepare_cached("INSERT INTO import_staged (thread, body) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute([thread, &body]))
            .map_err(StoreError::from)?;
        Ok(())
    }

    /// The threads staged, in the order the file first named them.
    pub fn threads(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT thread FROM import_staged GROUP BY thread ORDER BY min(seq)")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A thread's entries, in file order.
    pub fn take<T: serde::de::DeserializeOwned>(
        &self,
        thread: &str,
    ) -> Result<Vec<T>, ImportError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT body FROM import_staged WHERE thread = ?1 ORDER BY seq")
            .map_err(StoreError::from)?;
        let bodies = stmt
            .query_map([thread], |r| r.get::<_, String>(0))
            .map_err(StoreError::from)?;
        let mut out = Vec::new();
        for body in bodies {
            let body = body.map_err(StoreError::from)?;
            out.push(serde_json::from_str(&body).map_err(|e| {
                ImportError::Invalid(format!("cannot read a staged entry back: {e}"))
            })?);
        }
        Ok(out)
    }

    pub fn finish(self) -> Result<(), StoreError> {
        self.conn.execute_batch("DROP TABLE temp.import_staged")?;
        Ok(())
    }
}
