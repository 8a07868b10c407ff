//! Serving cached answers: ETag and `If-None-Match` (304), brotli or gzip
//! as the client takes them.

use crate::app::cache::Encoded;
use warp::http::{HeaderMap, HeaderValue, StatusCode, header};
use warp::reply::Response;

/// The request headers that choose how an answer is sent.
#[derive(Debug, Default, Clone)]
pub struct Negotiation {
    pub accept_encoding: Option<String>,
    pub if_none_match: Option<String>,
}

impl Negotiation {
    /// The negotiating headers of a request (those that are not text are
    /// as if not sent).
    pub fn of(headers: &HeaderMap) -> Negotiation {
        let text = |name| {
            let v = headers.get(name)?.to_str().ok()?;
            Some(v.to_string())
        };
        Negotiation {
            accept_encoding: text(header::ACCEPT_ENCODING),
            if_none_match: text(header::IF_NONE_MATCH),
        }
    }
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

/// How an answer's body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Brotli,
    Gzip,
    Identity,
}

/// The coding `Accept-Encoding` prefers: brotli or gzip, whichever has the
/// higher weight (brotli on a tie, being smaller); `*` stands for each not
/// named; a weight of 0 refuses.
fn coding(accept: Option<&str>) -> Coding {
    let Some(accept) = accept else {
        return Coding::Identity;
    };
    let (mut br, mut gzip, mut any) = (None, None, None);
    for part in accept.split(',') {
        let mut it = part.split(';');
        let name = it.next().unwrap_or("").trim();
        let weight = it
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
        if name.eq_ignore_ascii_case("br") {
            br = Some(weight);
        } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
            gzip = Some(weight);
        } else if name == "*" {
            any = Some(weight);
        }
    }
    let br = br.or(any).unwrap_or(0.0);
    let gzip = gzip.or(any).unwrap_or(0.0);
    if br > 0.0 && br >= gzip {
        Coding::Brotli
    } else if gzip > 0.0 {
        Coding::Gzip
    } else {
        Coding::Identity
    }
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
    } else {
        let (body, coding) = match coding(n.accept_encoding.as_deref()) {
            Coding::Brotli => (answer.brotli.clone(), Some("br")),
            Coding::Gzip => (answer.gzip.clone(), Some("gzip")),
            Coding::Identity => (answer.plain(), None),
        };
        let mut r = Response::new(body.into());
        if let Some(c) = coding {
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
        }
        r
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    // `Vary` is set with the CORS headers, on every answer (`cors.rs`).
    if let Ok(v) = HeaderValue::from_str(&answer.etag) {
        h.insert(header::ETAG, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_negotiation() {
        use Coding::*;
        for (accept, expected) in [
            (Some("gzip, deflate, br, zstd"), Brotli),
            (Some("gzip, br"), Brotli),
            (Some("br;q=1.0, gzip;q=0.8"), Brotli),
            (Some("br;q=0.5, gzip"), Gzip),
            (Some("gzip;q=0, br;q=0"), Identity),
            (Some("br;q=0, gzip"), Gzip),
            (Some("gzip;q=0"), Identity),
            (Some("BR"), Brotli),
            (Some("x-gzip"), Gzip),
            (Some("*"), Brotli),
            (Some("*;q=0.5, br;q=0"), Gzip),
            (Some("identity"), Identity),
            (Some("br;q=nonsense"), Identity),
            (Some(""), Identity),
            (None, Identity),
        ] {
            assert_eq!(coding(accept), expected, "{accept:?}");
        }
    }

    #[test]
    fn etags() {
        assert!(etag_matches(Some("\"a\", \"b\""), "\"b\""));
        assert!(etag_matches(Some("W/\"b\""), "\"b\""));
        assert!(!etag_matches(Some("\"c\""), "\"b\""));
    }
}
