//! A blog's feed on loopback: an HTTP server whose feed the test changes,
//! answering conditional GETs as a web server does, and counting them.

use std::sync::{Arc, Mutex};
use warp::Filter;
use warp::http::{Response, StatusCode};

/// What the server answers, and what it saw.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    pub body: String,
    /// The answer's status (200, or an error the test chose).
    pub status: u16,
    /// Bumped on each change: the ETag is `"vN"`.
    pub version: u32,
    pub requests: usize,
    /// Requests that carried `If-None-Match`.
    pub conditional: usize,
    /// Requests answered 304.
    pub not_modified: usize,
    /// Where the feed redirects to, when it does.
    pub redirect: Option<String>,
}

/// The running feed server.
pub struct FeedServer {
    /// Its origin, `http://127.0.0.1:PORT`; the feed is at `/feed.xml`.
    pub origin: String,
    seen: Arc<Mutex<Seen>>,
}

impl FeedServer {
    pub async fn start(body: &str, status: u16) -> FeedServer {
        let seen = Arc::new(Mutex::new(Seen {
            body: body.to_string(),
            status,
            version: 1,
            ..Seen::default()
        }));
        let s = seen.clone();
        let feed = warp::path!("feed.xml")
            .and(warp::get())
            .and(warp::header::optional::<String>("if-none-match"))
            .map(move |inm: Option<String>| {
                let mut seen = s.lock().unwrap();
                seen.requests += 1;
                seen.conditional += usize::from(inm.is_some());
                if let Some(to) = &seen.redirect {
                    return Response::builder()
                        .status(StatusCode::FOUND)
                        .header("location", to)
                        .body(String::new())
                        .unwrap();
                }
                let etag = format!("\"v{}\"", seen.version);
                let b = Response::builder().header("etag", &etag);
                if seen.status == 200 && inm.as_deref() == Some(etag.as_str()) {
                    seen.not_modified += 1;
                    return b
                        .status(StatusCode::NOT_MODIFIED)
                        .body(String::new())
                        .unwrap();
                }
                b.status(StatusCode::from_u16(seen.status).unwrap())
                    .header("content-type", "application/rss+xml")
                    .body(seen.body.clone())
                    .unwrap()
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(warp::serve(feed).incoming(listener).run());
        FeedServer {
            origin: format!("http://{addr}"),
            seen,
        }
    }

    /// The feed's address.
    pub fn url(&self) -> String {
        format!("{}/feed.xml", self.origin)
    }

    /// Serves `body` from now on, with `status`, under a new ETag.
    pub fn set(&self, body: &str, status: u16) {
        let mut seen = self.seen.lock().unwrap();
        seen.body = body.to_string();
        seen.status = status;
        seen.version += 1;
    }

    /// Redirects the feed to `to` from now on (None: serves it again).
    pub fn redirect(&self, to: Option<String>) {
        self.seen.lock().unwrap().redirect = to;
    }

    pub fn seen(&self) -> Seen {
        self.seen.lock().unwrap().clone()
    }

    /// Waits until `n` more requests arrived than `after`.
    pub async fn wait_requests(&self, after: usize, n: usize) {
        super::mail::wait_until(|| self.seen().requests >= after + n, "feed requests").await;
    }
}

/// An RSS 2.0 feed of `(guid, title)` posts, newest first.
pub fn rss(origin: &str, posts: &[(&str, &str)]) -> String {
    let items: String = posts
        .iter()
        .map(|(id, title)| {
            format!(
                "<item><title>{title}</title><link>{origin}/{id}/</link><guid isPermaLink=\"false\">{id}</guid></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Blog</title><link>{origin}/</link><description>d</description>{items}</channel></rss>"
    )
}
