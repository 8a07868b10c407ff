//! `GET /metrics`, in Prometheus text, for loopback and the networks in
//! `[metrics] allow`. A client behind a trusted proxy is judged by its own
//! address, so a public proxy does not expose the numbers.

mod counters;

pub use counters::Metrics;

use super::Ctx;
use super::client::{self, ClientAddr};
use crate::app::App;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

/// GET /metrics
pub fn route(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    let config = ctx.app.config.clone();
    let metrics = ctx.metrics.clone();
    warp::path!("metrics")
        .and(warp::get())
        .and(client::addr(ctx.trust.clone()))
        .and_then(move |addr: ClientAddr| {
            let config = config.clone();
            async move {
                // An unknown client (an unreadable forwarded hop) is never let in.
                if addr.is_within(&config.metrics_from) {
                    Ok(())
                } else {
                    Err(warp::reject::not_found())
                }
            }
        })
        .untuple_one()
        .and(ctx.app())
        .then(move |app: App| {
            let metrics = metrics.clone();
            async move { answer(&app, &metrics).await }
        })
}

/// The counters, with the outbox and the cache as they are now.
async fn answer(app: &App, metrics: &Metrics) -> Response {
    match app.outbox_counts().await {
        Ok(outbox) => {
            let mut r = metrics.render(outbox, app.cache.size()).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            r
        }
        Err(e) => {
            let mut r = super::error::error_response(&e);
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            r
        }
    }
}
