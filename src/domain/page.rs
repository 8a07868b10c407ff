//! A page's place on its site: the thread key of its address (DESIGN §2).
//! Every door that turns an address into a thread (reading, posting, a
//! moderator's move, the command line) asks [`Site::page`].

use super::{Invalid, Origin, PageRef, Site, ThreadKey};

/// A page located on its site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOnSite {
    pub key: ThreadKey,
    /// The address as threads store it.
    pub canonical: String,
}

impl Site {
    /// The thread of a page address on this site; `page_id`, when the page
    /// gives one, names the thread instead of the address. An address on
    /// none of the site's origins is refused.
    pub fn page(&self, page: &PageRef, page_id: Option<&str>) -> Result<PageOnSite, Invalid> {
        if !self.origins.contains(&page.origin) {
            return Err(Invalid::new(
                "url",
                format!(
                    "The address must be on one of the site's origins ({}).",
                    self.origins
                        .iter()
                        .map(Origin::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let key = match page_id {
            Some(id) => ThreadKey::from_page_id(id).map_err(|m| Invalid::new("page_id", m))?,
            None => page.thread_key(&self.settings.keep_query),
        };
        Ok(PageOnSite {
            key,
            canonical: page.canonical(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{SiteId, SiteSettings};

    fn site() -> Site {
        Site {
            id: SiteId::parse("blog").unwrap(),
            name: "Blog".into(),
            origins: vec![Origin::parse("https://blog.example.org").unwrap()],
            settings: SiteSettings {
                keep_query: vec!["p".into()],
                ..SiteSettings::default()
            },
        }
    }

    #[test]
    fn a_page_is_keyed_by_its_address_or_its_id_on_its_own_site_only() {
        let s = site();
        let at = PageRef::parse("https://blog.example.org/?p=3&utm_source=x").unwrap();
        assert_eq!(s.page(&at, None).unwrap().key.to_string(), "/?p=3");
        let named = s.page(&at, Some("post-3")).unwrap();
        assert_eq!(named.key, ThreadKey::from_page_id("post-3").unwrap());
        let elsewhere = PageRef::parse("https://other.example.org/a").unwrap();
        assert_eq!(s.page(&elsewhere, None).unwrap_err().field, "url");
    }
}
