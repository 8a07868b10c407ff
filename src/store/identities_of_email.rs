//! The identities of one email address on a site, for the privacy export
//! and erasure: the provider reported the address, so its owner's request
//! about "what you hold on me" covers them.

use super::identities::{COLUMNS, IdentityRow, from_row};
use super::{Conn, StoreError};
use crate::domain::SiteId;

/// The identities of a site whose provider reported `email` (any case).
pub fn of_email(conn: &Conn, site: &SiteId, email: &str) -> Result<Vec<IdentityRow>, StoreError> {
    let mut stmt = conn.0.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM identities i
         WHERE i.site_id = ?1 AND i.email = ?2 COLLATE NOCASE ORDER BY i.id"
    ))?;
    let rows = stmt.query_map((site.as_str(), email.trim()), from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
