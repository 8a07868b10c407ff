//! Which page a call is about: the site of its address, and its thread key.

use super::{App, Client};
use crate::domain::{PageRef, Site, ThreadKey};
use crate::error::Error;
use std::sync::Arc;

/// Which page a call is about: `?url=…[&page_id=…]`.
#[derive(Debug, Clone, Default)]
pub struct PageQuery {
    pub url: Option<String>,
    pub page_id: Option<String>,
}

/// A page located on its site.
#[derive(Debug, Clone)]
pub struct Located {
    pub site: Arc<Site>,
    pub key: ThreadKey,
    pub canonical: String,
}

impl App {
    /// Finds the site and thread key of a page URL (or explicit page id).
    pub fn locate(&self, q: &PageQuery) -> Result<Located, Error> {
        let raw = q.url.as_deref().ok_or_else(|| {
            Error::validation(
                "url",
                "Add the page's address as ?url=https://… to the request.",
            )
        })?;
        let page = PageRef::parse(raw).map_err(|m| Error::validation("url", m))?;
        let site = self
            .sites
            .by_origin(&page.origin)
            .ok_or_else(|| Error::UnknownSite {
                origin: page.origin.clone(),
            })?;
        let on_site = site.page(&page, q.page_id.as_deref())?;
        Ok(Located {
            key: on_site.key,
            canonical: on_site.canonical,
            site,
        })
    }

    /// A browser's `Origin` header, when present, must be one of the site's.
    pub fn check_origin(&self, site: &Site, client: &Client) -> Result<(), Error> {
        match &client.origin {
            Some(o) if !site.allows_origin(o) => Err(Error::ForbiddenOrigin { origin: o.clone() }),
            _ => Ok(()),
        }
    }
}
