//! The readers' busiest routes, `GET /api/comments` and `GET /api/counts`,
//! answered by the connection loop itself rather than through warp's
//! filters: nearly all of them are cached bytes, and the filter chain
//! (trying each route, copying headers and query into strings) cost more
//! than sending them. They keep every check a read has: the client's
//! address after trusted proxies, the read rate limit, CORS, `nosniff`,
//! the ETag and the encoding the client takes, and `/metrics`.
//!
//! An answer is also remembered by its exact query string ([`Recent`])
//! until the cache's next write, so that a page read again and again is
//! not located again each time.

use super::answer::{self, Negotiation};
use super::limits::Bucket;
use super::{Ctx, cors, error, page_query, pairs_of, thread_params};
use crate::app::cache::Encoded;
use crate::error::Error;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use warp::http::request::Parts;
use warp::http::{HeaderValue, Method, header};
use warp::reply::Response;

/// Which of these reads a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// `GET /api/comments?url=U[&page_id][&sort][&limit][&cursor]`
    Thread = 0,
    /// `GET /api/counts?url=A&url=B…`
    Counts = 1,
}

impl Read {
    /// The read a request's method and path ask for, if they ask for one.
    pub fn of(method: &Method, path: &str) -> Option<Read> {
        if method != Method::GET {
            return None;
        }
        match path {
            "/api/comments" => Some(Read::Thread),
            "/api/counts" => Some(Read::Counts),
            _ => None,
        }
    }
}

/// Answers a read from `peer`, errors included.
pub async fn answer(ctx: &Ctx, read: Read, parts: &Parts, peer: SocketAddr) -> Response {
    let started = Instant::now();
    let headers = &parts.headers;
    let forwarded = super::client::forwarded(headers);
    let client = ctx.trust.client_addr(Some(peer), &forwarded);
    let mut res = match ctx.limits.check(Bucket::Read, client.key()) {
        Ok(()) => answered(ctx, read, parts).await,
        Err(e) => {
            ctx.metrics.rate_limited();
            error::error_response(&e)
        }
    };
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let path = parts.uri.path();
    cors::decorate(&ctx.app, origin, path, &mut res);
    ctx.metrics
        .request("GET", path, res.status().as_u16(), started.elapsed());
    res
}

async fn answered(ctx: &Ctx, read: Read, parts: &Parts) -> Response {
    let app = &ctx.app;
    let query = parts.uri.query().unwrap_or("");
    // Read before the answer is made: a write meanwhile makes it stale.
    let generation = app.cache.generation();
    let answer = match ctx.recent.get(read, query, generation) {
        Some(hit) => Ok(hit),
        None => {
            let made = made(ctx, read, query).await;
            if let Ok(a) = &made {
                ctx.recent.put(read, query, generation, a.clone());
            }
            made
        }
    };
    match answer {
        Ok(a) => {
            let n = Negotiation::of(&parts.headers);
            let mut res = answer::send(&a, &n, "application/json", "no-cache");
            if read == Read::Thread {
                // The signed time a comment form sends back (DESIGN §14).
                if let Ok(v) = HeaderValue::from_str(&app.form_token()) {
                    res.headers_mut().insert("natter-form-token", v);
                }
            }
            res
        }
        Err(e) => error::error_response(&e),
    }
}

/// The answer to a read, from the app (and its cache).
async fn made(ctx: &Ctx, read: Read, query: &str) -> Result<Arc<Encoded>, Error> {
    let pairs = pairs_of(query);
    match read {
        Read::Thread => {
            ctx.app
                .thread(&page_query(&pairs), &thread_params(&pairs))
                .await
        }
        Read::Counts => {
            let urls = pairs
                .into_iter()
                .filter(|(k, _)| k == "url")
                .map(|(_, v)| v)
                .collect();
            ctx.app.counts(urls).await
        }
    }
}

/// The most answers [`Recent`] remembers, and the most bytes they hold;
/// past either it forgets them all and starts again.
const RECENT_ANSWERS: usize = 1024;
const RECENT_BYTES: usize = 2 * 1024 * 1024;
/// A longer query string is not remembered.
const RECENT_QUERY: usize = 512;

/// Answers by their read and exact query string, each with the cache
/// generation it was made at, so that any write to the cache makes them
/// all stale. Bounded in answers, bytes and key length, whatever the
/// requests (DESIGN §14).
#[derive(Default)]
pub struct Recent {
    inner: Mutex<RecentInner>,
}

/// Answers by query string, each with the generation it was made at.
type ByQuery = HashMap<Box<str>, (u64, Arc<Encoded>)>;

#[derive(Default)]
struct RecentInner {
    /// By [`Read`], then by query string.
    answers: [ByQuery; 2],
    count: usize,
    bytes: usize,
}

impl Recent {
    fn lock(&self) -> std::sync::MutexGuard<'_, RecentInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn get(&self, read: Read, query: &str, generation: u64) -> Option<Arc<Encoded>> {
        let inner = self.lock();
        let (made_at, answer) = inner.answers[read as usize].get(query)?;
        (*made_at == generation).then(|| answer.clone())
    }

    fn put(&self, read: Read, query: &str, generation: u64, answer: Arc<Encoded>) {
        if query.len() > RECENT_QUERY {
            return;
        }
        let size = answer.size() + query.len();
        let mut inner = self.lock();
        if inner.count >= RECENT_ANSWERS || inner.bytes + size > RECENT_BYTES {
            *inner = RecentInner::default();
        }
        let old = inner.answers[read as usize].insert(query.into(), (generation, answer));
        inner.bytes += size;
        match old {
            Some((_, old)) => inner.bytes -= old.size() + query.len(),
            None => inner.count += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::cache::Effort;

    /// An answer of `n` bytes that do not compress.
    fn answer(n: usize) -> Arc<Encoded> {
        let mut x: u32 = 2_463_534_242 ^ n as u32;
        let noise: Vec<u8> = (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let tag = format!("{n:024}");
        Arc::new(Encoded::from_bytes(&noise, &tag, Effort::Answer))
    }

    #[test]
    fn a_write_makes_every_remembered_answer_stale() {
        let recent = Recent::default();
        recent.put(Read::Thread, "url=a", 7, answer(1));
        assert!(recent.get(Read::Thread, "url=a", 7).is_some());
        assert!(recent.get(Read::Counts, "url=a", 7).is_none());
        assert!(recent.get(Read::Thread, "url=b", 7).is_none());
        assert!(recent.get(Read::Thread, "url=a", 8).is_none());
    }

    #[test]
    fn it_stays_within_its_bounds_whatever_the_queries() {
        let recent = Recent::default();
        for i in 0..5 * RECENT_ANSWERS {
            recent.put(Read::Thread, &format!("url={i}"), 1, answer(1));
            let inner = recent.lock();
            assert!(inner.count <= RECENT_ANSWERS);
            assert_eq!(inner.count, inner.answers[0].len());
        }
        // Large answers: the bytes stay bounded.
        for i in 0..64 {
            recent.put(Read::Counts, &format!("q={i}"), 1, answer(100_000 + i));
            assert!(recent.lock().bytes <= RECENT_BYTES);
        }
        // A long query string is not kept.
        let long = "u".repeat(RECENT_QUERY + 1);
        recent.put(Read::Thread, &long, 1, answer(1));
        assert!(recent.get(Read::Thread, &long, 1).is_none());
    }
}
