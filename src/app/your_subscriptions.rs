//! "Your subscriptions" (DESIGN §15): one page, reached from the signed
//! link in the footer of every reader email, that lists what the address
//! gets from the site (replies, whole threads, new posts), ends each with
//! a button (a POST: a mail scanner opening the link changes nothing), and
//! leads to the privacy export and erasure.

use super::App;
use super::pages::LinkAnswer;
use crate::error::Error;
use crate::notify::page::Page;
use crate::notify::page_name;
use crate::notify::strings::Words;
use crate::store::subscribers::Subscriber;
use crate::store::{StoreError, post_subscriptions, subscribers, subscriptions, threads};

/// One thing an address gets, as the page lists it.
struct Listed {
    /// The button's value: `sub-ID` or `posts`.
    choice: String,
    /// What it is, in the site's words.
    what: String,
    /// Whether it waits for the owner's confirmation.
    waiting: bool,
}

impl App {
    /// The page of a subscriber's subscriptions; `done` is a message shown
    /// above the list (after a button did its work).
    pub(super) async fn subscriptions_page(
        &self,
        subscriber: i64,
        done: Option<&str>,
    ) -> Result<Page, Error> {
        let (sub, listed) = self.listed(subscriber).await?;
        let site = self.site(&sub.site_id)?;
        let w = Words::new(&site.settings.language);
        let name = site.name.as_str();
        let mut page = Page::new(w, &format!("{} · {name}", w.t("page_subs_title", &[])));
        if let Some(key) = done {
            page = page.para(&w.t(key, &[]));
        }
        if listed.is_empty() {
            page = page.para(&w.t("page_subs_none", &[("site", name)]));
        } else {
            page = page.para(&w.t(
                "page_subs_intro",
                &[("site", name), ("email", sub.email.as_str())],
            ));
        }
        for item in &listed {
            let what = if item.waiting {
                w.t("page_subs_waiting", &[("what", &item.what)])
            } else {
                item.what.clone()
            };
            page = page.para(&what).button(
                &w.t("page_subs_stop", &[("what", &item.what)]),
                "do",
                &item.choice,
            );
        }
        if listed.len() > 1 {
            page = page.button(&w.t("page_unsub_all", &[("site", name)]), "do", "all");
        }
        Ok(page.link(
            &w.t("privacy_link", &[]),
            &self.notifier.privacy_page(&site),
        ))
    }

    /// Ends what the button chose (`sub-ID`, `posts` or `all`), then shows
    /// the page again. A choice that is not the subscriber's changes nothing.
    pub(super) async fn end_subscription(
        &self,
        subscriber: i64,
        choice: Option<&str>,
    ) -> Result<LinkAnswer, Error> {
        let choice = choice.unwrap_or_default().to_string();
        let ended = self
            .db
            .write(move |c| {
                let sub = subscribers::get(c, subscriber)?;
                if choice == "all" {
                    subscribers::stop_all(c, sub.id)?;
                    return Ok::<_, StoreError>(true);
                }
                if choice == "posts" {
                    post_subscriptions::unfollow(c, sub.id)?;
                    return Ok(true);
                }
                let Some(id) = choice.strip_prefix("sub-").and_then(|i| i.parse().ok()) else {
                    return Ok(false);
                };
                match subscriptions::get(c, id) {
                    Ok(s) if s.subscriber_id == sub.id => subscriptions::unfollow(c, id)?,
                    Ok(_) | Err(StoreError::NotFound) => return Ok(false),
                    Err(e) => return Err(e),
                }
                Ok(true)
            })
            .await?;
        let done = ended.then_some("page_subs_ended");
        Ok(LinkAnswer::Page(
            self.subscriptions_page(subscriber, done).await?.finish(),
        ))
    }

    /// A subscriber and what they get, in the order they asked for it,
    /// new posts last.
    async fn listed(&self, subscriber: i64) -> Result<(Subscriber, Vec<Listed>), Error> {
        let (sub, rows, posts) = self
            .db
            .read(move |c| {
                let sub = subscribers::get(c, subscriber)?;
                let rows = subscriptions::of_subscriber(c, subscriber)?
                    .into_iter()
                    .map(|s| Ok((threads::get(c, s.thread_id)?, s)))
                    .collect::<Result<Vec<_>, StoreError>>()?;
                let posts = post_subscriptions::of_subscriber(c, subscriber)?;
                Ok::<_, StoreError>((sub, rows, posts))
            })
            .await?;
        let site = self.site(&sub.site_id)?;
        let w = Words::new(&site.settings.language);
        let mut listed: Vec<Listed> = rows
            .iter()
            .map(|(thread, s)| {
                let page = page_name(thread);
                let key = match s.comment {
                    Some(_) => "page_subs_replies",
                    None => "page_subs_thread",
                };
                Listed {
                    choice: format!("sub-{}", s.id),
                    what: w.t(key, &[("page", &page)]),
                    waiting: s.confirmed.is_none() || sub.confirmed.is_none(),
                }
            })
            .collect();
        if let Some(p) = posts {
            listed.push(Listed {
                choice: "posts".into(),
                what: w.t("page_subs_posts", &[("site", &site.name)]),
                waiting: p.confirmed.is_none(),
            });
        }
        Ok((sub, listed))
    }
}
