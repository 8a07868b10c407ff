//! Admins, sessions, bans and the audit log.

use super::{Connection, StoreError};
use crate::domain::UnixTime;
use rusqlite::OptionalExtension;
use serde::Serialize;

/// A moderator account.
#[derive(Debug, Clone, Serialize)]
pub struct AdminRow {
    pub id: i64,
    pub username: String,
    #[serde(skip)]
    pub password_hash: String,
    pub created: UnixTime,
}

fn admin_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AdminRow> {
    Ok(AdminRow {
        id: r.get(0)?,
        username: r.get(1)?,
        password_hash: r.get(2)?,
        created: r.get(3)?,
    })
}

pub fn count(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM admins", [], |r| r.get(0))?)
}

pub fn list(conn: &Connection) -> Result<Vec<AdminRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, username, password_hash, created FROM admins ORDER BY username",
    )?;
    Ok(stmt
        .query_map([], admin_from_row)?
        .collect::<Result<_, _>>()?)
}

pub fn by_username(conn: &Connection, username: &str) -> Result<Option<AdminRow>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, username, password_hash, created FROM admins WHERE username = ?1",
        )?
        .query_row([username], admin_from_row)
        .optional()?)
}

/// Adds an admin; `false` when the username is taken.
pub fn insert(
    conn: &Connection,
    username: &str,
    password_hash: &str,
    now: UnixTime,
) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached("INSERT INTO admins (username, password_hash, created) VALUES (?1, ?2, ?3) ON CONFLICT (username) DO NOTHING")?
        .execute((username, password_hash, now))?;
    Ok(n == 1)
}

/// Sets a new password and ends every session of that admin.
pub fn set_password(
    conn: &Connection,
    username: &str,
    password_hash: &str,
) -> Result<(), StoreError> {
    let n = conn
        .prepare_cached("UPDATE admins SET password_hash = ?2 WHERE username = ?1")?
        .execute((username, password_hash))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    conn.prepare_cached(
        "DELETE FROM sessions WHERE admin_id = (SELECT id FROM admins WHERE username = ?1)",
    )?
    .execute([username])?;
    Ok(())
}

pub fn remove(conn: &Connection, username: &str) -> Result<(), StoreError> {
    let n = conn
        .prepare_cached("DELETE FROM admins WHERE username = ?1")?
        .execute([username])?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub fn create_session(
    conn: &Connection,
    token_hash: &str,
    admin_id: i64,
    now: UnixTime,
    expires: UnixTime,
) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM sessions WHERE expires < ?1")?
        .execute([now])?;
    conn.prepare_cached(
        "INSERT INTO sessions (token_hash, admin_id, created, expires) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((token_hash, admin_id, now, expires))?;
    Ok(())
}

/// The admin of a live session.
pub fn session_admin(
    conn: &Connection,
    token_hash: &str,
    now: UnixTime,
) -> Result<Option<AdminRow>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT a.id, a.username, a.password_hash, a.created FROM sessions s JOIN admins a ON a.id = s.admin_id
             WHERE s.token_hash = ?1 AND s.expires > ?2",
        )?
        .query_row((token_hash, now), admin_from_row)
        .optional()?)
}

pub fn end_session(conn: &Connection, token_hash: &str) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")?
        .execute([token_hash])?;
    Ok(())
}

pub fn end_all_sessions(conn: &Connection, admin_id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM sessions WHERE admin_id = ?1")?
        .execute([admin_id])?;
    Ok(())
}

/// A ban of an IP hash or an email address.
#[derive(Debug, Clone, Serialize)]
pub struct BanRow {
    pub id: i64,
    pub kind: String,
    pub value: String,
    pub reason: String,
    pub created: UnixTime,
    pub expires: Option<UnixTime>,
    pub created_by: String,
}

pub fn add_ban(
    conn: &Connection,
    kind: &str,
    value: &str,
    reason: &str,
    now: UnixTime,
    expires: Option<UnixTime>,
    by: &str,
) -> Result<i64, StoreError> {
    conn.prepare_cached("INSERT INTO bans (kind, value, reason, created, expires, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(rusqlite::params![kind, value, reason, now, expires, by])?;
    Ok(conn.last_insert_rowid())
}

pub fn list_bans(conn: &Connection, now: UnixTime) -> Result<Vec<BanRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, value, reason, created, expires, created_by FROM bans
         WHERE expires IS NULL OR expires > ?1 ORDER BY created DESC",
    )?;
    let rows = stmt.query_map([now], |r| {
        Ok(BanRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            value: r.get(2)?,
            reason: r.get(3)?,
            created: r.get(4)?,
            expires: r.get(5)?,
            created_by: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn remove_ban(conn: &Connection, id: i64) -> Result<(), StoreError> {
    if conn
        .prepare_cached("DELETE FROM bans WHERE id = ?1")?
        .execute([id])?
        == 0
    {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Whether an IP hash or an (lower-cased) email is banned now.
pub fn is_banned(
    conn: &Connection,
    ip_hash: &str,
    email: Option<&str>,
    now: UnixTime,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM bans WHERE (expires IS NULL OR expires > ?3)
               AND ((kind = 'ip' AND value = ?1) OR (kind = 'email' AND value = ?2)))",
        )?
        .query_row(
            rusqlite::params![ip_hash, email.map(str::to_lowercase), now],
            |r| r.get(0),
        )?)
}

/// One line of the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: UnixTime,
    pub admin: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

pub fn audit(
    conn: &Connection,
    at: UnixTime,
    admin: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO audit (at, admin, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((at, admin, action, target, detail))?;
    Ok(())
}

pub fn audit_log(
    conn: &Connection,
    limit: u32,
    before: Option<i64>,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, admin, action, target, detail FROM audit WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map((before.unwrap_or(i64::MAX), limit), |r| {
        Ok(AuditRow {
            id: r.get(0)?,
            at: r.get(1)?,
            admin: r.get(2)?,
            action: r.get(3)?,
            target: r.get(4)?,
            detail: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
