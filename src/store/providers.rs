//! Providers table: the sign-in providers added in the admin page, each
//! stored as written (a `ProviderSpec`) with its secret in a column of its
//! own, which only the sign-in flow reads.

use super::{Conn, StoreError};
use crate::domain::{ProviderSpec, UnixTime};
use rusqlite::OptionalExtension;

/// A provider added in the admin page.
#[derive(Debug, Clone)]
pub struct ProviderRow {
    pub id: String,
    /// The provider as written, its secret included.
    pub spec: ProviderSpec,
    pub created: UnixTime,
    pub updated: UnixTime,
}

/// The one mapping of a provider row, in the order of `SELECT id, spec,
/// client_secret, created, updated`.
fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProviderRow> {
    let json: String = r.get(1)?;
    let mut spec: ProviderSpec = serde_json::from_str(&json).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, e.into())
    })?;
    spec.client_secret = Some(r.get(2)?);
    Ok(ProviderRow {
        id: r.get(0)?,
        spec,
        created: r.get(3)?,
        updated: r.get(4)?,
    })
}

/// Every stored provider, by id.
pub fn list(conn: &Conn) -> Result<Vec<ProviderRow>, StoreError> {
    let mut stmt = conn.0.prepare_cached(
        "SELECT id, spec, client_secret, created, updated FROM providers ORDER BY id",
    )?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A stored provider by id.
pub fn find(conn: &Conn, id: &str) -> Result<Option<ProviderRow>, StoreError> {
    Ok(conn
        .0
        .prepare_cached(
            "SELECT id, spec, client_secret, created, updated FROM providers WHERE id = ?1",
        )?
        .query_row([id], from_row)
        .optional()?)
}

/// Adds a provider or replaces the one of the same id.
pub fn save(conn: &Conn, spec: &ProviderSpec, at: UnixTime) -> Result<(), StoreError> {
    let secret = spec.client_secret.clone().unwrap_or_default();
    let written = ProviderSpec {
        client_secret: None,
        ..spec.clone()
    };
    let json = serde_json::to_string(&written).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    conn.0
        .prepare_cached(
            "INSERT INTO providers (id, spec, client_secret, created, updated)
             VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT (id) DO UPDATE SET spec = excluded.spec,
                 client_secret = excluded.client_secret, updated = excluded.updated",
        )?
        .execute(rusqlite::params![spec.id, json, secret, at])?;
    Ok(())
}

/// Deletes a stored provider.
pub fn delete(conn: &Conn, id: &str) -> Result<(), StoreError> {
    let n = conn
        .0
        .prepare_cached("DELETE FROM providers WHERE id = ?1")?
        .execute([id])?;
    super::found(n)
}
