//! The one door from notifications to the outbox for email: an email is
//! kept as JSON, to be sent by the worker.

use super::Notifier;
use super::email::Email;
use crate::domain::{Site, UnixTime};
use crate::store::outbox::{self, Kind};
use crate::store::{Conn, StoreError};

impl Notifier {
    /// Queues `mail` to `to`, about `topic`, in the open transaction.
    pub(super) fn queue_email(
        &self,
        c: &Conn,
        site: &Site,
        topic: &str,
        to: &str,
        mail: &Email,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        let payload =
            serde_json::to_string(mail).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        outbox::enqueue(
            c,
            &outbox::New {
                kind: Kind::Email,
                site_id: Some(site.id.as_str()),
                topic,
                recipient: to,
                payload: &payload,
                now,
            },
        )?;
        Ok(())
    }
}
