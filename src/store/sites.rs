//! Sites table.

use super::{Conn, StoreError};
use crate::domain::{Origin, Site, SiteId, SiteSettings};

/// Inserts a site or replaces the one with the same id.
pub fn upsert(conn: &Conn, site: &Site) -> Result<(), StoreError> {
    let origins: Vec<&str> = site.origins.iter().map(Origin::as_str).collect();
    let origins =
        serde_json::to_string(&origins).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let settings =
        serde_json::to_string(&site.settings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    conn.0
        .prepare_cached(
            "INSERT INTO sites (id, name, origins, settings) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, origins = excluded.origins,
                                        settings = excluded.settings",
        )?
        .execute((site.id.as_str(), &site.name, origins, settings))?;
    Ok(())
}

/// Every site, ordered by id.
pub fn list(conn: &Conn) -> Result<Vec<Site>, StoreError> {
    let mut stmt = conn
        .0
        .prepare_cached("SELECT id, name, origins, settings FROM sites ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    rows.map(|row| from_columns(row?)).collect()
}

/// The one mapping of a site row: its id, name, and origins and settings
/// as stored JSON.
fn from_columns(
    (id, name, origins, settings): (String, String, String, String),
) -> Result<Site, StoreError> {
    let corrupt = |what: &str, e: String| StoreError::Corrupt(format!("site {id}: {what}: {e}"));
    let origins: Vec<String> =
        serde_json::from_str(&origins).map_err(|e| corrupt("origins", e.to_string()))?;
    let origins = origins
        .iter()
        .map(|o| Origin::parse(o))
        .collect::<Result<_, _>>()
        .map_err(|e| corrupt("origins", e))?;
    let settings: SiteSettings =
        serde_json::from_str(&settings).map_err(|e| corrupt("settings", e.to_string()))?;
    Ok(Site {
        id: SiteId::parse(&id).map_err(|e| corrupt("id", e))?,
        name,
        origins,
        settings,
    })
}

/// Removes a site and, through the foreign keys, its threads and comments.
pub fn remove(conn: &Conn, id: &SiteId) -> Result<(), StoreError> {
    let n = conn
        .0
        .prepare_cached("DELETE FROM sites WHERE id = ?1")?
        .execute([id.as_str()])?;
    super::found(n)
}
