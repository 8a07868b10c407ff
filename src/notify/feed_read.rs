//! Reading a blog's feed (DESIGN §15): one conditional GET, bounded in size
//! and time, that follows redirects only while they stay on the site's
//! origins, and the feed parsed (RSS or Atom) into its posts.

use std::time::Duration;
use url::Url;

/// The most of a feed natter reads.
pub const MAX_FEED_BYTES: usize = 2 * 1024 * 1024;
/// How long one read may take, redirects included.
const TIMEOUT: Duration = Duration::from_secs(20);
/// How many redirects are followed.
const MAX_REDIRECTS: usize = 5;

/// A post as the feed lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPost {
    /// What tells it from the others: its id (guid), else its link.
    pub key: String,
    pub title: Option<String>,
    /// Its address, when it is an http(s) one.
    pub link: Option<String>,
}

/// What a read of a feed found.
#[derive(Debug)]
pub enum Fetched {
    /// The feed did not change since the validators given.
    NotModified,
    /// The feed's posts, in its order, and its new validators.
    Feed {
        posts: Vec<FeedPost>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

/// The validators of the last full answer, sent back for a 304.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// Reads feeds. One client for every site: redirects are followed by hand,
/// each checked against the site of the feed.
#[derive(Clone)]
pub struct FeedReader {
    http: reqwest::Client,
}

impl FeedReader {
    /// The client: no proxy, no automatic redirects, a time limit.
    pub fn new() -> Result<FeedReader, String> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("natter/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("the feed reader did not start: {e}"))?;
        Ok(FeedReader { http })
    }

    /// Reads `url`, sending `known`'s validators; `allowed` says which
    /// addresses a redirect may lead to. The error says what went wrong.
    pub async fn fetch(
        &self,
        url: &Url,
        known: &Validators,
        allowed: impl Fn(&Url) -> bool,
    ) -> Result<Fetched, String> {
        let mut at = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            let mut req = self.http.get(at.clone()).header(
                "accept",
                "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
            );
            if let Some(e) = &known.etag {
                req = req.header("if-none-match", e);
            }
            if let Some(m) = &known.last_modified {
                req = req.header("if-modified-since", m);
            }
            let res = req.send().await.map_err(|e| format!("{at}: {e}"))?;
            let status = res.status();
            if status == reqwest::StatusCode::NOT_MODIFIED {
                return Ok(Fetched::NotModified);
            }
            if status.is_redirection() {
                at = next_hop(&at, &res, &allowed)?;
                continue;
            }
            if !status.is_success() {
                return Err(format!("{at} answered {status}"));
            }
            let header = |name: &str| {
                res.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let (etag, last_modified) = (header("etag"), header("last-modified"));
            let body = read_capped(res).await.map_err(|e| format!("{at}: {e}"))?;
            let posts = parse(&body).map_err(|e| format!("{at}: {e}"))?;
            return Ok(Fetched::Feed {
                posts,
                etag,
                last_modified,
            });
        }
        Err(format!(
            "{url}: more than {MAX_REDIRECTS} redirects; give the feed's final address"
        ))
    }
}

/// Where a redirect leads, if it stays where the site allows.
fn next_hop(
    at: &Url,
    res: &reqwest::Response,
    allowed: &impl Fn(&Url) -> bool,
) -> Result<Url, String> {
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| format!("{at} redirects without a Location"))?;
    let next = at
        .join(location)
        .map_err(|_| format!("{at} redirects to {location:?}, which is not an address"))?;
    if !allowed(&next) {
        return Err(format!(
            "{at} redirects to {next}, off the site's origins: give the feed's final address"
        ));
    }
    Ok(next)
}

/// The body, refused once it passes [`MAX_FEED_BYTES`].
async fn read_capped(mut res: reqwest::Response) -> Result<Vec<u8>, String> {
    if res
        .content_length()
        .is_some_and(|n| n > MAX_FEED_BYTES as u64)
    {
        return Err(format!("the feed is over {MAX_FEED_BYTES} bytes"));
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > MAX_FEED_BYTES {
            return Err(format!("the feed is over {MAX_FEED_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The posts of an RSS or Atom document, in its order. A post with neither
/// id nor link cannot be told apart from others and is left out.
pub fn parse(body: &[u8]) -> Result<Vec<FeedPost>, String> {
    let parser = feed_rs::parser::Builder::new()
        // Without an id, a post is known by its link alone (feed-rs would
        // mix in the title, so a retitled post would look new).
        .id_generator(|links, _title, _uri| {
            links
                .first()
                .map(|l| format!("link:{}", l.href))
                .unwrap_or_default()
        })
        .build();
    let feed = parser
        .parse(body)
        .map_err(|e| format!("not an RSS or Atom feed ({e})"))?;
    Ok(feed
        .entries
        .into_iter()
        .filter(|e| !e.id.trim().is_empty())
        .map(|e| FeedPost {
            key: e.id.trim().to_string(),
            title: e.title.map(|t| t.content.trim().to_string()),
            link: e
                .links
                .iter()
                .map(|l| l.href.as_str())
                .find(|h| Url::parse(h).is_ok_and(|u| matches!(u.scheme(), "http" | "https")))
                .map(str::to_string),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn rss_and_atom_posts_are_known_by_id_else_link() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>
            <item><title>One</title><link>https://b.example/1</link><guid>p-1</guid></item>
            <item><title>Two</title><link>https://b.example/2</link></item>
            <item><title>Three</title></item></channel></rss>"#;
        let posts = parse(rss).unwrap();
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[0].key, "p-1");
        assert_eq!(posts[1].key, "link:https://b.example/2");
        assert_eq!(posts[1].title.as_deref(), Some("Two"));
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>B</title><id>b</id>
            <updated>2026-01-01T00:00:00Z</updated><entry><id>urn:a</id><title>A</title>
            <updated>2026-01-01T00:00:00Z</updated><link href="javascript:alert(1)"/></entry></feed>"#;
        let posts = parse(atom).unwrap();
        assert_eq!(posts[0].key, "urn:a");
        assert_eq!(posts[0].link, None);
        assert!(parse(b"<html>not a feed").is_err());
    }
}
