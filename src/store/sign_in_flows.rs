//! Sign-in flows table: a sign-in between its start and the provider's
//! answer, found by the hash of its `state` and taken once (DESIGN §15).

use super::{Conn, StoreError};
use crate::domain::{SiteId, UnixTime};
use rusqlite::OptionalExtension;

/// A sign-in under way.
#[derive(Debug, Clone)]
pub struct Flow {
    pub provider: String,
    pub site_id: SiteId,
    /// The page's registered origin: the only one the token goes to.
    pub origin: String,
    pub page_url: String,
    /// Set in same-tab mode: where the reader goes back to.
    pub return_url: Option<String>,
    /// The PKCE verifier.
    pub verifier: String,
    pub nonce: String,
    pub created: UnixTime,
}

/// Keeps a new flow under the hash of its state.
pub fn insert(conn: &Conn, state_hash: &str, f: &Flow) -> Result<(), StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO sign_in_flows (state_hash, provider, site_id, origin, page_url,
                                        return_url, verifier, nonce, created)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(rusqlite::params![
            state_hash,
            f.provider,
            f.site_id.as_str(),
            f.origin,
            f.page_url,
            f.return_url,
            f.verifier,
            f.nonce,
            f.created
        ])?;
    Ok(())
}

/// Takes the flow of a state: it is gone afterwards, so a state works once.
/// Flows started before `since` are dropped unused.
pub fn take(conn: &Conn, state_hash: &str, since: UnixTime) -> Result<Option<Flow>, StoreError> {
    conn.0
        .prepare_cached("DELETE FROM sign_in_flows WHERE created < ?1")?
        .execute([since])?;
    Ok(conn
        .0
        .prepare_cached(
            "DELETE FROM sign_in_flows WHERE state_hash = ?1
             RETURNING provider, site_id, origin, page_url, return_url, verifier, nonce, created",
        )?
        .query_row([state_hash], |r| {
            Ok(Flow {
                provider: r.get(0)?,
                site_id: r.get(1)?,
                origin: r.get(2)?,
                page_url: r.get(3)?,
                return_url: r.get(4)?,
                verifier: r.get(5)?,
                nonce: r.get(6)?,
                created: r.get(7)?,
            })
        })
        .optional()?)
}
