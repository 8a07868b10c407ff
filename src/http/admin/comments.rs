//! The moderation list and what moderators do to comments.

use crate::app::{AdminSession, App};
use crate::domain::moderation::Search;
use crate::domain::{CommentId, Decision};
use crate::http::{Ctx, first, json_body, json_reply, query_pairs, respond};
use serde::Deserialize;
use serde_json::json;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter as _, Rejection};

/// GET /admin/api/comments?status=&site=&q=&offset=&limit=
pub(super) fn list_comments(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "comments")
        .and(warp::get())
        .and(ctx.admin())
        .and(ctx.app())
        .and(query_pairs())
        .then(
            |_s: AdminSession, app: App, pairs: Vec<(String, String)>| async move {
                let search = Search::new(
                    first(&pairs, "status").as_deref(),
                    first(&pairs, "site").as_deref(),
                    first(&pairs, "q"),
                    first(&pairs, "limit").as_deref(),
                    first(&pairs, "offset").as_deref(),
                );
                let result = match search {
                    Ok(search) => app.admin_comments(search).await,
                    Err(e) => Err(e.into()),
                };
                respond(result.map(|list| json_reply(StatusCode::OK, &list)))
            },
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BulkBody {
    ids: Vec<CommentId>,
    action: Decision,
}

/// POST /admin/api/comments/bulk
pub(super) fn bulk(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "comments" / "bulk")
        .and(warp::post())
        .and(ctx.admin_change())
        .and(ctx.app())
        .and(json_body::<BulkBody>())
        .then(|s: AdminSession, app: App, body: BulkBody| async move {
            respond(
                app.moderate(&s, body.ids, body.action)
                    .await
                    .map(|n| json_reply(StatusCode::OK, &json!({"changed": n}))),
            )
        })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditBody {
    text: String,
}

/// PATCH /admin/api/comments/{id}
pub(super) fn edit(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "comments" / i64)
        .and(warp::patch())
        .and(ctx.admin_change())
        .and(ctx.app())
        .and(json_body::<EditBody>())
        .then(
            |id: i64, s: AdminSession, app: App, body: EditBody| async move {
                respond(
                    app.admin_edit(&s, CommentId(id), &body.text)
                        .await
                        .map(|c| json_reply(StatusCode::OK, &json!({"comment": c}))),
                )
            },
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyBody {
    text: String,
}

/// POST /admin/api/comments/{id}/reply
pub(super) fn reply(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "comments" / i64 / "reply")
        .and(warp::post())
        .and(ctx.admin_change())
        .and(ctx.app())
        .and(json_body::<ReplyBody>())
        .then(
            |id: i64, s: AdminSession, app: App, body: ReplyBody| async move {
                respond(
                    app.admin_reply(&s, CommentId(id), &body.text)
                        .await
                        .map(|c| json_reply(StatusCode::CREATED, &json!({"comment": c}))),
                )
            },
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PinBody {
    pinned: bool,
}

/// POST /admin/api/comments/{id}/pin
pub(super) fn pin(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "comments" / i64 / "pin")
        .and(warp::post())
        .and(ctx.admin_change())
        .and(ctx.app())
        .and(json_body::<PinBody>())
        .then(
            |id: i64, s: AdminSession, app: App, body: PinBody| async move {
                respond(
                    app.pin(&s, CommentId(id), body.pinned)
                        .await
                        .map(|c| json_reply(StatusCode::OK, &json!({"comment": c}))),
                )
            },
        )
}
