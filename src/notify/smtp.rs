//! How natter reaches its mail server (`[smtp]`), and the one email sent
//! there from an outbox item.

use super::email::Email;
use super::retry::Failed;
use crate::store::outbox::Item;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Deserialize;
use std::time::Duration;

/// SMTP settings for notifications.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    /// The mail server's name.
    pub host: String,
    /// Its port, 587 unless given.
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    #[serde(default)]
    pub tls: SmtpTls,
    /// The account to sign in with, if the server wants one.
    pub username: Option<String>,
    /// Its password (`NATTER_SMTP_PASSWORD` overrides the file's).
    pub password: Option<String>,
    /// The sender, like `Comments <comments@example.org>`.
    pub from: String,
}

/// How the connection to the mail server is secured.
#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text, for a server on the same machine or network.
    None,
    /// Plain at first, then upgraded (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

fn default_smtp_port() -> u16 {
    587
}

impl Smtp {
    /// Checks what can be checked before connecting.
    pub fn check(&self) -> Result<(), String> {
        if self.host.trim().is_empty() {
            return Err("[smtp] host is empty: give your mail server's name".into());
        }
        self.sender()?;
        Ok(())
    }

    /// The `From` address, parsed.
    fn sender(&self) -> Result<Mailbox, String> {
        self.from.parse::<Mailbox>().map_err(|e| {
            format!(
                "[smtp] from {:?} is not an address ({e}): write it like Comments <comments@example.org>",
                self.from
            )
        })
    }
}

/// The mail transport with its sender, keeping up to `pool` connections.
pub(super) struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Checks the settings and builds the transport (it connects on first use).
    pub(super) fn new(s: &Smtp, pool: u32) -> Result<Mailer, String> {
        s.check()?;
        type T = AsyncSmtpTransport<Tokio1Executor>;
        let bad = |e: lettre::transport::smtp::Error| format!("[smtp] host {:?}: {e}", s.host);
        let mut b = match s.tls {
            SmtpTls::None => T::builder_dangerous(&s.host),
            SmtpTls::Starttls => T::starttls_relay(&s.host).map_err(bad)?,
            SmtpTls::Tls => T::relay(&s.host).map_err(bad)?,
        }
        .port(s.port)
        .timeout(Some(Duration::from_secs(30)))
        .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(pool));
        if let Some(user) = &s.username {
            b = b.credentials(Credentials::new(
                user.clone(),
                s.password.clone().unwrap_or_default(),
            ));
        }
        Ok(Mailer {
            transport: b.build(),
            from: s.sender()?,
        })
    }

    /// Sends one queued email. The error says whether a retry could help.
    pub(super) async fn send(&self, item: &Item) -> Result<(), Failed> {
        let mail: Email = serde_json::from_str(&item.payload).map_err(Failed::never)?;
        let to: Mailbox = item.recipient.parse().map_err(Failed::never)?;
        let domain = self.from.email.domain().to_string();
        let mut message = Message::builder()
            .from(self.from.clone())
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
        self.transport.send(message).await.map_err(|e| {
            // A permanent (5xx) answer will not change on a retry.
            if e.is_permanent() {
                Failed::never(e)
            } else {
                Failed::again(e)
            }
        })?;
        Ok(())
    }
}
