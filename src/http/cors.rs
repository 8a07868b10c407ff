//! Exact-origin CORS: only origins of registered sites get CORS headers,
//! and no credentials are ever allowed (readers get no cookies).

use super::Ctx;
use crate::app::App;
use crate::error::Error;
use std::convert::Infallible;
use warp::http::{HeaderValue, Method, StatusCode, header};
use warp::path::FullPath;
use warp::reply::Response;
use warp::{Filter, Rejection};

const EXPOSED: &str = "ETag, Retry-After, Natter-Form-Token";

/// Whether a path is the widget's API: `/api/…`, and signing a reader out.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/auth/signout" || path == "/auth/signout-all"
}

/// Adds CORS headers and `X-Content-Type-Options: nosniff` to every answer
/// of the routes (see [`decorate`]).
pub fn wrap<F>(
    ctx: &Ctx,
    inner: F,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + use<F>
where
    F: Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static,
{
    let app = ctx.app.clone();
    warp::header::optional::<String>("origin")
        .or(warp::any().map(|| None))
        .unify()
        .and(warp::path::full())
        .and(inner)
        .map(
            move |origin: Option<String>, path: FullPath, mut res: Response| {
                decorate(&app, origin.as_deref(), path.as_str(), &mut res);
                res
            },
        )
}

/// CORS headers and `X-Content-Type-Options: nosniff` for the answer to a
/// request for `path` from `origin`: API answers go only to registered
/// origins. The widget's files, and error answers (which carry no private
/// data), go to any origin, so that a page on an unregistered origin can
/// load the widget and show the reader why it was refused.
pub fn decorate(app: &App, origin: Option<&str>, path: &str, res: &mut Response) {
    let allow = match origin {
        _ if path.starts_with("/admin") => None,
        Some(o) if is_api(path) && app.sites.knows_origin(o) => HeaderValue::from_str(o).ok(),
        Some(_) if !is_api(path) || res.status().is_client_error() => {
            Some(HeaderValue::from_static("*"))
        }
        _ => None,
    };
    let h = res.headers_mut();
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Origin"),
    );
    // Every answer, JSON and feeds included, is read as what it says it is.
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Some(v) = allow {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED),
        );
    }
}

/// OPTIONS /api/…: the preflight of a cross-origin write.
pub fn preflight(
    ctx: &Ctx,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    let app = ctx.app.clone();
    warp::method()
        .and(warp::path::full())
        .and(warp::header::optional::<String>("origin"))
        .and_then(
            move |method: Method, path: FullPath, origin: Option<String>| {
                let app = app.clone();
                async move {
                    // Checked here, not by `warp::options()`, so that another
                    // method on an unknown path is a 404, not a 405.
                    if method != Method::OPTIONS || !is_api(path.as_str()) {
                        return Err(warp::reject::not_found());
                    }
                    let origin = origin.unwrap_or_default();
                    if !app.sites.knows_origin(&origin) {
                        return Ok(super::error::error_response(&Error::ForbiddenOrigin {
                            origin,
                        }));
                    }
                    let mut res = Response::new(Default::default());
                    *res.status_mut() = StatusCode::NO_CONTENT;
                    let h = res.headers_mut();
                    h.insert(
                        header::ACCESS_CONTROL_ALLOW_ORIGIN,
                        HeaderValue::from_str(&origin).map_err(|_| warp::reject::not_found())?,
                    );
                    h.insert(
                        header::ACCESS_CONTROL_ALLOW_METHODS,
                        HeaderValue::from_static("GET, POST, PATCH, DELETE"),
                    );
                    h.insert(
                        header::ACCESS_CONTROL_ALLOW_HEADERS,
                        HeaderValue::from_static("Content-Type, Authorization, If-None-Match"),
                    );
                    h.insert(
                        header::ACCESS_CONTROL_MAX_AGE,
                        HeaderValue::from_static("86400"),
                    );
                    h.insert(header::VARY, HeaderValue::from_static("Origin"));
                    Ok(res)
                }
            },
        )
}
