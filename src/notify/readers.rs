//! The readers' emails: confirming a subscription, a new comment on a
//! followed thread or a reply, and the links to one's own comments.

use super::email::{Body, Email};
use super::links::Action;
use super::strings::Words;
use super::{Notifier, Subscribed, Wants, author_name, page_name};
use crate::domain::{CommentId, Site, UnixTime};
use crate::store::comments::CommentRow;
use crate::store::threads::ThreadRow;
use crate::store::{Conn, StoreError};
use crate::store::{subscriber_keys, subscribers, subscriptions};

/// How long a confirmation email stops another one to the same address.
const ASK_AGAIN_AFTER: i64 = 86_400;
impl Notifier {
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
        self.ask_confirmation(c, site, &sub, by, "confirm_asked", now)?;
        Ok(Subscribed::Confirm)
    }

    /// Emails the owner of `sub` the link that confirms their address
    /// (`asked` says what was asked for), unless one went out in the last
    /// day after they last confirmed: whoever typed the address cannot
    /// fill its mailbox.
    pub(super) fn ask_confirmation(
        &self,
        c: &Conn,
        site: &Site,
        sub: &subscribers::Subscriber,
        by: Option<&str>,
        asked: &str,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        // Once a day at most, but the first request since the owner
        // confirmed is for something new: it is asked about at once.
        let asked_since_confirmed = sub
            .asked
            .is_some_and(|a| sub.confirmed.is_none_or(|c| a > c));
        if asked_since_confirmed && sub.asked.is_some_and(|a| now - a < ASK_AGAIN_AFTER) {
            return Ok(());
        }
        let w = Words::new(&site.settings.language);
        let name = site.name.as_str();
        let unsubscribe = self.link(&Action::UnsubscribeAll(sub.id), now);
        let mail = Body::new(w)
            .para(&w.t(asked, &[("site", name)]))
            .link(
                &w.t("confirm_button", &[]),
                &self.link(&Action::Confirm(sub.id), now),
            )
            .para(&w.t("confirm_ignore", &[]));
        let mail = self
            .reader_footer(mail, site, sub.id, Some(&unsubscribe), now)
            .finish(
                &w.t("confirm_subject", &[("site", name)]),
                Some(unsubscribe),
            );
        self.queue_email(c, site, "confirm", &sub.email, &mail, now)?;
        subscribers::set_asked(c, sub.id, now, by)
    }

    /// The closing lines of every email to a reader: the site, the page of
    /// their subscriptions, the privacy page, and (when given) the link
    /// that stops all emails.
    pub(super) fn reader_footer(
        &self,
        body: Body,
        site: &Site,
        subscriber: i64,
        stop_all: Option<&str>,
        now: UnixTime,
    ) -> Body {
        let w = Words::new(&site.settings.language);
        let yours = self.link(&Action::Subscriptions(subscriber), now);
        let privacy = self.privacy_page(site);
        let (yours_label, privacy_label, stop_label) = (
            w.t("your_subscriptions", &[]),
            w.t("privacy_link", &[]),
            w.t("unsubscribe", &[]),
        );
        let mut links = vec![
            (yours_label.as_str(), yours.as_str()),
            (privacy_label.as_str(), privacy.as_str()),
        ];
        if let Some(url) = stop_all {
            links.push((stop_label.as_str(), url));
        }
        body.footer_links(&site.name, &links)
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

    pub(super) fn reader_email(
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
        let body = body.link(&w.t("unsubscribe", &[]), &unsubscribe);
        self.reader_footer(body, site, to.subscriber_id, None, now)
            .finish(&w.t(subject, &args), Some(unsubscribe))
    }
}
