//! New posts (DESIGN §15): a reader asks for a site's new posts, and each
//! new post of the site's feed is emailed once to every reader who
//! confirmed, in the site's language, with RFC 8058 unsubscribe.

use super::email::Body;
use super::feed_read::FeedPost;
use super::links::Action;
use super::strings::Words;
use super::{Notifier, one_line};
use crate::domain::{Site, UnixTime};
use crate::store::post_subscriptions::{self, PostRecipient};
use crate::store::{Conn, StoreError, subscribers};

/// The longest post title an email shows.
const TITLE_MAX: usize = 200;

/// What a request for new posts led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PostsSubscribed {
    /// The address is the signed-in reader's, verified by their provider:
    /// emails start with the next post.
    Subscribed,
    /// The address's owner must confirm first (by an email on its way, or
    /// one sent in the last day).
    Confirm,
}

impl Notifier {
    /// Records that `email` wants the site's new posts. `verified` says
    /// the address is the signed-in reader's own, as their provider
    /// vouched; anyone else's request waits for the owner's confirmation.
    /// Apart from that case the answer is the same for every address, so it
    /// tells nobody whether an address is confirmed or subscribed.
    pub fn subscribe_posts(
        &self,
        c: &Conn,
        site: &Site,
        email: &str,
        verified: bool,
        now: UnixTime,
    ) -> Result<PostsSubscribed, StoreError> {
        let hash = self.keys.email_hash(email);
        let sub = subscribers::upsert(c, &site.id, email, &hash, now)?;
        let wish = post_subscriptions::follow(c, sub.id, verified, now)?;
        if verified {
            return Ok(PostsSubscribed::Subscribed);
        }
        if wish.confirmed.is_none() {
            self.ask_confirmation(c, site, &sub, None, "confirm_asked_posts", now)?;
        }
        Ok(PostsSubscribed::Confirm)
    }

    /// A post new in the site's feed: every confirmed reader of new posts
    /// gets one email about it. Returns how many were queued.
    pub fn new_post(
        &self,
        c: &Conn,
        site: &Site,
        post: &FeedPost,
        now: UnixTime,
    ) -> Result<usize, StoreError> {
        if !self.email {
            return Ok(0);
        }
        let recipients = post_subscriptions::recipients(c, &site.id)?;
        for r in &recipients {
            let mail = self.post_email(site, post, r, now);
            self.queue_email(c, site, "post", &r.email, &mail, now)?;
        }
        Ok(recipients.len())
    }

    fn post_email(
        &self,
        site: &Site,
        post: &FeedPost,
        to: &PostRecipient,
        now: UnixTime,
    ) -> super::email::Email {
        let w = Words::new(&site.settings.language);
        let name = site.name.as_str();
        let title = post_title(post, w);
        let args = [("site", name), ("title", title.as_str())];
        let unsubscribe = self.link(&Action::UnsubscribePosts(to.post_subscription_id), now);
        let mut body = Body::new(w).para(&w.t("post_wrote", &args)).quote(&title);
        if let Some(link) = &post.link {
            body = body.link(&w.t("post_read", &[]), link);
        }
        let body = body
            .link(&w.t("unsubscribe", &[]), &unsubscribe)
            .para(&w.t("post_why", &args));
        self.reader_footer(body, site, to.subscriber_id, None, now)
            .finish(&w.t("post_subject", &args), Some(unsubscribe))
    }
}

/// A post's title on one line and not too long; "a new post" without one.
fn post_title(post: &FeedPost, w: Words) -> String {
    let title = post
        .title
        .as_deref()
        .map(one_line)
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| w.t("post_untitled", &[]));
    let mut short: String = title.trim().chars().take(TITLE_MAX).collect();
    if short.len() < title.trim().len() {
        short.push('…');
    }
    short
}
