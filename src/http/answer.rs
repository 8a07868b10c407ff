//! Serving cached answers: ETag and `If-None-Match` (304), gzip when the
//! client takes it.

use crate::app::cache::Encoded;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;

/// The request headers that choose how an answer is sent.
#[derive(Debug, Default, Clone)]
pub struct Negotiation {
    pub accept_encoding: Option<String>,
    pub if_none_match: Option<String>,
}

pub fn negotiation() -> impl warp::Filter<Extract = (Negotiation,), Error = warp::Rejection> + Clone
{
    use warp::Filter;
    warp::header::optional::<String>("accept-encoding")
        .and(warp::header::optional::<String>("if-none-match"))
        .map(|accept_encoding, if_none_match| Negotiation {
            accept_encoding,
            if_none_match,
        })
}

fn takes_gzip(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| {
        a.split(',').any(|part| {
            let mut it = part.split(';');
            let coding = it.next().unwrap_or("").trim();
            let q_zero = it.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !q_zero
        })
    })
}

fn etag_matches(if_none_match: Option<&str>, etag: &str) -> bool {
    if_none_match.is_some_and(|v| {
        v.split(',').any(|t| {
            let t = t.trim();
            t == "*" || t.trim_start_matches("W/") == etag
        })
    })
}

/// The answer as a response, with `cache_control` and `content_type`.
pub fn send(
    answer: &Encoded,
    n: &Negotiation,
    content_type: &'static str,
    cache_control: &'static str,
) -> Response {
    let mut res = if etag_matches(n.if_none_match.as_deref(), &answer.etag) {
        let mut r = Response::new(Default::default());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else if takes_gzip(n.accept_encoding.as_deref()) {
        let mut r = Response::new(answer.gzip.clone().into());
        r.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        r
    } else {
        Response::new(answer.plain().into())
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Origin"),
    );
    if let Ok(v) = HeaderValue::from_str(&answer.etag) {
        h.insert(header::ETAG, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_negotiation() {
        assert!(takes_gzip(Some("gzip, br")));
        assert!(takes_gzip(Some("br;q=1.0, gzip;q=0.8")));
        assert!(!takes_gzip(Some("gzip;q=0")));
        assert!(!takes_gzip(Some("br")));
        assert!(!takes_gzip(None));
    }

    #[test]
    fn etags() {
        assert!(etag_matches(Some("\"a\", \"b\""), "\"b\""));
        assert!(etag_matches(Some("W/\"b\""), "\"b\""));
        assert!(!etag_matches(Some("\"c\""), "\"b\""));
    }
}
