//! Counts of many pages at once, and what the widget needs to know of a site.

use super::cache::Encoded;
use super::{App, PageQuery};
use crate::error::Error;
use crate::store::{StoreError, threads};
use serde::Serialize;
use std::sync::Arc;

/// What the widget needs to know about a site.
#[derive(Debug, Serialize)]
pub struct SiteConfigView {
    pub site: String,
    pub name: String,
    pub moderation: &'static str,
    pub edit_window_seconds: u32,
    pub max_depth: u8,
    pub require_name: bool,
    pub require_email: bool,
    pub email_notifications: bool,
    pub limits: FieldLimits,
    /// The ways to sign in, in the site's order.
    pub sign_in: Vec<SignInMethod>,
    /// Whether readers may post without signing in.
    pub guests: bool,
    /// Whether the site has a feed whose new posts readers may follow.
    pub new_posts: bool,
}

/// A sign-in button.
#[derive(Debug, Serialize)]
pub struct SignInMethod {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct FieldLimits {
    pub text_max: u32,
    pub name_max: u32,
    pub email_max: u32,
    pub website_max: u32,
}

const MAX_COUNT_URLS: usize = 100;

impl App {
    /// `GET|POST /api/counts`: published counts of many pages at once. A URL
    /// on no registered site, or a page with no thread, counts 0. The answer
    /// is kept only when every URL is a thread that exists, so made-up
    /// addresses cost a read each and no memory.
    pub async fn counts(&self, urls: Vec<String>) -> Result<Arc<Encoded>, Error> {
        if urls.is_empty() || urls.len() > MAX_COUNT_URLS {
            return Err(Error::validation(
                "url",
                format!("Ask for 1 to {MAX_COUNT_URLS} page addresses at once."),
            ));
        }
        let query = urls.join("\n");
        if let Some(hit) = self.cache.shared(&query) {
            return Ok(hit);
        }
        let generation = self.cache.generation();
        let lookups: Vec<_> = urls
            .iter()
            .map(|u| {
                self.locate(&PageQuery {
                    url: Some(u.clone()),
                    page_id: None,
                })
                .ok()
                .map(|p| (p.site.id.clone(), p.key))
            })
            .collect();
        let numbers = self
            .db
            .read(move |c| {
                lookups
                    .iter()
                    .map(|l| match l {
                        Some((site, key)) if threads::find(c, site, key)?.is_some() => Ok(Some(
                            threads::published_counts(c, site, std::slice::from_ref(key))?[0],
                        )),
                        _ => Ok(None),
                    })
                    .collect::<Result<Vec<Option<u64>>, StoreError>>()
            })
            .await?;
        let all_threads = numbers.iter().all(Option::is_some);
        let counts: serde_json::Map<String, serde_json::Value> = urls
            .into_iter()
            .zip(numbers)
            .map(|(u, n)| (u, n.unwrap_or(0).into()))
            .collect();
        let answer = Arc::new(Encoded::encode(&serde_json::json!({ "counts": counts })));
        if all_threads {
            self.cache.put_shared(query, generation, answer.clone());
        }
        Ok(answer)
    }

    /// `GET /api/config`.
    pub fn site_config(&self, q: &PageQuery) -> Result<SiteConfigView, Error> {
        let page = self.locate(q)?;
        let s = &page.site.settings;
        Ok(SiteConfigView {
            site: page.site.id.to_string(),
            name: page.site.name.clone(),
            moderation: s.moderation.as_str(),
            edit_window_seconds: s.edit_window_seconds,
            max_depth: s.max_depth,
            require_name: s.require_name,
            require_email: s.require_email,
            email_notifications: self.notifier.email_on(),
            limits: FieldLimits {
                text_max: s.text_max,
                name_max: s.name_max,
                email_max: s.email_max,
                website_max: s.website_max,
            },
            sign_in: s
                .sign_in
                .iter()
                .filter_map(|id| self.providers.get(id))
                .map(|p| SignInMethod {
                    id: p.id.to_string(),
                    name: p.name.clone(),
                    kind: p.kind.as_str(),
                })
                .collect(),
            guests: s.guests,
            new_posts: s.feed.is_some() && self.notifier.email_on(),
        })
    }
}
