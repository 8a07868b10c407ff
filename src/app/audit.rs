//! The audit log: every moderator's change, newest first.

use super::App;
use crate::domain::UnixTime;
use crate::domain::audit::Entry;
use crate::error::Error;
use crate::store::{Conn, StoreError, audit, audit::AuditRow};

/// Writes one line of the audit log, in the transaction of its change.
pub(super) fn record(c: &Conn, at: UnixTime, entry: &Entry) -> Result<(), StoreError> {
    let target = entry.target.to_string();
    audit::record(
        c,
        at,
        entry.actor.name(),
        entry.change.as_str(),
        &target,
        &entry.detail,
    )
}

impl App {
    pub async fn audit_log(&self, before: Option<i64>) -> Result<Vec<AuditRow>, Error> {
        Ok(self.db.read(move |c| audit::log(c, 100, before)).await?)
    }
}
