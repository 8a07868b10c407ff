//! Page URLs and the thread keys made from them (DESIGN §2).
//!
//! Two URLs a reader would call "the same page" give the same key:
//! `https://Blog.example.org/a/b/index.html#c` and `https://blog.example.org/a/b`
//! are one thread.

use super::site::Origin;
use std::fmt;

/// The key of a thread within its site: an explicit page id, or the
/// normalised path (with any query parameters the site keeps).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThreadKey(String);

impl ThreadKey {
    /// A key given by the page itself (`data-page-id`), trimmed, 1..=300 chars.
    pub fn from_page_id(id: &str) -> Result<Self, String> {
        let id = id.trim();
        if id.is_empty() || id.chars().count() > 300 || id.chars().any(char::is_control) {
            return Err("page_id must be 1 to 300 printable characters".into());
        }
        Ok(ThreadKey(id.to_string()))
    }

    /// A key read back from storage, trusted as it was checked when written.
    pub fn from_stored(s: String) -> Self {
        ThreadKey(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ThreadKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A page URL taken apart: its origin (to find the site) and the parsed URL.
#[derive(Debug, Clone)]
pub struct PageRef {
    pub origin: Origin,
    url: url::Url,
}

impl PageRef {
    /// Parses an absolute http(s) URL; the error says what is wrong.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.len() > 2000 {
            return Err("url is longer than 2000 characters".into());
        }
        let url = url::Url::parse(raw.trim()).map_err(|_| {
            format!("url {raw:?} is not an absolute address; send the page's full URL, like https://blog.example.org/post")
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(format!("url {raw:?} must be an http or https page address"));
        }
        let origin = Origin::of(&url);
        Ok(PageRef { origin, url })
    }

    /// The thread key: normalised path, plus the kept query parameters.
    pub fn thread_key(&self, keep_query: &[String]) -> ThreadKey {
        let mut key = normalise_path(self.url.path());
        let mut kept: Vec<(String, String)> = self
            .url
            .query_pairs()
            .filter(|(k, _)| keep_query.iter().any(|q| q == k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if !kept.is_empty() {
            kept.sort();
            let query = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(kept)
                .finish();
            key.push('?');
            key.push_str(&query);
        }
        ThreadKey(key)
    }

    /// The same page served from another origin (a site that moved).
    pub fn on_origin(&self, origin: &Origin) -> Result<PageRef, String> {
        let mut moved = url::Url::parse(origin.as_str())
            .map_err(|_| format!("origin {origin} is not an address"))?;
        moved.set_path(self.url.path());
        moved.set_query(self.url.query());
        Ok(PageRef {
            origin: origin.clone(),
            url: moved,
        })
    }

    /// The names of the query parameters that the thread key leaves out.
    pub fn dropped_query(&self, keep_query: &[String]) -> Vec<String> {
        let mut names: Vec<String> = self
            .url
            .query_pairs()
            .map(|(k, _)| k.into_owned())
            .filter(|k| !keep_query.contains(k))
            .collect();
        names.dedup();
        names
    }

    /// The canonical URL stored with a new thread: without the fragment.
    pub fn canonical(&self) -> String {
        let mut u = self.url.clone();
        u.set_fragment(None);
        u.to_string()
    }
}

/// Collapses duplicate slashes, drops `index.html`/`index.htm`/`index.php`
/// and a trailing slash, and normalises percent-encoding. Dot segments were
/// already resolved by the URL parser.
fn normalise_path(path: &str) -> String {
    let mut segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(normalise_percent)
        .collect();
    if let Some(last) = segments.last()
        && matches!(
            last.to_ascii_lowercase().as_str(),
            "index.html" | "index.htm" | "index.php"
        )
    {
        segments.pop();
    }
    format!("/{}", segments.join("/"))
}

/// Decodes escapes of unreserved characters (`%41` -> `A`) and upper-cases
/// the hex digits of every other escape (`%c3%a9` -> `%C3%A9`).
fn normalise_percent(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = String::with_capacity(segment.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            let b = h * 16 + l;
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
            i += 3;
        } else {
            out.push(bytes[i] as char);
            i += 1;
        }
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(url: &str) -> String {
        PageRef::parse(url).unwrap().thread_key(&[]).0
    }

    #[test]
    fn scheme_and_host_are_lower_cased() {
        let p = PageRef::parse("HTTPS://Blog.Example.ORG/a").unwrap();
        assert_eq!(p.origin.as_str(), "https://blog.example.org");
    }

    #[test]
    fn fragment_is_dropped() {
        assert_eq!(key("https://b.org/a#comments"), "/a");
        assert_eq!(
            PageRef::parse("https://b.org/a#x").unwrap().canonical(),
            "https://b.org/a"
        );
    }

    #[test]
    fn query_is_dropped_unless_kept() {
        assert_eq!(key("https://b.org/a?utm_source=x&p=5"), "/a");
        let p = PageRef::parse("https://b.org/?utm=1&p=5").unwrap();
        assert_eq!(p.thread_key(&["p".into()]).0, "/?p=5");
    }

    #[test]
    fn kept_query_parameters_are_sorted() {
        let p = PageRef::parse("https://b.org/?b=2&a=1").unwrap();
        assert_eq!(p.thread_key(&["a".into(), "b".into()]).0, "/?a=1&b=2");
    }

    #[test]
    fn dot_segments_are_resolved() {
        assert_eq!(key("https://b.org/a/./b/../c"), "/a/c");
        assert_eq!(key("https://b.org/a/%2e%2E/c"), "/c");
    }

    #[test]
    fn duplicate_slashes_collapse() {
        assert_eq!(key("https://b.org//a///b"), "/a/b");
    }

    #[test]
    fn index_files_are_ignored() {
        assert_eq!(key("https://b.org/a/b/index.html"), "/a/b");
        assert_eq!(key("https://b.org/a/index.htm"), "/a");
        assert_eq!(key("https://b.org/index.php"), "/");
    }

    #[test]
    fn trailing_slash_is_ignored() {
        assert_eq!(key("https://b.org/a/b/"), "/a/b");
        assert_eq!(key("https://b.org/"), "/");
        assert_eq!(key("https://b.org"), "/");
    }

    #[test]
    fn percent_encoding_is_normalised() {
        assert_eq!(key("https://b.org/%7Euser/%41"), "/~user/A");
        assert_eq!(key("https://b.org/caf%c3%a9"), "/caf%C3%A9");
        assert_eq!(key("https://b.org/café"), "/caf%C3%A9");
        assert_eq!(key("https://b.org/a%2Fb"), "/a%2Fb");
    }

    #[test]
    fn the_design_example_is_one_thread() {
        assert_eq!(
            key("https://Blog.example.org/a/b/index.html#c"),
            key("https://blog.example.org/a/b")
        );
    }

    #[test]
    fn bad_urls_are_refused_with_a_reason() {
        assert!(PageRef::parse("/a/b").unwrap_err().contains("full URL"));
        assert!(PageRef::parse("javascript:alert(1)").is_err());
        assert!(PageRef::parse("file:///etc/passwd").is_err());
    }

    #[test]
    fn page_ids() {
        assert_eq!(
            ThreadKey::from_page_id(" post-5 ").unwrap().as_str(),
            "post-5"
        );
        assert!(ThreadKey::from_page_id("").is_err());
        assert!(ThreadKey::from_page_id("a\nb").is_err());
    }
}
