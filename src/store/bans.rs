//! Bans table: an IP hash, an (lower-cased) email address or a signed-in
//! reader's identity kept from posting, for good or until it expires.

use super::{Conn, StoreError};
use crate::domain::{BanId, UnixTime};

/// A ban of an IP hash or an email address.
#[derive(Debug, Clone)]
pub struct BanRow {
    pub id: BanId,
    pub kind: String,
    pub value: String,
    pub reason: String,
    pub created: UnixTime,
    pub expires: Option<UnixTime>,
    pub created_by: String,
}

/// The one mapping of a ban row, in the order of `SELECT id, kind, value,
/// reason, created, expires, created_by`.
fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BanRow> {
    Ok(BanRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        value: r.get(2)?,
        reason: r.get(3)?,
        created: r.get(4)?,
        expires: r.get(5)?,
        created_by: r.get(6)?,
    })
}

/// Adds a ban; returns its id.
pub fn add(
    conn: &Conn,
    kind: &str,
    value: &str,
    reason: &str,
    now: UnixTime,
    expires: Option<UnixTime>,
    by: &str,
) -> Result<BanId, StoreError> {
    conn.0
        .prepare_cached(
            "INSERT INTO bans (kind, value, reason, created, expires, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(rusqlite::params![kind, value, reason, now, expires, by])?;
    Ok(BanId(conn.0.last_insert_rowid()))
}

/// The bans in force at `now`, newest first.
pub fn list(conn: &Conn, now: UnixTime) -> Result<Vec<BanRow>, StoreError> {
    let mut stmt = conn.0.prepare_cached(
        "SELECT id, kind, value, reason, created, expires, created_by FROM bans
         WHERE expires IS NULL OR expires > ?1 ORDER BY created DESC",
    )?;
    let rows = stmt.query_map([now], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Lifts a ban.
pub fn remove(conn: &Conn, id: BanId) -> Result<(), StoreError> {
    let n = conn
        .0
        .prepare_cached("DELETE FROM bans WHERE id = ?1")?
        .execute([id])?;
    super::found(n)
}

/// Whether an IP hash or an (lower-cased) email is banned now.
pub fn is_banned(
    conn: &Conn,
    ip_hash: &str,
    email: Option<&str>,
    now: UnixTime,
) -> Result<bool, StoreError> {
    Ok(conn
        .0
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM bans WHERE (expires IS NULL OR expires > ?3)
               AND ((kind = 'ip' AND value = ?1) OR (kind = 'email' AND value = ?2)))",
        )?
        .query_row(
            rusqlite::params![ip_hash, email.map(str::to_lowercase), now],
            |r| r.get(0),
        )?)
}

/// Whether a signed-in reader's identity is banned at `at`. Posting checks
/// it for every comment written with a reader token.
pub fn identity_banned(conn: &Conn, identity_id: i64, at: UnixTime) -> Result<bool, StoreError> {
    Ok(conn
        .0
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM bans WHERE (expires IS NULL OR expires > ?2)
               AND kind = 'identity' AND value = ?1)",
        )?
        .query_row(rusqlite::params![identity_id.to_string(), at], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_ban_holds_until_it_ends_and_only_for_that_identity() {
        let c = Conn::in_memory();
        add(&c, "identity", "7", "", 100, Some(200), "admin").unwrap();
        add(&c, "email", "8", "", 100, None, "admin").unwrap();
        assert!(identity_banned(&c, 7, 150).unwrap());
        assert!(!identity_banned(&c, 7, 200).unwrap(), "ended");
        assert!(
            !identity_banned(&c, 8, 150).unwrap(),
            "an email ban is not of identity 8"
        );
        assert!(!identity_banned(&c, 70, 150).unwrap());
    }
}
