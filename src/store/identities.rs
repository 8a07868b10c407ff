//! Identities table: readers who signed in on a site (DESIGN §15), each
//! known by (issuer, subject), never by email.

use super::{Conn, StoreError};
use crate::domain::{AdminId, SiteId, UnixTime};
use rusqlite::OptionalExtension;

/// A signed-in reader of a site.
#[derive(Debug, Clone)]
pub struct IdentityRow {
    pub id: i64,
    pub site_id: SiteId,
    pub issuer: String,
    pub subject: String,
    /// The id of the provider they signed in with.
    pub provider: String,
    /// The display name, the reader's to change.
    pub name: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub profile_url: Option<String>,
    /// The moderator account it is linked to, if any.
    pub admin_id: Option<AdminId>,
    pub created: UnixTime,
}

/// The columns [`from_row`] reads, in its order, each prefixed with `i.`.
pub(super) const COLUMNS: &str = "i.id, i.site_id, i.issuer, i.subject, i.provider, i.name, \
     i.email, i.email_verified, i.profile_url, i.admin_id, i.created";

/// The one mapping of an identity row.
pub(super) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IdentityRow> {
    Ok(IdentityRow {
        id: r.get(0)?,
        site_id: r.get(1)?,
        issuer: r.get(2)?,
        subject: r.get(3)?,
        provider: r.get(4)?,
        name: r.get(5)?,
        email: r.get(6)?,
        email_verified: r.get(7)?,
        profile_url: r.get(8)?,
        admin_id: r.get::<_, Option<i64>>(9)?.map(AdminId),
        created: r.get(10)?,
    })
}

/// What a provider said about a reader who signed in.
#[derive(Debug, Clone)]
pub struct Claims<'a> {
    pub site: &'a SiteId,
    pub issuer: &'a str,
    pub subject: &'a str,
    pub provider: &'a str,
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub email_verified: bool,
    pub profile_url: Option<&'a str>,
}

/// The identity for these claims, made on first sign-in. A later sign-in
/// refreshes the email and profile but keeps the display name the reader
/// chose.
pub fn upsert(conn: &Conn, c: &Claims<'_>, at: UnixTime) -> Result<IdentityRow, StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO identities (site_id, issuer, subject, provider, name, email,
                                     email_verified, profile_url, created, last_seen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
             ON CONFLICT (site_id, issuer, subject) DO UPDATE SET
                 provider = excluded.provider, email = excluded.email,
                 email_verified = excluded.email_verified,
                 profile_url = excluded.profile_url, last_seen = excluded.last_seen",
        )?
        .execute(rusqlite::params![
            c.site.as_str(),
            c.issuer,
            c.subject,
            c.provider,
            c.name,
            c.email,
            c.email_verified,
            c.profile_url,
            at
        ])?;
    let id: i64 = conn
        .0
        .prepare_cached(
            "SELECT id FROM identities WHERE site_id = ?1 AND issuer = ?2 AND subject = ?3",
        )?
        .query_row((c.site.as_str(), c.issuer, c.subject), |r| r.get(0))?;
    get(conn, id)
}

/// An identity by id.
pub fn get(conn: &Conn, id: i64) -> Result<IdentityRow, StoreError> {
    conn.0
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM identities i WHERE i.id = ?1"
        ))?
        .query_row([id], from_row)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Changes an identity's display name.
pub fn rename(conn: &Conn, id: i64, name: &str) -> Result<(), StoreError> {
    let n = conn
        .0
        .prepare_cached("UPDATE identities SET name = ?2 WHERE id = ?1")?
        .execute((id, name))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Whether a signed-in reader of the site other than `except` goes by this
/// display name (compared without case and outer spaces).
pub fn name_taken(
    conn: &Conn,
    site: &SiteId,
    name: &str,
    except: Option<i64>,
) -> Result<bool, StoreError> {
    Ok(conn
        .0
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM identities
             WHERE site_id = ?1 AND name = ?2 COLLATE NOCASE AND id IS NOT ?3)",
        )?
        .query_row((site.as_str(), name.trim(), except), |r| r.get(0))?)
}

/// Deletes an identity: its tokens go with it, its comments stay without
/// their verified mark.
pub fn delete(conn: &Conn, id: i64) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("UPDATE comments SET identity_id = NULL, team = 0 WHERE identity_id = ?1")?
        .execute([id])?;
    conn.0
        .prepare_cached("DELETE FROM identities WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Links an identity to a moderator account, or unlinks it.
pub fn link_admin(conn: &Conn, id: i64, admin: Option<AdminId>) -> Result<(), StoreError> {
    conn.0
        .prepare_cached("UPDATE identities SET admin_id = ?2 WHERE id = ?1")?
        .execute((id, admin.map(|a| a.0)))?;
    Ok(())
}
