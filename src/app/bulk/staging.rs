//! Entries read from a file whose threads are spread over it (Disqus,
//! natter's JSON), kept in the import's staging table until the file is
//! read, so that memory holds one thread, not the file. Entries go in and
//! come out as JSON.

use super::ImportError;
use crate::store::{Conn, import_staged as staging};

/// The staging table of one import's transaction.
pub struct Staging<'a> {
    conn: &'a Conn,
}

impl<'a> Staging<'a> {
    /// Makes the table, empty.
    pub(super) fn new(conn: &'a Conn) -> Result<Self, ImportError> {
        staging::begin(conn)?;
        Ok(Staging { conn })
    }

    /// Stages one entry of a thread.
    pub fn put<T: serde::Serialize>(&self, thread: &str, entry: &T) -> Result<(), ImportError> {
        let body = serde_json::to_string(entry)
            .map_err(|e| ImportError::Invalid(format!("cannot stage an entry: {e}")))?;
        Ok(staging::put(self.conn, thread, &body)?)
    }

    /// The threads staged, in the order the file first named them.
    pub fn threads(&self) -> Result<Vec<String>, ImportError> {
        Ok(staging::threads(self.conn)?)
    }

    /// A thread's entries, in file order.
    pub fn take<T: serde::de::DeserializeOwned>(
        &self,
        thread: &str,
    ) -> Result<Vec<T>, ImportError> {
        staging::bodies(self.conn, thread)?
            .iter()
            .map(|body| {
                serde_json::from_str(body).map_err(|e| {
                    ImportError::Invalid(format!("cannot read a staged entry back: {e}"))
                })
            })
            .collect()
    }

    /// Drops the table.
    pub fn finish(self) -> Result<(), ImportError> {
        Ok(staging::finish(self.conn)?)
    }
}
