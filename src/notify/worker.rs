//! The outbox worker: delivers emails and webhook calls in the background,
//! retrying with a doubling wait, so that a request never waits on a mail
//! server or a receiver. An item is marked sent only after it was
//! accepted, so a crash can at worst send one item twice, never lose one.

use super::email::Email;
use crate::app::App;
use crate::config::{Outbox, Smtp, SmtpTls};
use crate::domain::{UnixTime, now};
use crate::keys::Keys;
use crate::store::{outbox, outbox::Item, outbox::Kind};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
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

type Mailer = AsyncSmtpTransport<Tokio1Executor>;

/// Why one delivery failed.
struct Failed {
    message: String,
    /// Whether trying again could help.
    retry: bool,
}

impl Failed {
    fn again(message: impl ToString) -> Failed {
        Failed {
            message: message.to_string(),
            retry: true,
        }
    }

    fn never(message: impl ToString) -> Failed {
        Failed {
            message: message.to_string(),
            retry: false,
        }
    }
}

/// Starts the worker; it stops when `stop` turns true.
pub fn spawn(
    app: App,
    mut stop: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let mailer = app.config.smtp.as_ref().map(mailer).transpose()?;
    let from = match &app.config.smtp {
        Some(s) => {
            s.check()?;
            Some(s.from.parse::<Mailbox>().map_err(|e| e.to_string())?)
        }
        None => None,
    };
    // Webhooks reach only the addresses §14 allows: the resolver filters
    // what each name resolves to, no proxy stands in between, and a
    // redirect is never followed.
    let resolver = super::target::Resolver::new(app.config.webhook_allow_private.clone());
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(resolver)
        .user_agent(concat!("natter/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("the webhook client did not start: {e}"))?;
    let wake = app.notifier.woken();
    Ok(tokio::spawn(async move {
        let sender = std::sync::Arc::new(Sender {
            app: app.clone(),
            mailer,
            from,
            http,
        });
        let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
        loop {
            if *stop.borrow() {
                return;
            }
            let due = match app.db.read(|c| outbox::due(c, now(), BATCH)).await {
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
            if *stop.borrow() {
                return;
            }
            if full {
                continue;
            }
            let wait = match app.db.read(outbox::next_due).await {
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
    }))
}

fn mailer(s: &Smtp) -> Result<Mailer, String> {
    let bad = |e: lettre::transport::smtp::Error| format!("[smtp] host {:?}: {e}", s.host);
    let mut b = match s.tls {
        SmtpTls::None => Mailer::builder_dangerous(&s.host),
        SmtpTls::Starttls => Mailer::starttls_relay(&s.host).map_err(bad)?,
        SmtpTls::Tls => Mailer::relay(&s.host).map_err(bad)?,
    }
    .port(s.port)
    .timeout(Some(Duration::from_secs(30)))
    .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(IN_FLIGHT as u32));
    if let Some(user) = &s.username {
        b = b.credentials(Credentials::new(
            user.clone(),
            s.password.clone().unwrap_or_default(),
        ));
    }
    Ok(b.build())
}

struct Sender {
    app: App,
    mailer: Option<Mailer>,
    from: Option<Mailbox>,
    http: reqwest::Client,
}

impl Sender {
    async fn deliver(&self, item: &Item) {
        let result = match item.kind {
            Kind::Email => self.email(item).await,
            Kind::Webhook => self.webhook(item).await,
        };
        let id = item.id;
        let at = now();
        let next = match &result {
            Ok(()) => None,
            Err(f) if f.retry => retry_at(&self.app.config.outbox, item.attempts + 1, at),
            Err(_) => None,
        };
        let write = match result {
            Ok(()) => {
                tracing::debug!(id = %id, topic = %item.topic, "delivered");
                self.app
                    .db
                    .write(move |c| outbox::mark_sent(c, id, at))
                    .await
            }
            Err(f) => {
                tracing::warn!(id = %id, topic = %item.topic, error = %f.message, dead = next.is_none(), "delivery failed");
                self.app
                    .db
                    .write(move |c| outbox::mark_failed(c, id, &f.message, next, at))
                    .await
            }
        };
        if let Err(e) = write {
            tracing::error!(id = %id, error = %e, "the outbox could not be updated");
        }
    }

    async fn email(&self, item: &Item) -> Result<(), Failed> {
        let (Some(mailer), Some(from)) = (&self.mailer, &self.from) else {
            return Err(Failed::again("[smtp] is not configured"));
        };
        let mail: Email = serde_json::from_str(&item.payload).map_err(Failed::never)?;
        let to: Mailbox = item.recipient.parse().map_err(Failed::never)?;
        let domain = from.email.domain().to_string();
        let mut message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(format!(
                "<natter.{}.{}@{domain}>",
                item.id, item.created
            )))
            .date_now()
            .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
            .map_err(Failed::never)?;
        if let Some(url) = &mail.unsubscribe {
            let headers = message.headers_mut();
            headers.insert_raw(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ));
            headers.insert_raw(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ));
        }
        mailer.send(message).await.map_err(|e| {
            // A permanent (5xx) answer will not change on a retry.
            if e.is_permanent() {
                Failed::never(e)
            } else {
                Failed::again(e)
            }
        })?;
        Ok(())
    }

    async fn webhook(&self, item: &Item) -> Result<(), Failed> {
        let site = item
            .site_id
            .as_deref()
            .and_then(|s| crate::domain::SiteId::parse(s).ok())
            .and_then(|s| self.app.sites.by_id(&s))
            .ok_or_else(|| Failed::never("the site is gone"))?;
        let hook = site
            .settings
            .webhooks
            .iter()
            .find(|h| h.url == item.recipient)
            .ok_or_else(|| Failed::never("the site no longer has this webhook"))?;
        let url = url::Url::parse(&hook.url).map_err(Failed::never)?;
        super::target::check_connect(&url, &self.app.config.webhook_allow_private)
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

/// When to try again after `attempts` failed tries, or None when that was the last.
pub fn retry_at(policy: &Outbox, attempts: u32, now: UnixTime) -> Option<UnixTime> {
    if attempts >= policy.attempts {
        return None;
    }
    let wait = policy
        .first_retry
        .saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1).min(20)))
        .min(policy.max_retry);
    Some(now + wait.as_secs_f64().ceil() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_a_cap_and_end() {
        let p = Outbox {
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_secs(100),
            attempts: 5,
        };
        assert_eq!(retry_at(&p, 1, 0), Some(30));
        assert_eq!(retry_at(&p, 2, 0), Some(60));
        assert_eq!(retry_at(&p, 3, 0), Some(100));
        assert_eq!(retry_at(&p, 4, 0), Some(100));
        assert_eq!(retry_at(&p, 5, 0), None);
    }
}
