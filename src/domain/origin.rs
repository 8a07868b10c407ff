//! Who is who on the web: a site's short id, and the origins (scheme, host,
//! port) its pages are served from, compared as browsers send them.

use serde::Serialize;
use std::fmt;

/// A site's short identifier, such as `blog`: letters, digits, `-` and `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SiteId(String);

impl SiteId {
    /// Checks the shape of an id; the error says what is allowed.
    pub fn parse(s: &str) -> Result<Self, String> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if ok {
            Ok(SiteId(s.to_string()))
        } else {
            Err(format!(
                "site id {s:?} is not valid: use 1 to 64 letters, digits, '-' or '_'"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A web origin (`https://blog.example.org`, or with a port), lower-cased and
/// without a trailing slash, so it compares equal to a browser's `Origin` header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Origin(String);

impl Origin {
    /// Parses `scheme://host[:port]`; a path, query or other scheme is an error.
    pub fn parse(s: &str) -> Result<Self, String> {
        let url = url::Url::parse(s.trim()).map_err(|e| {
            format!("origin {s:?} is not a URL ({e}); write it like https://blog.example.org")
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("origin {s:?} must start with http:// or https://"));
        }
        if url.host_str().is_none() || url.path() != "/" || url.query().is_some() {
            return Err(format!(
                "origin {s:?} must be only scheme and host, like https://blog.example.org (no path)"
            ));
        }
        Ok(Origin(url.origin().ascii_serialization()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The origin of an http(s) URL that was already parsed.
    pub fn of(url: &url::Url) -> Self {
        Origin(url.origin().ascii_serialization())
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_like_browser_origin_headers() {
        assert_eq!(
            Origin::parse("https://Blog.Example.org/").unwrap().as_str(),
            "https://blog.example.org"
        );
        assert_eq!(
            Origin::parse("http://localhost:8080").unwrap().as_str(),
            "http://localhost:8080"
        );
        assert_eq!(
            Origin::parse("https://a.org:443").unwrap().as_str(),
            "https://a.org"
        );
        assert!(Origin::parse("https://a.org/blog").is_err());
        assert!(Origin::parse("ftp://a.org").is_err());
        assert!(Origin::parse("blog.example.org").is_err());
    }

    #[test]
    fn site_ids() {
        assert!(SiteId::parse("blog_2-x").is_ok());
        assert!(SiteId::parse("").is_err());
        assert!(SiteId::parse("a b").is_err());
    }
}
