//! The webhook calls a comment event queues: one signed JSON body per
//! configured URL (where they may go is `target`'s concern).

use super::Notifier;
use crate::domain::{Site, UnixTime, rfc3339};
use crate::store::comments::CommentRow;
use crate::store::outbox::{self, Kind};
use crate::store::threads::ThreadRow;
use crate::store::{Conn, StoreError};

impl Notifier {
    pub(super) fn webhooks(
        &self,
        c: &Conn,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        event: &str,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        if site.settings.webhooks.is_empty() {
            return Ok(());
        }
        let body = serde_json::json!({
            "event": event,
            "site": site.id.as_str(),
            "at": rfc3339(now),
            "comment": {
                "id": row.id.0,
                "parent": row.parent.map(|p| p.0),
                "status": row.status.as_str(),
                "author": row.name,
                "website": row.website,
                "text": row.text,
                "html": row.html.as_str(),
                "created": rfc3339(row.created),
            },
            "page": {
                "key": thread.key.to_string(),
                "url": thread.url,
                "title": thread.title,
            },
        })
        .to_string();
        for hook in &site.settings.webhooks {
            outbox::enqueue(
                c,
                &outbox::New {
                    kind: Kind::Webhook,
                    site_id: Some(site.id.as_str()),
                    topic: event,
                    recipient: &hook.url,
                    payload: &body,
                    now,
                },
            )?;
        }
        Ok(())
    }
}
