//! Sites, listed and saved, and the audit log.

use super::answers::{AuditAnswer, answers};
use crate::app::{AdminSession, App};
use crate::domain::{Site, SiteSettings};
use crate::error::Error;
use crate::http::{Ctx, first, json_body, json_reply, query_pairs, respond};
use serde::Deserialize;
use serde_json::json;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter as _, Rejection};

/// A site as the admin page sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteInput {
    id: String,
    name: String,
    origins: Vec<String>,
    #[serde(default)]
    settings: SiteSettings,
}

/// GET /admin/api/sites
pub(super) fn list_sites(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "sites")
        .and(warp::get())
        .and(ctx.admin())
        .and(ctx.app())
        .map(|_s: AdminSession, app: App| {
            json_reply(StatusCode::OK, &json!({"sites": app.admin_sites()}))
        })
}

/// PUT /admin/api/sites/{id}: create or update.
pub(super) fn save_site(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "sites" / String)
        .and(warp::put())
        .and(ctx.admin_change())
        .and(ctx.app())
        .and(json_body::<SiteInput>())
        .then(
            |id: String, s: AdminSession, app: App, body: SiteInput| async move {
                if body.id != id {
                    return respond(Err(Error::validation(
                        "id",
                        "The id in the body must match the address.",
                    )));
                }
                let site = match Site::new(&body.id, &body.name, &body.origins, body.settings) {
                    Ok(site) => site,
                    Err(e) => return respond(Err(e.into())),
                };
                respond(
                    app.save_site(&s, site)
                        .await
                        .map(|site| json_reply(StatusCode::OK, &json!({"site": site}))),
                )
            },
        )
}

/// GET /admin/api/audit?before=
pub(super) fn audit(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "audit")
        .and(warp::get())
        .and(ctx.admin())
        .and(ctx.app())
        .and(query_pairs())
        .then(
            |_s: AdminSession, app: App, pairs: Vec<(String, String)>| async move {
                let before = first(&pairs, "before").and_then(|b| b.parse().ok());
                respond(app.audit_log(before).await.map(|a| {
                    let entries: Vec<AuditAnswer> = answers(a);
                    json_reply(StatusCode::OK, &json!({ "entries": entries }))
                }))
            },
        )
}
