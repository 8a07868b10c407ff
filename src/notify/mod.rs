//! Notifications (DESIGN §6): what is sent when a comment is created,
//! published or deleted, and to whom. Everything is written to the outbox
//! in the same transaction as the change itself; the worker delivers it.

pub mod email;
pub mod links;
pub mod page;
pub mod strings;
pub mod target;
pub mod worker;

use crate::domain::{CommentId, Site, Status, UnixTime, rfc3339};
use crate::keys::Keys;
use crate::store::{
    Conn, StoreError, comments, comments::CommentRow, outbox, outbox::Kind, subscriber_keys,
    subscribers, subscriptions, threads::ThreadRow,
};
use email::{Body, Email};
use links::Action;
use strings::Words;

/// How long a confirmation email stops another one to the same address.
const ASK_AGAIN_AFTER: i64 = 86_400;

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

    fn admin_page(&self) -> String {
        self.base
            .join("admin")
            .expect("a fixed path joins")
            .to_string()
    }

    /// A new comment, held or published: moderators and webhooks hear of it,
    /// and readers too if it is published.
    pub fn comment_created(
        &self,
        c: &Conn,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        self.webhooks(c, site, thread, row, "comment.created", now)?;
        if self.email {
            self.tell_moderators(c, site, thread, row, false, now)?;
        }
        if row.status == Status::Published {
            self.comment_published(c, site, thread, row, now)?;
        }
        Ok(())
    }

    /// An author changed a comment: webhooks hear of it, and moderators too
    /// when the change left it held for them (DESIGN §14).
    pub fn comment_edited(
        &self,
        c: &Conn,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        self.webhooks(c, site, thread, row, "comment.edited", now)?;
        if self.email && row.status == Status::Pending {
            self.tell_moderators(c, site, thread, row, true, now)?;
        }
        Ok(())
    }

    /// Queues the moderators' email about a new or (`edited`) changed comment.
    fn tell_moderators(
        &self,
        c: &Conn,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        edited: bool,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        for to in &site.settings.moderator_emails {
            let mail = self.moderator_email(site, thread, row, edited, now);
            self.queue_email(c, site, "moderator", to, &mail, now)?;
        }
        Ok(())
    }

    /// A comment is on the page: followers of the thread and of the parent
    /// comment hear of it once, whatever happens to it later.
    pub fn comment_published(
        &self,
        c: &Conn,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        if !comments::announce(c, row.id, now)? {
            return Ok(());
        }
        self.webhooks(c, site, thread, row, "comment.published", now)?;
        if !self.email {
            return Ok(());
        }
        let author = row.email.as_deref().map(|e| self.keys.email_hash(e));
        for r in subscriptions::recipients(c, thread.id, row.parent)? {
            if author.as_deref() == Some(r.email_hash.as_str()) {
                continue;
            }
            let mail = self.reader_email(site, thread, row, &r, now);
            let topic = if r.reply { "reply" } else { "thread" };
            self.queue_email(c, site, topic, &r.email, &mail, now)?;
        }
        Ok(())
    }

    pub fn comment_deleted(
        &self,
        c: &Conn,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        self.webhooks(c, site, thread, row, "comment.deleted", now)
    }

    /// Records what a commenter asked to follow. Only the address's owner,
    /// known by an author key (`by`) they confirmed the address with, is
    /// followed at once; anyone else's request waits until the owner
    /// confirms, and the owner gets one confirmation email (at most one a
    /// day). The answer is the same for every address but the poster's own,
    /// so it tells nobody whether an address is confirmed or subscribed.
    #[allow(clippy::too_many_arguments)]
    pub fn subscribe(
        &self,
        c: &Conn,
        site: &Site,
        thread: &ThreadRow,
        email: &str,
        by: Option<&str>,
        comment: CommentId,
        wants: Wants,
        now: UnixTime,
    ) -> Result<Subscribed, StoreError> {
        let hash = self.keys.email_hash(email);
        let sub = subscribers::upsert(c, &site.id, email, &hash, now)?;
        let owner = match by {
            Some(key) => subscriber_keys::owns(c, &site.id, &hash, key)?,
            None => false,
        };
        if wants.thread {
            subscriptions::follow(c, sub.id, thread.id, None, owner, now)?;
        }
        if wants.replies {
            subscriptions::follow(c, sub.id, thread.id, Some(comment), owner, now)?;
        }
        if owner {
            return Ok(Subscribed::On);
        }
        if sub.asked.is_none_or(|a| now - a >= ASK_AGAIN_AFTER) {
            let w = Words::new(&site.settings.language);
            let name = site.name.as_str();
            let unsubscribe = self.link(&Action::UnsubscribeAll(sub.id), now);
            let mail = Body::new(w)
                .para(&w.t("confirm_asked", &[("site", name)]))
                .link(
                    &w.t("confirm_button", &[]),
                    &self.link(&Action::Confirm(sub.id), now),
                )
                .para(&w.t("confirm_ignore", &[]))
                .footer(&w.t("unsubscribe", &[]), Some((name, &unsubscribe)));
            let mail = mail.finish(
                &w.t("confirm_subject", &[("site", name)]),
                Some(unsubscribe),
            );
            self.queue_email(c, site, "confirm", email, &mail, now)?;
            subscribers::set_asked(c, sub.id, now, by)?;
        }
        Ok(Subscribed::Confirm)
    }

    /// The email with a link to export or erase one's comments.
    pub fn privacy_email(
        &self,
        c: &Conn,
        site: &Site,
        email: &str,
        erase: bool,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        let w = Words::new(&site.settings.language);
        let name = site.name.as_str();
        let (action, asked, subject) = if erase {
            let a = Action::Erase {
                site: site.id.clone(),
                email: email.to_string(),
            };
            (a, "erase_asked", "erase_subject")
        } else {
            let a = Action::Export {
                site: site.id.clone(),
                email: email.to_string(),
            };
            (a, "export_asked", "export_subject")
        };
        let mail = Body::new(w)
            .para(&w.t(asked, &[("site", name)]))
            .link(&w.t("privacy_button", &[]), &self.link(&action, now))
            .para(&w.t("privacy_expires", &[]))
            .para(&w.t("privacy_ignore", &[]))
            .finish(&w.t(subject, &[("site", name)]), None);
        self.queue_email(c, site, "privacy", email, &mail, now)
    }

    /// The email to a moderator about a new comment, or about an author's
    /// change to one (`edited`).
    fn moderator_email(
        &self,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        edited: bool,
        now: UnixTime,
    ) -> Email {
        let w = Words::new(&site.settings.language);
        let page = page_name(thread);
        let author = author_name(row, w);
        let held = row.status != Status::Published;
        let wrote = if edited {
            "mod_edited_wrote"
        } else {
            "mod_wrote"
        };
        let mut body = Body::new(w)
            .para(&w.t(wrote, &[("author", &author), ("page", &page)]))
            .quote(&row.text);
        if let Some(url) = &thread.url {
            body = body.para(url);
        }
        body = body.para(&w.t(if held { "mod_held" } else { "mod_published" }, &[]));
        if held {
            body = body.link(
                &w.t("mod_approve", &[]),
                &self.link(&Action::Approve(row.id), now),
            );
        }
        let subject = match (edited, held) {
            (true, _) => "mod_subject_edited",
            (false, true) => "mod_subject_held",
            (false, false) => "mod_subject_published",
        };
        body.link(
            &w.t("mod_delete", &[]),
            &self.link(&Action::Delete(row.id), now),
        )
        .para(&w.t("mod_links", &[]))
        .footer(
            &w.t("mod_why", &[("site", &site.name)]),
            Some(("admin", &self.admin_page())),
        )
        .finish(&w.t(subject, &[("page", &page)]), None)
    }

    fn reader_email(
        &self,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        to: &subscriptions::Recipient,
        now: UnixTime,
    ) -> Email {
        let w = Words::new(&site.settings.language);
        let page = page_name(thread);
        let author = author_name(row, w);
        let args = [("author", author.as_str()), ("page", page.as_str())];
        let (wrote, subject) = if to.reply {
            ("reply_wrote", "reply_subject")
        } else {
            ("thread_wrote", "thread_subject")
        };
        let unsubscribe = self.link(&Action::Unsubscribe(to.subscription_id), now);
        let mut body = Body::new(w).para(&w.t(wrote, &args)).quote(&row.text);
        if let Some(url) = &thread.url {
            body = body.link(
                &w.t("read_reply", &[]),
                &format!("{url}#natter-comment-{}", row.id.0),
            );
        }
        body.link(&w.t("unsubscribe", &[]), &unsubscribe)
            .footer(
                &site.name,
                Some((&w.t("privacy_link", &[]), &self.privacy_page(site))),
            )
            .finish(&w.t(subject, &args), Some(unsubscribe))
    }

    fn queue_email(
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

    fn webhooks(
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
