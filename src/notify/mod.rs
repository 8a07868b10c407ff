//! Notifications (DESIGN §6): what is sent when a comment is created,
//! published or deleted, and to whom. Everything is written to the outbox
//! in the same transaction as the change itself; the worker delivers it.
//!
//! The seam: events in (the `comment_*` calls, `subscribe`, `privacy_email`
//! on a [`Notifier`], each given the open transaction), outbox rows out,
//! and a [`worker`] that takes the few parts it needs (no `App`). The
//! settings it reads ([`Smtp`], [`Outbox`]) are defined here and held by
//! the configuration.

mod deliver;
pub mod email;
mod events;
pub mod feed_read;
pub mod links;
mod moderators;
pub mod new_posts;
pub mod page;
mod queue;
mod ranges;
mod readers;
mod resolver;
pub mod retry;
mod signin;
pub mod smtp;
pub mod strings;
pub mod target;
mod webhooks;
pub mod worker;

pub use retry::Outbox;
pub use smtp::{Smtp, SmtpTls};

use crate::domain::{Site, UnixTime};
use crate::keys::Keys;
use crate::store::comments::CommentRow;
use crate::store::threads::ThreadRow;
use links::Action;
use strings::Words;

/// What notifications need to know: the secret that signs links, where
/// natter is reached, whether email is on, and how to wake the worker.
#[derive(Clone)]
pub struct Notifier {
    keys: Keys,
    base: url::Url,
    email: bool,
    wake: std::sync::Arc<tokio::sync::Notify>,
}

/// What a reader's request for notifications led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Subscribed {
    /// The poster is the address's confirmed owner: emails start now.
    On,
    /// The subscription waits for the address's owner to confirm it (by an
    /// email on its way, or one sent in the last day).
    Confirm,
}

/// What a reader asked to follow.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wants {
    pub replies: bool,
    pub thread: bool,
}

impl Notifier {
    /// Links are signed with `keys` and joined onto `base`; `email` says
    /// whether `[smtp]` is configured.
    pub fn new(keys: Keys, base: url::Url, email: bool) -> Notifier {
        Notifier {
            keys,
            base,
            email,
            wake: Default::default(),
        }
    }

    /// Whether emails are sent at all (`[smtp]` is configured).
    pub fn email_on(&self) -> bool {
        self.email
    }

    /// The keys that sign links and hash addresses.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// Tells the worker that new items are waiting (after their commit).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) fn woken(&self) -> std::sync::Arc<tokio::sync::Notify> {
        self.wake.clone()
    }

    /// The full address of a signed link.
    pub fn link(&self, action: &Action, now: UnixTime) -> String {
        let mut url = self.base.join("notify").expect("a fixed path joins");
        url.query_pairs_mut()
            .append_pair("t", &links::sign(&self.keys, action, now));
        url.to_string()
    }

    /// The page where a commenter asks for their comments.
    pub fn privacy_page(&self, site: &Site) -> String {
        let mut url = self.base.join("privacy").expect("a fixed path joins");
        url.query_pairs_mut().append_pair("site", site.id.as_str());
        url.to_string()
    }

    pub(super) fn admin_page(&self) -> String {
        self.base
            .join("admin")
            .expect("a fixed path joins")
            .to_string()
    }
}

/// How a page is named in an email or on a link's page: its title, else
/// its address.
pub(crate) fn page_name(thread: &ThreadRow) -> String {
    one_line(
        thread
            .title
            .as_deref()
            .or(thread.url.as_deref())
            .unwrap_or(thread.key.as_str()),
    )
}

pub(crate) fn author_name(row: &CommentRow, w: Words) -> String {
    row.name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map_or_else(|| w.t("anonymous", &[]), one_line)
}

/// Text for a subject line: no line breaks or other control characters,
/// whatever was stored (imports and old rows included).
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn subject_parts_cannot_add_headers() {
        assert_eq!(
            super::one_line("Hi\r\nBcc: x@evil.example"),
            "Hi  Bcc: x@evil.example"
        );
    }
}
