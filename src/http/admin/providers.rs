//! Sign-in providers in the admin page: listed, added, changed, deleted.
//! Answers never carry a client secret.

use crate::app::{AdminSession, App};
use crate::domain::ProviderSpec;
use crate::error::Error;
use crate::http::{Ctx, json_body, json_reply, respond};
use serde_json::json;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter as _, Rejection, Reply};

/// GET /admin/api/providers
pub(super) fn list_providers(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "providers")
        .and(warp::get())
        .and(ctx.admin())
        .and(ctx.app())
        .then(|_s: AdminSession, app: App| async move {
            respond(
                app.admin_providers()
                    .await
                    .map(|list| json_reply(StatusCode::OK, &json!({"providers": list}))),
            )
        })
}

/// POST /admin/api/providers: adds one.
pub(super) fn add_provider(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "providers")
        .and(warp::post())
        .and(ctx.admin_change())
        .and(ctx.app())
        .and(json_body::<ProviderSpec>())
        .then(|s: AdminSession, app: App, spec: ProviderSpec| async move {
            respond(
                app.save_provider(&s, spec, true)
                    .await
                    .map(|p| json_reply(StatusCode::CREATED, &json!({"provider": p}))),
            )
        })
}

/// PUT /admin/api/providers/{id}: changes one; an empty secret keeps the old.
pub(super) fn change_provider(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "providers" / String)
        .and(warp::put())
        .and(ctx.admin_change())
        .and(ctx.app())
        .and(json_body::<ProviderSpec>())
        .then(
            |id: String, s: AdminSession, app: App, spec: ProviderSpec| async move {
                if spec.id.trim() != id {
                    return respond(Err(Error::validation(
                        "provider.id",
                        "The id in the body must match the address. Add a provider to use a new id.",
                    )));
                }
                respond(
                    app.save_provider(&s, spec, false)
                        .await
                        .map(|p| json_reply(StatusCode::OK, &json!({"provider": p}))),
                )
            },
        )
}

/// DELETE /admin/api/providers/{id}
pub(super) fn delete_provider(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "providers" / String)
        .and(warp::delete())
        .and(ctx.admin_change())
        .and(ctx.app())
        .then(|id: String, s: AdminSession, app: App| async move {
            respond(
                app.delete_provider(&s, &id)
                    .await
                    .map(|()| StatusCode::NO_CONTENT.into_response()),
            )
        })
}
