//! Threads, listed and changed.

use crate::app::{AdminSession, App, ThreadChange};
use crate::domain::{SiteId, ThreadId};
use crate::error::Error;
use crate::http::{Ctx, first, json_body, json_reply, query_pairs, respond};
use serde::Deserialize;
use serde_json::json;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter as _, Rejection};

/// The body of a thread's change; absent fields stay as they are.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThreadBody {
    title: Option<String>,
    locked: Option<bool>,
    /// Moves the thread to the page at this URL.
    url: Option<String>,
}

impl From<ThreadBody> for ThreadChange {
    fn from(b: ThreadBody) -> ThreadChange {
        ThreadChange {
            title: b.title,
            locked: b.locked,
            url: b.url,
        }
    }
}

/// GET /admin/api/threads?site=&offset=
pub(super) fn list_threads(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "threads")
        .and(warp::get())
        .and(ctx.admin())
        .and(ctx.app())
        .and(query_pairs())
        .then(
            |_s: AdminSession, app: App, pairs: Vec<(String, String)>| async move {
                let site = first(&pairs, "site")
                    .filter(|s| !s.is_empty())
                    .map(|s| SiteId::parse(&s));
                let offset = first(&pairs, "offset")
                    .and_then(|o| o.parse().ok())
                    .unwrap_or(0);
                let result = match site {
                    Some(Err(m)) => Err(Error::validation("site", m)),
                    Some(Ok(s)) => app.admin_threads(Some(s), offset).await,
                    None => app.admin_threads(None, offset).await,
                };
                respond(result.map(|t| json_reply(StatusCode::OK, &json!({"threads": t}))))
            },
        )
}

/// PATCH /admin/api/threads/{id}
pub(super) fn update_thread(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "threads" / i64)
        .and(warp::patch())
        .and(ctx.admin_change())
        .and(ctx.app())
        .and(json_body::<ThreadBody>())
        .then(
            |id: i64, s: AdminSession, app: App, body: ThreadBody| async move {
                respond(
                    app.update_thread(&s, ThreadId(id), body.into())
                        .await
                        .map(|t| json_reply(StatusCode::OK, &json!({"thread": t}))),
                )
            },
        )
}
