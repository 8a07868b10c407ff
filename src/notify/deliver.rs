//! One delivery: an outbox item sent by email or as a webhook call, then
//! marked sent, or failed with the time of its next try.

use super::Outbox;
use super::retry::{Failed, retry_at};
use super::smtp::Mailer;
use crate::domain::net::Cidr;
use crate::domain::{Site, SiteId, now};
use crate::keys::Keys;
use crate::store::Db;
use crate::store::outbox::{self, Item, Kind};
use std::sync::Arc;

/// Finds a registered site as it is now (a webhook's secret may have
/// changed since its call was queued).
pub type SiteLookup = Arc<dyn Fn(&SiteId) -> Option<Arc<Site>> + Send + Sync>;

/// What the worker's deliveries share: the outbox, the retry policy, the
/// sites and the two clients.
pub(super) struct Sender {
    pub(super) db: Db,
    pub(super) outbox: Outbox,
    pub(super) webhook_allow_private: Vec<Cidr>,
    pub(super) site: SiteLookup,
    pub(super) mailer: Option<Mailer>,
    pub(super) http: reqwest::Client,
}

impl Sender {
    /// Sends one item and records how that went.
    pub(super) async fn deliver(&self, item: &Item) {
        let result = match item.kind {
            Kind::Email => self.email(item).await,
            Kind::Webhook => self.webhook(item).await,
        };
        let id = item.id;
        let at = now();
        let next = match &result {
            Ok(()) => None,
            Err(f) if f.retry => retry_at(&self.outbox, item.attempts + 1, at),
            Err(_) => None,
        };
        let db = &self.db;
        let write = match result {
            Ok(()) => {
                tracing::debug!(id = %id, topic = %item.topic, "delivered");
                db.write(move |c| outbox::mark_sent(c, id, at)).await
            }
            Err(f) => {
                tracing::warn!(id = %id, topic = %item.topic, error = %f.message, dead = next.is_none(), "delivery failed");
                db.write(move |c| outbox::mark_failed(c, id, &f.message, next, at))
                    .await
            }
        };
        if let Err(e) = write {
            tracing::error!(id = %id, error = %e, "the outbox could not be updated");
        }
    }

    async fn email(&self, item: &Item) -> Result<(), Failed> {
        match &self.mailer {
            Some(mailer) => mailer.send(item).await,
            None => Err(Failed::again("[smtp] is not configured")),
        }
    }

    async fn webhook(&self, item: &Item) -> Result<(), Failed> {
        let site = item
            .site_id
            .as_deref()
            .and_then(|s| SiteId::parse(s).ok())
            .and_then(|s| (self.site)(&s))
            .ok_or_else(|| Failed::never("the site is gone"))?;
        let hook = site
            .settings
            .webhooks
            .iter()
            .find(|h| h.url == item.recipient)
            .ok_or_else(|| Failed::never("the site no longer has this webhook"))?;
        let url = url::Url::parse(&hook.url).map_err(Failed::never)?;
        super::target::check_connect(&url, &self.webhook_allow_private)
            .map_err(|m| Failed::never(format!("not called: {m}")))?;
        let timestamp = now();
        let body = item.payload.clone().into_bytes();
        let signature = Keys::webhook_signature(&hook.secret, timestamp, &body);
        let res = self
            .http
            .post(&hook.url)
            .header("content-type", "application/json")
            .header("natter-event", &item.topic)
            .header("natter-delivery", item.id.to_string())
            .header("natter-timestamp", timestamp.to_string())
            .header("natter-signature", format!("sha256={signature}"))
            .body(body)
            .send()
            .await
            .map_err(|e| Failed::again(with_causes(&e)))?;
        if res.status().is_success() {
            Ok(())
        } else {
            Err(Failed::again(format!(
                "the receiver answered {}",
                res.status()
            )))
        }
    }
}

/// An error with what caused it: reqwest's own text leaves out why a
/// connection failed (such as an address the resolver refused).
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
