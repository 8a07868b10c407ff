//! The audit log: every moderator's change, newest first.

use super::App;
use crate::error::Error;
use crate::store::admins::{self, AuditRow};

impl App {
    pub async fn audit_log(&self, before: Option<i64>) -> Result<Vec<AuditRow>, Error> {
        Ok(self
            .db
            .read(move |c| admins::audit_log(c, 100, before))
            .await?)
    }
}
