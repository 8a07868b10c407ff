//! Bans, listed, added and lifted.

use super::answers::{BanAnswer, answers};
use crate::app::{AdminSession, App, BanOf};
use crate::domain::{BanId, BanKind, CommentId};
use crate::error::Error;
use crate::http::{Ctx, json_body, json_reply, respond};
use serde::Deserialize;
use serde_json::json;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter as _, Rejection, Reply};

/// A new ban: of a value given, or of the author of a comment.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BanBody {
    kind: String,
    value: Option<String>,
    comment_id: Option<CommentId>,
    #[serde(default)]
    reason: String,
    /// Days until the ban ends; none for a ban without end.
    days: Option<u32>,
}

/// GET /admin/api/bans
pub(super) fn list_bans(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "bans")
        .and(warp::get())
        .and(ctx.admin())
        .and(ctx.app())
        .then(|_s: AdminSession, app: App| async move {
            respond(app.bans().await.map(|b| {
                let bans: Vec<BanAnswer> = answers(b);
                json_reply(StatusCode::OK, &json!({ "bans": bans }))
            }))
        })
}

/// POST /admin/api/bans
pub(super) fn add_ban(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "bans")
        .and(warp::post())
        .and(ctx.admin_change())
        .and(ctx.app())
        .and(json_body::<BanBody>())
        .then(|s: AdminSession, app: App, body: BanBody| async move {
            let kind = match BanKind::parse(&body.kind) {
                Ok(kind) => kind,
                Err(e) => return respond(Err(Error::from(e))),
            };
            let of = match (body.comment_id, body.value) {
                (Some(id), _) => Some(BanOf::AuthorOf(id)),
                (None, Some(v)) => Some(BanOf::Value(v)),
                (None, None) => None,
            };
            respond(
                app.ban(&s, kind, of, &body.reason, body.days)
                    .await
                    .map(|id| json_reply(StatusCode::CREATED, &json!({"id": id}))),
            )
        })
}

/// DELETE /admin/api/bans/{id}
pub(super) fn remove_ban(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "bans" / i64)
        .and(warp::delete())
        .and(ctx.admin_change())
        .and(ctx.app())
        .then(|id: i64, s: AdminSession, app: App| async move {
            respond(
                app.unban(&s, BanId(id))
                    .await
                    .map(|()| StatusCode::NO_CONTENT.into_response()),
            )
        })
}
