//! Identities as the admin page lists them: searched by name, email or
//! provider, with how many comments each wrote and whether it is banned.

use super::identities::{COLUMNS, IdentityRow, from_row};
use super::{Conn, StoreError};
use crate::domain::{SiteId, UnixTime};

/// An identity with what a moderator weighs about it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub identity: IdentityRow,
    pub comments: i64,
    pub banned: bool,
}

/// At most `limit` identities of a site (or of every site), newest first,
/// whose name, email or provider holds `q` (without case).
pub fn search(
    conn: &Conn,
    site: Option<&SiteId>,
    q: &str,
    limit: u32,
    at: UnixTime,
) -> Result<Vec<Listed>, StoreError> {
    let like = format!(
        "%{}%",
        q.trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let sql = format!(
        "SELECT {COLUMNS},
                (SELECT count(*) FROM comments c WHERE c.identity_id = i.id),
                EXISTS (SELECT 1 FROM bans b WHERE b.kind = 'identity'
                        AND b.value = CAST(i.id AS TEXT)
                        AND (b.expires IS NULL OR b.expires > ?4))
         FROM identities i
         WHERE (?1 IS NULL OR i.site_id = ?1)
           AND (lower(i.name) LIKE ?2 ESCAPE '\\' OR lower(coalesce(i.email, '')) LIKE ?2 ESCAPE '\\'
                OR lower(i.provider) LIKE ?2 ESCAPE '\\')
         ORDER BY i.created DESC, i.id DESC LIMIT ?3"
    );
    let mut stmt = conn.0.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        rusqlite::params![site.map(SiteId::as_str), like, limit, at],
        |r| {
            Ok(Listed {
                identity: from_row(r)?,
                comments: r.get(11)?,
                banned: r.get(12)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}
