//! Numbered SQL files from `migrations/`, applied in order and recorded in
//! `schema_migrations`. A released file is never edited; changes get a new one.

use super::{Conn, StoreError};
use std::path::Path;

#[derive(rust_embed::Embed)]
#[folder = "migrations/"]
#[include = "*.sql"]
struct Files;

/// The migrations as (version, name, sql), in order.
fn migrations() -> Result<Vec<(u32, String, String)>, StoreError> {
    let mut list = Vec::new();
    for name in Files::iter() {
        let version: u32 = name
            .split('_')
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| StoreError::Corrupt(format!("migration {name} has no number")))?;
        let file = Files::get(&name).ok_or(StoreError::NotFound)?;
        let sql = String::from_utf8(file.data.into_owned())
            .map_err(|_| StoreError::Corrupt(format!("migration {name} is not UTF-8")))?;
        list.push((version, name.to_string(), sql));
    }
    list.sort_by_key(|m| m.0);
    Ok(list)
}

/// Applies every migration newer than the database, up to `up_to` if given.
pub(super) fn apply(conn: &mut Conn, up_to: Option<u32>) -> Result<(), StoreError> {
    let conn = &mut conn.0;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name    TEXT NOT NULL,
            applied INTEGER NOT NULL
        ) STRICT",
    )?;
    let current: u32 = conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    for (version, name, sql) in migrations()? {
        if version <= current || up_to.is_some_and(|u| version > u) {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(&sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied) VALUES (?1, ?2, ?3)",
            rusqlite::params![version, name, crate::domain::now()],
        )?;
        tx.commit()?;
        tracing::info!(version, name, "applied migration");
    }
    Ok(())
}

/// Creates or upgrades the database at `path` to `up_to` (every migration
/// when `None`). natter does this itself at start; tests use it to make a
/// database of an older schema.
pub fn migrate_database(path: &Path, up_to: Option<u32>) -> Result<(), StoreError> {
    let mut conn = Conn::open_writer(path)?;
    apply(&mut conn, up_to)
}
