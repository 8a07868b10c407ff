//! The smaller routes of the public API, and the health check.

use super::answer::{self, Negotiation};
use super::limits::Bucket;
use super::{Ctx, json_body, json_reply, query_pairs, respond};
use crate::app::feed::FeedOf;
use crate::app::{App, Client, PageQuery};
use serde::{Deserialize, Serialize};
use warp::http::{StatusCode, header};
use warp::reply::Response;
use warp::{Filter, Rejection};

pub fn routes(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    // GET /api/counts is answered before the routes (`reads.rs`).
    preview(ctx)
        .or(counts_post(ctx))
        .unify()
        .or(config(ctx))
        .unify()
        .or(avatar(ctx))
        .unify()
        .or(openapi())
        .unify()
        .or(feed(ctx))
        .unify()
        .or(healthz(ctx))
        .unify()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PreviewBody {
    text: String,
}

#[derive(Serialize)]
struct PreviewAnswer {
    html: String,
}

/// POST /api/preview
fn preview(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "preview")
        .and(warp::post())
        .and(ctx.limited(Bucket::Read))
        .and(ctx.app())
        .and(json_body::<PreviewBody>())
        .then(|_c: Client, app: App, body: PreviewBody| async move {
            respond(
                app.preview(&body.text)
                    .await
                    .map(|html| json_reply(StatusCode::OK, &PreviewAnswer { html })),
            )
        })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountsBody {
    urls: Vec<String>,
}

/// POST /api/counts
fn counts_post(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "counts")
        .and(warp::post())
        .and(ctx.limited(Bucket::Read))
        .and(ctx.app())
        .and(answer::negotiation())
        .and(json_body::<CountsBody>())
        .then(
            |_c: Client, app: App, n: Negotiation, body: CountsBody| async move {
                respond(
                    app.counts(body.urls)
                        .await
                        .map(|a| answer::send(&a, &n, "application/json", "no-cache")),
                )
            },
        )
}

/// GET /api/config?url=U
fn config(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "config")
        .and(warp::get())
        .and(ctx.limited(Bucket::Read))
        .and(ctx.app())
        .and(query_pairs())
        .map(|_c: Client, app: App, pairs: Vec<(String, String)>| {
            let q = PageQuery {
                url: super::first(&pairs, "url"),
                page_id: None,
            };
            respond(app.site_config(&q).map(|c| json_reply(StatusCode::OK, &c)))
        })
}

/// GET /api/avatar/{seed}.svg: an identicon; the same seed always gives the same picture.
fn avatar(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "avatar" / String)
        .and(warp::get())
        .and(ctx.app())
        .map(|file: String, _app: App| {
            let seed = file.strip_suffix(".svg").unwrap_or("");
            respond(crate::app::avatar::identicon(seed).map(|svg| {
                let mut res = Response::new(svg.into());
                let h = res.headers_mut();
                h.insert(
                    header::CONTENT_TYPE,
                    header::HeaderValue::from_static("image/svg+xml"),
                );
                h.insert(
                    header::CACHE_CONTROL,
                    header::HeaderValue::from_static("public, max-age=604800, immutable"),
                );
                h.insert(
                    "content-security-policy",
                    header::HeaderValue::from_static(
                        "default-src 'none'; style-src 'unsafe-inline'",
                    ),
                );
                res
            }))
        })
}

/// GET /api/feed?url=U or GET /api/feed?site=S: Atom.
fn feed(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "feed")
        .and(warp::get())
        .and(ctx.limited(Bucket::Read))
        .and(ctx.app())
        .and(query_pairs())
        .and(answer::negotiation())
        .then(
            |_c: Client, app: App, pairs: Vec<(String, String)>, n: Negotiation| async move {
                let of = match (super::first(&pairs, "site"), super::first(&pairs, "url")) {
                    (Some(site), None) => Ok(FeedOf::Site(site)),
                    (None, Some(_)) => Ok(FeedOf::Thread(super::page_query(&pairs))),
                    _ => Err(crate::error::Error::validation(
                        "url",
                        "Ask for a feed with ?url=PAGE or ?site=ID.",
                    )),
                };
                let result = match of {
                    Ok(of) => app.feed(of).await,
                    Err(e) => Err(e),
                };
                respond(result.map(|a| {
                    answer::send(&a, &n, "application/atom+xml; charset=utf-8", "no-cache")
                }))
            },
        )
}

/// GET /api/openapi.json
fn openapi() -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    warp::path!("api" / "openapi.json")
        .and(warp::get())
        .map(|| {
            let mut res = Response::new(OPENAPI.into());
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("application/json"),
            );
            res
        })
}

/// The API description, kept true by `tests/openapi.rs`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// GET /healthz: 200 when the database answers and takes writes; else 503
/// naming the problem, like `{"status":"unhealthy","database":"disk full"}`.
fn healthz(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("healthz")
        .and(warp::get())
        .and(ctx.app())
        .then(|app: App| async move {
            match app.health().await {
                Ok(()) => json_reply(StatusCode::OK, &serde_json::json!({"status": "ok"})),
                Err(e) => {
                    let database = match &e {
                        crate::error::Error::DiskFull(_) => "disk full",
                        crate::error::Error::DatabaseLocked(_) => "database locked",
                        _ => "unavailable",
                    };
                    tracing::error!(error = %e, database, "health check failed");
                    json_reply(
                        StatusCode::SERVICE_UNAVAILABLE,
                        &serde_json::json!({"status": "unhealthy", "database": database}),
                    )
                }
            }
        })
}
