//! Signed-in readers' identities, listed and linked to a moderator.

use crate::app::{AdminSession, App};
use crate::http::{Ctx, first, json_body, json_reply, query_pairs, respond};
use serde::Deserialize;
use serde_json::json;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter as _, Rejection, Reply};

/// GET /admin/api/identities?site=&q=
pub(super) fn list_identities(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "identities")
        .and(warp::get())
        .and(ctx.admin())
        .and(ctx.app())
        .and(query_pairs())
        .then(
            |s: AdminSession, app: App, pairs: Vec<(String, String)>| async move {
                let site = first(&pairs, "site");
                let q = first(&pairs, "q").unwrap_or_default();
                respond(
                    app.admin_identities(&s, site.as_deref(), &q)
                        .await
                        .map(|list| json_reply(StatusCode::OK, &json!({"identities": list}))),
                )
            },
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkBody {
    linked: bool,
}

/// POST /admin/api/identities/{id}/link: "This is me", or not.
pub(super) fn link_identity(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "identities" / i64 / "link")
        .and(warp::post())
        .and(ctx.admin_change())
        .and(ctx.app())
        .and(json_body::<LinkBody>())
        .then(
            |id: i64, s: AdminSession, app: App, body: LinkBody| async move {
                respond(
                    app.link_identity(&s, id, body.linked)
                        .await
                        .map(|()| StatusCode::NO_CONTENT.into_response()),
                )
            },
        )
}
