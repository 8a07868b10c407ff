//! What the admin API answers about bans and the audit log: wire types
//! built from what `App` returns, with times in RFC 3339 like every other
//! answer. Store rows are never serialised.

use crate::app::{AuditRow, BanRow};
use crate::domain::{BanId, rfc3339};
use serde::Serialize;

/// One ban, as `GET /admin/api/bans` lists it.
#[derive(Debug, Serialize)]
pub struct BanAnswer {
    pub id: BanId,
    /// `ip` or `email`.
    pub kind: String,
    pub value: String,
    pub reason: String,
    pub created: String,
    /// None for a ban without end.
    pub expires: Option<String>,
    pub created_by: String,
}

impl From<BanRow> for BanAnswer {
    fn from(b: BanRow) -> Self {
        BanAnswer {
            id: b.id,
            kind: b.kind,
            value: b.value,
            reason: b.reason,
            created: rfc3339(b.created),
            expires: b.expires.map(rfc3339),
            created_by: b.created_by,
        }
    }
}

/// One line of the audit log, as `GET /admin/api/audit` lists it.
#[derive(Debug, Serialize)]
pub struct AuditAnswer {
    pub id: i64,
    pub at: String,
    pub admin: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

impl From<AuditRow> for AuditAnswer {
    fn from(a: AuditRow) -> Self {
        AuditAnswer {
            id: a.id,
            at: rfc3339(a.at),
            admin: a.admin,
            action: a.action,
            target: a.target,
            detail: a.detail,
        }
    }
}

/// Each of `rows` as its wire type.
pub fn answers<R, A: From<R>>(rows: Vec<R>) -> Vec<A> {
    rows.into_iter().map(A::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_and_a_ban_without_end_has_none() {
        let at = 1_700_000_000;
        let ban = BanAnswer::from(BanRow {
            id: BanId(1),
            kind: "ip".into(),
            value: "hash".into(),
            reason: String::new(),
            created: at,
            expires: None,
            created_by: "mod".into(),
        });
        assert_eq!(ban.created, "2023-11-14T22:13:20Z");
        assert_eq!(ban.expires, None);
    }
}
