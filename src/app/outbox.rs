//! The outbox of emails and webhook calls, for the admin page and
//! `/metrics`, and its housekeeping.

use super::privacy::PRIVACY_EVERY;
use super::session::AdminSession;
use super::{App, audit};
use crate::domain::audit::{Change, Entry, Target};
use crate::domain::{OutboxId, now, rfc3339};
use crate::error::Error;
use crate::store::{StoreError, outbox, outbox::State, privacy_asked, used_links};
use serde::Serialize;

/// How long sent items stay in the outbox, for the admin page.
const KEEP_SENT: i64 = 30 * 86_400;

/// Longer than the longest single-use link lives (7 days).
const KEEP_USED_LINKS: i64 = 8 * 86_400;

/// The outbox for the admin page.
#[derive(Debug, Serialize)]
pub struct OutboxList {
    pub counts: OutboxCounts,
    pub items: Vec<OutboxItem>,
}

#[derive(Debug, Serialize)]
pub struct OutboxCounts {
    pub pending: u64,
    pub sent: u64,
    pub dead: u64,
}

#[derive(Debug, Serialize)]
pub struct OutboxItem {
    pub id: OutboxId,
    pub kind: &'static str,
    pub site: Option<String>,
    pub topic: String,
    pub recipient: String,
    pub state: &'static str,
    pub attempts: u32,
    pub next_try: String,
    pub last_error: Option<String>,
    pub created: String,
}

impl App {
    /// The outbox, for the admin page: counts, and the newest items in one state.
    pub async fn outbox(&self, state: Option<&str>) -> Result<OutboxList, Error> {
        let state = match state {
            None | Some("") => State::Dead,
            Some(s) => State::parse(s)
                .ok_or_else(|| Error::validation("state", "state must be pending, sent or dead"))?,
        };
        let (counts, items) = self
            .db
            .read(move |c| Ok((outbox::counts(c)?, outbox::list(c, state, 100)?)))
            .await?;
        Ok(OutboxList {
            counts: OutboxCounts {
                pending: counts[0],
                sent: counts[1],
                dead: counts[2],
            },
            items: items
                .into_iter()
                .map(|i| OutboxItem {
                    id: i.id,
                    kind: i.kind.as_str(),
                    site: i.site_id,
                    topic: i.topic,
                    recipient: i.recipient,
                    state: i.state.as_str(),
                    attempts: i.attempts,
                    next_try: rfc3339(i.next_try),
                    last_error: i.last_error,
                    created: rfc3339(i.created),
                })
                .collect(),
        })
    }

    /// Sends a dead item again.
    pub async fn retry_outbox(&self, s: &AdminSession, id: OutboxId) -> Result<(), Error> {
        let actor = s.actor();
        self.db
            .write(move |c| {
                outbox::retry(c, id, now()).map_err(|e| match e {
                    StoreError::NotFound => Error::Conflict(
                        "Only an email or webhook that failed can be sent again. Reload the list."
                            .into(),
                    ),
                    other => other.into(),
                })?;
                let entry = Entry::new(&actor, Change::Retry, Target::Outbox(id), "");
                Ok::<_, Error>(audit::record(c, now(), &entry)?)
            })
            .await?;
        self.notifier.wake();
        Ok(())
    }

    /// Forgets what is no longer needed: emails and calls sent over 30 days
    /// ago, and the nonces of used links older than any live link.
    pub async fn prune_notifications(&self) -> Result<(), Error> {
        let at = now();
        self.db
            .write(move |c| {
                outbox::prune_sent(c, at - KEEP_SENT)?;
                privacy_asked::prune(c, at - PRIVACY_EVERY)?;
                used_links::prune(c, at - KEEP_USED_LINKS)
            })
            .await?;
        Ok(())
    }

    /// Pending, sent and dead items, for `/metrics`.
    pub async fn outbox_counts(&self) -> Result<[u64; 3], Error> {
        Ok(self.db.read(outbox::counts).await?)
    }
}
