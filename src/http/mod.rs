//! The only code that knows warp: routes, guards, CORS, answers. This file
//! holds the shared filters and composes the routes.

mod admin;
mod answer;
mod api;
mod assets;
mod auth;
pub mod client;
mod comments;
mod cors;
pub mod error;
mod events;
pub mod limits;
mod metrics;
mod new_posts;
mod notify;
mod reads;
pub mod serve;
mod thread_page;

use crate::app::{App, Client, PageQuery};
use crate::error::Error;
use serde::de::DeserializeOwned;
use std::convert::Infallible;
use std::sync::Arc;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

/// The log filter when `NATTER_LOG` is not set: information, without the
/// web framework's line for every rejected request.
pub const LOG_FILTER: &str = "info,warp::filters::trace=error";

/// The most a request body may carry.
pub const MAX_BODY: u64 = 64 * 1024;

/// What every route may need: the app, and the limits and client filters.
#[derive(Clone)]
pub struct Ctx {
    pub app: App,
    pub limits: limits::RateLimits,
    /// Whose `X-Forwarded-For` is believed.
    pub trust: Arc<client::Trust>,
    /// The counters `/metrics` shows.
    pub metrics: Arc<metrics::Metrics>,
    /// The busiest reads' answers, by query string.
    recent: Arc<reads::Recent>,
}

impl Ctx {
    pub fn new(app: App) -> Ctx {
        let limits = limits::RateLimits::new(app.config.rate_limit);
        let trust = Arc::new(client::Trust::new(app.config.trusted_proxies.clone()));
        Ctx {
            app,
            limits,
            trust,
            metrics: Default::default(),
            recent: Default::default(),
        }
    }

    pub(crate) fn app(&self) -> impl Filter<Extract = (App,), Error = Infallible> + Clone + use<> {
        let app = self.app.clone();
        warp::any().map(move || app.clone())
    }

    /// The client, after counting the request against the `kind` limit.
    fn limited(
        &self,
        kind: limits::Bucket,
    ) -> impl Filter<Extract = (Client,), Error = Rejection> + Clone + use<> {
        let limits = self.limits.clone();
        let metrics = self.metrics.clone();
        client::client(self.trust.clone()).and_then(move |c: Client, key| {
            let checked = limits.check(kind, key).map(|()| c).map_err(|e| {
                metrics.rate_limited();
                warp::reject::custom(e)
            });
            async move { checked }
        })
    }
}

/// All of natter's routes, with errors answered as JSON.
pub fn routes(ctx: Ctx) -> impl Filter<Extract = (impl Reply,), Error = Infallible> + Clone {
    // warp clones the routes for every request: boxed, each group is one
    // reference count to clone instead of a tree of filters.
    // Readers' routes first: every route tried before the one that
    // matches costs the request a little.
    let all = comments::routes(&ctx)
        .boxed()
        .or(thread_page::routes(&ctx).boxed())
        .unify()
        .or(events::routes(&ctx).boxed())
        .unify()
        .or(api::routes(&ctx).boxed())
        .unify()
        .or(admin::routes(&ctx).boxed())
        .unify()
        .or(notify::routes(&ctx).boxed())
        .unify()
        .or(auth::routes(&ctx).boxed())
        .unify()
        .or(new_posts::routes(&ctx).boxed())
        .unify()
        .or(metrics::route(&ctx).boxed())
        .unify()
        .or(cors::preflight(&ctx).boxed())
        .unify()
        .or(assets::routes().boxed())
        .unify()
        .recover(error::recover)
        .unify();
    let metrics = ctx.metrics.clone();
    cors::wrap(&ctx, all).with(warp::log::custom(move |info| {
        metrics.request(
            info.method().as_str(),
            info.path(),
            info.status().as_u16(),
            info.elapsed(),
        )
    }))
}

/// The OpenAPI document served at `/api/openapi.json`.
pub fn api_description() -> &'static str {
    api::OPENAPI
}

/// The query string as pairs (repeated keys kept), never a rejection.
fn query_pairs() -> impl Filter<Extract = (Vec<(String, String)>,), Error = Infallible> + Clone {
    warp::query::raw()
        .or(warp::any().map(String::new))
        .unify()
        .map(|raw: String| pairs_of(&raw))
}

/// A query string's pairs, decoded.
fn pairs_of(raw: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect()
}

/// The page a call is about: `?url=…[&page_id=…]`.
fn page_query(pairs: &[(String, String)]) -> PageQuery {
    PageQuery {
        url: first(pairs, "url"),
        page_id: first(pairs, "page_id"),
    }
}

/// Which page of a thread a read asks for: `sort`, `limit` (a limit that
/// is no number is one the app refuses) and `cursor`.
fn thread_params(pairs: &[(String, String)]) -> crate::app::ThreadParams {
    crate::app::ThreadParams {
        sort: first(pairs, "sort"),
        limit: match first(pairs, "limit").map(|l| l.parse::<u32>()) {
            Some(Ok(l)) => Some(l),
            Some(Err(_)) => Some(0),
            None => None,
        },
        cursor: first(pairs, "cursor"),
    }
}

fn first(pairs: &[(String, String)], key: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

/// A JSON body: `Content-Type: application/json` (415 otherwise), at most
/// [`MAX_BODY`] bytes (413), and the right shape (400 naming the problem).
fn json_body<T: DeserializeOwned + Send>() -> impl Filter<Extract = (T,), Error = Rejection> + Clone
{
    warp::header::optional::<String>("content-type")
        .and_then(|ct: Option<String>| async move {
            let is_json = ct.as_deref().is_some_and(|ct| {
                let mime = ct.split(';').next().unwrap_or("").trim();
                mime.eq_ignore_ascii_case("application/json")
            });
            if is_json {
                Ok(())
            } else {
                Err(warp::reject::custom(Error::UnsupportedMediaType))
            }
        })
        .untuple_one()
        .and(warp::body::content_length_limit(MAX_BODY))
        .and(warp::body::bytes())
        .and_then(|body: bytes::Bytes| async move {
            serde_json::from_slice::<T>(&body).map_err(|e| {
                warp::reject::custom(Error::BadRequest(format!(
                    "The body is not the JSON this call takes: {e}."
                )))
            })
        })
}

/// A JSON answer with a status.
fn json_reply<T: serde::Serialize>(status: warp::http::StatusCode, value: &T) -> Response {
    warp::reply::with_status(warp::reply::json(value), status).into_response()
}

/// Answers a handler's result, errors included.
fn respond(result: Result<Response, Error>) -> Response {
    result.unwrap_or_else(|e| error::error_response(&e))
}
