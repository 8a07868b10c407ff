//! An Isso database, read for an import through the store's reader, one
//! thread's comments at a time.

use super::ImportError;
use crate::store::StoreError;
use crate::store::isso::IssoDb;
pub use crate::store::isso::{IssoComment, IssoThread};
use std::path::Path;

/// Hands each thread of the Isso database at `path` to `f` with its
/// comments, oldest first; returns how many comments name a thread that is
/// not in the database. A database natter cannot read is an error naming
/// the file.
pub fn each_isso_thread(
    path: &Path,
    f: impl FnMut(&IssoThread, Vec<IssoComment>) -> Result<(), ImportError>,
) -> Result<u64, ImportError> {
    let unreadable = |e: StoreError| {
        ImportError::Invalid(format!(
            "{} is not an Isso database that natter can read ({e})",
            path.display()
        ))
    };
    let db = IssoDb::open(path).map_err(unreadable)?;
    db.each_thread(unreadable, f)?;
    db.comments_without_thread().map_err(unreadable)
}
