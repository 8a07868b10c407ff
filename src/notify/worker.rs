//! The outbox worker: delivers emails and webhook calls in the background,
//! retrying with a doubling wait, so that a request never waits on a mail
//! server or a receiver. An item is marked sent only after it was
//! accepted, so a crash can at worst send one item twice, never lose one.
//!
//! The worker knows no `App`: it is given [`Parts`], the few things it
//! reads.

pub use super::deliver::SiteLookup;

use super::deliver::Sender;
use super::smtp::Mailer;
use super::{Notifier, Outbox, Smtp};
use crate::domain::net::Cidr;
use crate::domain::now;
use crate::store::Db;
use crate::store::outbox;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How many due items are read at a time.
const BATCH: u32 = 64;
/// How many deliveries run at once, each on its own SMTP connection. Their
/// "sent" marks reach the database writer together and share one commit.
/// Many at once also hide the ~40 ms an SMTP client without TCP_NODELAY
/// (lettre) waits per message for the server's delayed ACK.
const IN_FLIGHT: usize = 16;
/// The longest the worker sleeps before it looks again.
const IDLE: Duration = Duration::from_secs(30);

/// What the worker needs: the outbox, how to reach mail servers and
/// webhooks, how to retry, and the notifier that wakes it.
#[derive(Clone)]
pub struct Parts {
    /// Where the outbox is read and its items marked.
    pub db: Db,
    /// Wakes the worker when new items are committed.
    pub notifier: Notifier,
    /// The mail server; without one, emails wait in the outbox.
    pub smtp: Option<Smtp>,
    /// How failed deliveries are retried.
    pub outbox: Outbox,
    /// Private ranges webhooks may reach (`[webhooks] allow_private`).
    pub webhook_allow_private: Vec<Cidr>,
    /// The registered sites, for a webhook's URL and secret.
    pub site: SiteLookup,
}

/// Starts the worker; it stops when `stop` turns true.
pub fn spawn(
    parts: Parts,
    stop: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let mailer = parts
        .smtp
        .as_ref()
        .map(|s| Mailer::new(s, IN_FLIGHT as u32))
        .transpose()?;
    let http = webhook_client(&parts.webhook_allow_private)?;
    let wake = parts.notifier.woken();
    let sender = Arc::new(Sender {
        db: parts.db,
        outbox: parts.outbox,
        webhook_allow_private: parts.webhook_allow_private,
        site: parts.site,
        mailer,
        http,
    });
    Ok(tokio::spawn(run(sender, wake, stop)))
}

/// Webhooks reach only the addresses §14 allows: the resolver filters what
/// each name resolves to, no proxy stands in between, and a redirect is
/// never followed.
fn webhook_client(allow: &[Cidr]) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(super::resolver::Resolver::new(allow.to_vec()))
        .user_agent(concat!("natter/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("the webhook client did not start: {e}"))
}

/// Delivers what is due, then sleeps until the next item is due, the
/// notifier wakes it or `stop` turns true.
async fn run(sender: Arc<Sender>, wake: Arc<tokio::sync::Notify>, mut stop: watch::Receiver<bool>) {
    let slots = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let db = sender.db.clone();
    loop {
        if *stop.borrow() {
            return;
        }
        let full = deliver_batch(&sender, &slots, &stop).await;
        if *stop.borrow() {
            return;
        }
        if full {
            continue;
        }
        let wait = match db.read(outbox::next_due).await {
            Ok(Some(t)) => Duration::from_secs((t - now()).clamp(0, 30) as u64)
                .max(Duration::from_millis(250))
                .min(IDLE),
            _ => IDLE,
        };
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {}
        }
    }
}

/// Delivers one batch of due items, up to [`IN_FLIGHT`] at once; true when
/// the batch was full, so more may be due at once.
async fn deliver_batch(
    sender: &Arc<Sender>,
    slots: &Arc<tokio::sync::Semaphore>,
    stop: &watch::Receiver<bool>,
) -> bool {
    let due = match sender.db.read(|c| outbox::due(c, now(), BATCH)).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "the outbox could not be read");
            Vec::new()
        }
    };
    let full = due.len() as u32 == BATCH;
    let mut running = tokio::task::JoinSet::new();
    for item in due {
        if *stop.borrow() {
            break;
        }
        let Ok(slot) = slots.clone().acquire_owned().await else {
            break;
        };
        let sender = sender.clone();
        running.spawn(async move {
            sender.deliver(&item).await;
            drop(slot);
        });
    }
    while running.join_next().await.is_some() {}
    full
}
