//! Counters for `/metrics` (Prometheus text): requests by route, method
//! and status, latency by route, comments by outcome, rate-limited
//! requests. Plain atomics, so counting costs a request almost nothing.

use crate::app::cache::CacheSize;
use crate::domain::Status;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// The routes requests are counted under: paths with ids folded.
const ROUTES: [&str; 17] = [
    "/api/comments",
    "/api/comments/{id}",
    "/api/comments/{id}/vote",
    "/api/counts",
    "/api/preview",
    "/api/config",
    "/api/feed",
    "/api/avatar",
    "/api/openapi.json",
    "/admin/api",
    "/admin",
    "/notify",
    "/privacy",
    "/healthz",
    "/metrics",
    "files",
    "other",
];
const METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "other",
];
const STATUSES: [u16; 21] = [
    200, 201, 202, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405, 409, 410, 413, 415, 429, 500,
    503, 0,
];
/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];
const OUTCOMES: [&str; 4] = ["published", "held", "spam", "refused"];

/// The counters.
pub struct Metrics {
    requests: Vec<AtomicU64>,
    /// Per route: one count per bucket (not cumulative) and one over the last.
    latency: Vec<AtomicU64>,
    latency_micros: Vec<AtomicU64>,
    comments: [AtomicU64; 4],
    rate_limited: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        let zeros = |n| (0..n).map(|_| AtomicU64::new(0)).collect();
        Metrics {
            requests: zeros(ROUTES.len() * METHODS.len() * STATUSES.len()),
            latency: zeros(ROUTES.len() * (BUCKETS.len() + 1)),
            latency_micros: zeros(ROUTES.len()),
            comments: Default::default(),
            rate_limited: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    /// Counts one answered request.
    pub fn request(&self, method: &str, path: &str, status: u16, took: Duration) {
        let r = route_of(path);
        let m = METHODS
            .iter()
            .position(|x| *x == method)
            .unwrap_or(METHODS.len() - 1);
        let s = STATUSES
            .iter()
            .position(|x| *x == status)
            .unwrap_or(STATUSES.len() - 1);
        self.requests[(r * METHODS.len() + m) * STATUSES.len() + s].fetch_add(1, Relaxed);
        let secs = took.as_secs_f64();
        let b = BUCKETS
            .iter()
            .position(|up| secs <= *up)
            .unwrap_or(BUCKETS.len());
        self.latency[r * (BUCKETS.len() + 1) + b].fetch_add(1, Relaxed);
        self.latency_micros[r].fetch_add(took.as_micros() as u64, Relaxed);
    }

    /// Counts a new comment by what became of it; None for one refused.
    pub fn comment(&self, status: Option<Status>) {
        let i = match status {
            Some(Status::Published) => 0,
            Some(Status::Pending) => 1,
            Some(Status::Spam) => 2,
            Some(Status::Deleted) | None => 3,
        };
        self.comments[i].fetch_add(1, Relaxed);
    }

    pub fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Relaxed);
    }

    /// The Prometheus text, with the outbox counts (pending, sent, dead)
    /// and what the answer cache holds.
    pub fn render(&self, outbox: [u64; 3], cache: CacheSize) -> String {
        let mut out = String::with_capacity(8 * 1024);
        out.push_str("# HELP natter_http_requests_total Requests answered, by route, method and status.\n# TYPE natter_http_requests_total counter\n");
        for (r, route) in ROUTES.iter().enumerate() {
            for (m, method) in METHODS.iter().enumerate() {
                for (s, status) in STATUSES.iter().enumerate() {
                    let n =
                        self.requests[(r * METHODS.len() + m) * STATUSES.len() + s].load(Relaxed);
                    if n > 0 {
                        let status = if *status == 0 {
                            "other".to_string()
                        } else {
                            status.to_string()
                        };
                        let _ = writeln!(
                            out,
                            "natter_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
                        );
                    }
                }
            }
        }
        out.push_str("# HELP natter_http_request_duration_seconds Time to answer, by route.\n# TYPE natter_http_request_duration_seconds histogram\n");
        for (r, route) in ROUTES.iter().enumerate() {
            let counts: Vec<u64> = (0..=BUCKETS.len())
                .map(|b| self.latency[r * (BUCKETS.len() + 1) + b].load(Relaxed))
                .collect();
            let total: u64 = counts.iter().sum();
            if total == 0 {
                continue;
            }
            let mut running = 0;
            for (b, up) in BUCKETS.iter().enumerate() {
                running += counts[b];
                let _ = writeln!(
                    out,
                    "natter_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{up}\"}} {running}"
                );
            }
            let sum = self.latency_micros[r].load(Relaxed) as f64 / 1e6;
            let _ = writeln!(
                out,
                "natter_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {total}\n\
                 natter_http_request_duration_seconds_sum{{route=\"{route}\"}} {sum}\n\
                 natter_http_request_duration_seconds_count{{route=\"{route}\"}} {total}"
            );
        }
        out.push_str("# HELP natter_comments_total New comments, by what became of them.\n# TYPE natter_comments_total counter\n");
        for (i, outcome) in OUTCOMES.iter().enumerate() {
            let _ = writeln!(
                out,
                "natter_comments_total{{outcome=\"{outcome}\"}} {}",
                self.comments[i].load(Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP natter_rate_limited_total Requests refused by a rate limit.\n# TYPE natter_rate_limited_total counter\nnatter_rate_limited_total {}",
            self.rate_limited.load(Relaxed)
        );
        out.push_str("# HELP natter_outbox_items Emails and webhook calls in the outbox, by state.\n# TYPE natter_outbox_items gauge\n");
        for (state, n) in ["pending", "sent", "dead"].iter().zip(outbox) {
            let _ = writeln!(out, "natter_outbox_items{{state=\"{state}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP natter_cache_bytes Bytes the answer cache holds, keys and structure included.\n# TYPE natter_cache_bytes gauge\nnatter_cache_bytes {}\n\
             # HELP natter_cache_entries Answers and built threads in the answer cache.\n# TYPE natter_cache_entries gauge\nnatter_cache_entries {}",
            cache.bytes, cache.entries
        );
        out
    }
}

/// The route a path is counted under, without allocating: this runs for
/// every request.
fn route_of(path: &str) -> usize {
    let at = |name: &str| {
        ROUTES
            .iter()
            .position(|r| *r == name)
            .unwrap_or(ROUTES.len() - 1)
    };
    let p = path.trim_end_matches('/');
    if let Some(api) = p.strip_prefix("/api/") {
        if let Some(rest) = api.strip_prefix("comments/") {
            return match rest.split_once('/') {
                None => at("/api/comments/{id}"),
                Some((_, "vote")) => at("/api/comments/{id}/vote"),
                Some(_) => at("other"),
            };
        }
        if api.starts_with("avatar/") {
            return at("/api/avatar");
        }
        return ROUTES
            .iter()
            .position(|r| r.strip_prefix("/api/") == Some(api))
            .unwrap_or(ROUTES.len() - 1);
    }
    if p.starts_with("/admin/api/") {
        return at("/admin/api");
    }
    match p {
        "/admin" => at("/admin"),
        "/notify" | "/privacy" | "/healthz" | "/metrics" => at(p),
        _ if p.starts_with("/admin/") => at("/admin"),
        _ => at("files"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fold_into_routes() {
        assert_eq!(ROUTES[route_of("/api/comments")], "/api/comments");
        assert_eq!(ROUTES[route_of("/api/comments/12")], "/api/comments/{id}");
        assert_eq!(
            ROUTES[route_of("/api/comments/12/vote")],
            "/api/comments/{id}/vote"
        );
        assert_eq!(ROUTES[route_of("/api/avatar/abc.svg")], "/api/avatar");
        assert_eq!(ROUTES[route_of("/api/nonsense")], "other");
        assert_eq!(ROUTES[route_of("/admin/api/outbox")], "/admin/api");
        assert_eq!(ROUTES[route_of("/embed.js")], "files");
        assert_eq!(ROUTES[route_of("/metrics")], "/metrics");
    }

    #[test]
    fn the_text_counts_and_buckets() {
        let m = Metrics::default();
        m.request("GET", "/api/comments", 200, Duration::from_micros(700));
        m.request("GET", "/api/comments", 200, Duration::from_millis(30));
        m.request("POST", "/api/comments", 429, Duration::from_micros(100));
        m.comment(Some(Status::Pending));
        let t = m.render(
            [1, 2, 3],
            CacheSize {
                bytes: 4096,
                entries: 2,
            },
        );
        assert!(t.contains(
            "natter_http_requests_total{route=\"/api/comments\",method=\"GET\",status=\"200\"} 2"
        ));
        assert!(t.contains(
            "natter_http_requests_total{route=\"/api/comments\",method=\"POST\",status=\"429\"} 1"
        ));
        assert!(t.contains(
            "natter_http_request_duration_seconds_bucket{route=\"/api/comments\",le=\"0.001\"} 2"
        ));
        assert!(t.contains(
            "natter_http_request_duration_seconds_bucket{route=\"/api/comments\",le=\"0.05\"} 3"
        ));
        assert!(t.contains("natter_comments_total{outcome=\"held\"} 1"));
        assert!(t.contains("natter_outbox_items{state=\"dead\"} 3"));
        assert!(t.contains("natter_cache_bytes 4096\n"));
        assert!(t.contains("natter_cache_entries 2\n"));
    }
}
