//! "Notify me of new posts" (DESIGN §15): a reader asks for a site's new
//! posts, and a poller reads each site's feed every `feed_every` and emails
//! each confirmed reader once per new post, through the outbox.

use super::pages::LinkAnswer;
use super::{App, Client, PageQuery};
use crate::domain::{Site, SiteId, now};
use crate::error::Error;
use crate::notify::feed_read::{FeedPost, FeedReader, Fetched, Validators};
use crate::notify::new_posts::PostsSubscribed;
use crate::notify::page::Page;
use crate::notify::strings::Words;
use crate::store::feeds::{self, FeedState};
use crate::store::{StoreError, post_subscriptions, subscribers};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// The most posts one read of a feed emails about. More new posts at once
/// mean the feed was rebuilt (new ids for old posts), not that the blog
/// wrote them all since the last read: the rest are recorded unsent.
const MOST_NEW_AT_ONCE: usize = 3;
/// How often the poller looks for feeds that are due.
const TICK: Duration = Duration::from_millis(500);

impl App {
    /// `POST /api/new-posts`: `email` asks for the new posts of the page's
    /// site. A signed-in reader (`bearer`) whose provider verified their
    /// address is subscribed at once; anyone else is sent a confirmation.
    pub async fn subscribe_new_posts(
        &self,
        q: &PageQuery,
        client: &Client,
        email: &str,
        bearer: Option<&str>,
    ) -> Result<PostsSubscribed, Error> {
        let site = self.locate(q)?.site;
        self.check_origin(&site, client)?;
        if site.settings.feed.is_none() {
            return Err(Error::validation(
                "url",
                "This site has no feed of new posts. Its owner can name one with feed in natter.toml.",
            ));
        }
        if !self.notifier.email_on() {
            return Err(Error::BadRequest(
                "This site does not send emails, so it cannot tell you about new posts.".into(),
            ));
        }
        let (email, verified) = match self.verified_email(&site, bearer).await? {
            Some(own) => (own, true),
            None => (checked_email(email)?, false),
        };
        let (app, s) = (self.clone(), site.clone());
        let answer = self
            .db
            .write(move |c| app.notifier.subscribe_posts(c, &s, &email, verified, now()))
            .await?;
        self.notifier.wake();
        Ok(answer)
    }

    /// The address a signed-in reader's provider verified, if any; a token
    /// that is unknown, or of another site, is [`Error::SignedOut`].
    async fn verified_email(
        &self,
        site: &Site,
        bearer: Option<&str>,
    ) -> Result<Option<String>, Error> {
        let Some(token) = bearer.filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        let identity = self.reader(token).await?.identity;
        if identity.site_id != site.id {
            return Err(Error::SignedOut);
        }
        Ok(identity.email.filter(|_| identity.email_verified))
    }

    /// The choice of stopping new-post emails or all; `None` when they
    /// stopped before.
    pub(super) async fn unsubscribe_posts_page(&self, id: i64) -> Result<Option<Page>, Error> {
        let found = self
            .db
            .read(move |c| match post_subscriptions::get(c, id) {
                Ok(p) => Ok(Some(subscribers::get(c, p.subscriber_id)?)),
                Err(StoreError::NotFound) => Ok(None),
                Err(e) => Err(e),
            })
            .await?;
        let Some(sub) = found else {
            return Ok(None);
        };
        let site = self.site(&sub.site_id)?;
        let w = Words::new(&site.settings.language);
        let name = site.name.as_str();
        Ok(Some(
            Page::new(w, &w.t("page_unsub_title", &[]))
                .button(&w.t("page_unsub_posts", &[("site", name)]), "do", "one")
                .button(&w.t("page_unsub_all", &[("site", name)]), "do", "all"),
        ))
    }

    /// Stops new-post emails (or, `all`, every email of the address). Also
    /// the one-click unsubscribe of RFC 8058, which names no choice.
    pub(super) async fn unsubscribe_posts(&self, id: i64, all: bool) -> Result<LinkAnswer, Error> {
        let site = self
            .db
            .write(move |c| {
                let p = match post_subscriptions::get(c, id) {
                    Ok(p) => p,
                    Err(StoreError::NotFound) => return Ok(None),
                    Err(e) => return Err(e),
                };
                let sub = subscribers::get(c, p.subscriber_id)?;
                if all {
                    subscribers::stop_all(c, sub.id)?;
                } else {
                    post_subscriptions::unfollow(c, sub.id)?;
                }
                Ok(Some(sub.site_id))
            })
            .await?;
        Ok(self.unsubscribed(site))
    }

    /// Reads every site's feed when it is due, until `stop` turns true. A
    /// feed that fails is logged and read again at its next turn.
    pub async fn poll_feeds(self, mut stop: watch::Receiver<bool>) {
        let reader = match FeedReader::new() {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "new posts will not be emailed");
                return;
            }
        };
        let mut due: HashMap<SiteId, Instant> = HashMap::new();
        loop {
            let sites = self.sites.all();
            for site in sites.iter().filter(|s| s.settings.feed.is_some()) {
                if due.get(&site.id).is_some_and(|t| Instant::now() < *t) {
                    continue;
                }
                let every = Duration::from_secs(site.settings.feed_every_seconds.into());
                due.insert(site.id.clone(), Instant::now() + every);
                tokio::select! {
                    read = self.poll_feed(&reader, site) => if let Err(e) = read {
                        tracing::warn!(site = %site.id, error = %e, "the site's feed could not be read; trying again next time");
                    },
                    _ = stop.changed() => return,
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(TICK) => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
        }
    }

    /// Reads one site's feed and emails about the posts new in it. The
    /// first read of a feed only records what is there.
    async fn poll_feed(&self, reader: &FeedReader, site: &Arc<Site>) -> Result<(), String> {
        let Some(feed) = site.settings.feed.clone() else {
            return Ok(());
        };
        let url = url::Url::parse(&feed).map_err(|e| format!("{feed}: {e}"))?;
        let id = site.id.clone();
        let known = self
            .db
            .read(move |c| feeds::state(c, &id))
            .await
            .map_err(|e| e.to_string())?
            .filter(|s| s.url == feed);
        let validators = Validators {
            etag: known.as_ref().and_then(|k| k.etag.clone()),
            last_modified: known.as_ref().and_then(|k| k.last_modified.clone()),
        };
        let allowed = |u: &url::Url| site.allows_origin(&u.origin().ascii_serialization());
        let fetched = reader.fetch(&url, &validators, allowed).await;
        let (posts, etag, last_modified) = match fetched {
            Ok(Fetched::NotModified) => return Ok(()),
            Ok(Fetched::Feed {
                posts,
                etag,
                last_modified,
            }) => (posts, etag, last_modified),
            Err(e) => {
                let (id, f, why) = (site.id.clone(), feed.clone(), e.clone());
                let kept = self
                    .db
                    .write(move |c| feeds::keep_error(c, &id, &f, &why, now()));
                if let Err(k) = kept.await {
                    tracing::warn!(error = %k, "could not note the feed's failure");
                }
                return Err(e);
            }
        };
        let state = FeedState {
            url: feed,
            etag,
            last_modified,
            primed: known.and_then(|k| k.primed),
        };
        self.record_posts(site, posts, state).await
    }

    /// Records the posts of a feed's answer, and in the same transaction
    /// queues the emails about those that are new (unless it is the first
    /// read), so that each post is told about once, restarts included.
    async fn record_posts(
        &self,
        site: &Arc<Site>,
        posts: Vec<FeedPost>,
        mut state: FeedState,
    ) -> Result<(), String> {
        let (app, s) = (self.clone(), site.clone());
        let told = self
            .db
            .write(move |c| {
                let at = now();
                let before = feeds::state(c, &s.id)?;
                if before.as_ref().is_some_and(|b| b.url != state.url) {
                    feeds::forget_entries(c, &s.id)?;
                    state.primed = None;
                }
                let mut new = Vec::new();
                for p in &posts {
                    if feeds::see(c, &s.id, &p.key, p.title.as_deref(), p.link.as_deref(), at)? {
                        new.push(p);
                    }
                }
                let mut told = 0;
                if state.primed.is_some() {
                    // Feeds list the newest first: tell of the oldest first.
                    for p in new.iter().take(MOST_NEW_AT_ONCE).rev() {
                        told += app.notifier.new_post(c, &s, p, at)?;
                    }
                }
                state.primed = state.primed.or(Some(at));
                feeds::keep_state(c, &s.id, &state, at)?;
                Ok::<_, StoreError>(told)
            })
            .await
            .map_err(|e| e.to_string())?;
        if told > 0 {
            self.notifier.wake();
        }
        Ok(())
    }
}

/// A typed address, trimmed, or a clear error.
fn checked_email(email: &str) -> Result<String, Error> {
    let email = email.trim();
    if email.len() > 254 || !crate::domain::email::looks_like_email(email) {
        return Err(Error::validation(
            "email",
            "The email address does not look right. Check it and send it again.",
        ));
    }
    Ok(email.to_string())
}
