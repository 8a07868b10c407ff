//! The admin JSON API under `/admin/api/`: a session cookie for every call,
//! and the `X-CSRF-Token` header for every change.

use super::limits::Kind;
use super::{Ctx, first, json_body, json_reply, query_pairs, respond};
use crate::app::App;
use crate::app::{Action, AdminSession, BanRequest, SiteInput, ThreadChange};
use crate::domain::{CommentId, SiteId, Status};
use crate::error::Error;
use crate::keys::constant_time_eq;
use crate::store::moderation::Filter;
use serde::Deserialize;
use serde_json::json;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;
use warp::{Filter as _, Rejection, Reply};

const COOKIE: &str = "natter_admin";

pub fn routes(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    login(ctx)
        .or(logout(ctx))
        .unify()
        .or(session(ctx))
        .unify()
        .or(list_comments(ctx))
        .unify()
        .or(bulk(ctx))
        .unify()
        .or(edit(ctx))
        .unify()
        .or(list_bans(ctx))
        .unify()
        .or(add_ban(ctx))
        .unify()
        .or(remove_ban(ctx))
        .unify()
        .or(list_threads(ctx))
        .unify()
        .or(update_thread(ctx))
        .unify()
        .or(list_sites(ctx))
        .unify()
        .or(save_site(ctx))
        .unify()
        .or(audit(ctx))
        .unify()
        .map(|mut res: Response| {
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        })
}

impl Ctx {
    /// The signed-in moderator, from the session cookie.
    pub(super) fn admin(
        &self,
    ) -> impl warp::Filter<Extract = (AdminSession,), Error = Rejection> + Clone + use<> {
        let app = self.app.clone();
        warp::cookie::optional::<String>(COOKIE).and_then(move |cookie: Option<String>| {
            let app = app.clone();
            async move {
                app.admin_session(cookie.as_deref())
                    .await
                    .map_err(warp::reject::custom)
            }
        })
    }

    /// The same, for a change: the `X-CSRF-Token` header must match the session.
    pub(super) fn admin_change(
        &self,
    ) -> impl warp::Filter<Extract = (AdminSession,), Error = Rejection> + Clone + use<> {
        self.admin()
            .and(warp::header::optional::<String>("x-csrf-token"))
            .and_then(|s: AdminSession, token: Option<String>| async move {
                match token {
                    Some(t) if constant_time_eq(t.as_bytes(), s.csrf.as_bytes()) => Ok(s),
                    _ => Err(warp::reject::custom(Error::CsrfMismatch)),
                }
            })
    }
}

fn cookie_header(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("a cookie of URL-safe characters")
}

fn secure_cookies(app: &App) -> bool {
    app.config
        .public_url
        .as_ref()
        .is_some_and(|u| u.scheme() == "https")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    username: String,
    password: String,
}

/// POST /admin/api/login
fn login(ctx: &Ctx) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "login")
        .and(warp::post())
        .and(ctx.limited(Kind::Login))
        .and(ctx.app())
        .and(json_body::<LoginBody>())
        .then(|_c, app: App, body: LoginBody| async move {
            respond(
                app.login(&body.username, &body.password)
                    .await
                    .map(|(token, s)| {
                        let mut res = json_reply(
                            StatusCode::OK,
                            &json!({"username": s.username, "csrf_token": s.csrf}),
                        );
                        res.headers_mut().insert(
                            header::SET_COOKIE,
                            cookie_header(&token, 12 * 3600, secure_cookies(&app)),
                        );
                        res
                    }),
            )
        })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LogoutBody {
    #[serde(default)]
    everywhere: bool,
}

/// POST /admin/api/logout
fn logout(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "logout")
        .and(warp::post())
        .and(ctx.admin_change())
        .and(ctx.app())
        .and(json_body::<LogoutBody>())
        .then(|s: AdminSession, app: App, body: LogoutBody| async move {
            respond(app.logout(&s, body.everywhere).await.map(|()| {
                let mut res = StatusCode::NO_CONTENT.into_response();
                res.headers_mut().insert(
                    header::SET_COOKIE,
                    cookie_header("", 0, secure_cookies(&app)),
                );
                res
            }))
        })
}

/// GET /admin/api/session
fn session(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "session")
        .and(warp::get())
        .and(ctx.admin())
        .map(|s: AdminSession| {
            json_reply(
                StatusCode::OK,
                &json!({"username": s.username, "csrf_token": s.csrf}),
            )
        })
}

/// GET /admin/api/comments?status=&site=&q=&offset=&limit=
fn list_comments(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "comments")
        .and(warp::get())
        .and(ctx.admin())
        .and(ctx.app())
        .and(query_pairs())
        .then(
            |_s: AdminSession, app: App, pairs: Vec<(String, String)>| async move {
                let filter = (|| {
                    let status = match first(&pairs, "status").filter(|s| !s.is_empty()) {
                        Some(s) => Some(Status::parse(&s).ok_or_else(|| {
                            Error::validation(
                                "status",
                                "status must be published, pending, spam or deleted",
                            )
                        })?),
                        None => None,
                    };
                    let site = match first(&pairs, "site").filter(|s| !s.is_empty()) {
                        Some(s) => {
                            Some(SiteId::parse(&s).map_err(|m| Error::validation("site", m))?)
                        }
                        None => None,
                    };
                    let number = |k: &'static str, default: u32, max: u32| -> Result<u32, Error> {
                        match first(&pairs, k) {
                            None => Ok(default),
                            Some(v) => v.parse().ok().filter(|n| *n <= max).ok_or_else(|| {
                                Error::validation(
                                    k,
                                    format!("{k} must be a whole number up to {max}"),
                                )
                            }),
                        }
                    };
                    Ok::<_, Error>(Filter {
                        status,
                        site,
                        q: first(&pairs, "q"),
                        limit: number("limit", 50, 200)?.max(1),
                        offset: number("offset", 0, u32::MAX)?,
                    })
                })();
                let result = match filter {
                    Ok(f) => app.admin_comments(f).await,
                    Err(e) => Err(e),
                };
                respond(result.map(|list| json_reply(StatusCode::OK, &list)))
            },
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BulkBody {
    ids: Vec<CommentId>,
    action: Action,
}

/// POST /admin/api/comments/bulk
fn bulk(ctx: &Ctx) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
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
fn edit(ctx: &Ctx) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
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

/// GET /admin/api/bans
fn list_bans(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "bans")
        .and(warp::get())
        .and(ctx.admin())
        .and(ctx.app())
        .then(|_s: AdminSession, app: App| async move {
            respond(
                app.bans()
                    .await
                    .map(|b| json_reply(StatusCode::OK, &json!({"bans": b}))),
            )
        })
}

/// POST /admin/api/bans
fn add_ban(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "bans")
        .and(warp::post())
        .and(ctx.admin_change())
        .and(ctx.app())
        .and(json_body::<BanRequest>())
        .then(|s: AdminSession, app: App, body: BanRequest| async move {
            respond(
                app.ban(&s, body)
                    .await
                    .map(|id| json_reply(StatusCode::CREATED, &json!({"id": id}))),
            )
        })
}

/// DELETE /admin/api/bans/{id}
fn remove_ban(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "bans" / i64)
        .and(warp::delete())
        .and(ctx.admin_change())
        .and(ctx.app())
        .then(|id: i64, s: AdminSession, app: App| async move {
            respond(
                app.unban(&s, id)
                    .await
                    .map(|()| StatusCode::NO_CONTENT.into_response()),
            )
        })
}

/// GET /admin/api/threads?site=&offset=
fn list_threads(
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
fn update_thread(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "threads" / i64)
        .and(warp::patch())
        .and(ctx.admin_change())
        .and(ctx.app())
        .and(json_body::<ThreadChange>())
        .then(
            |id: i64, s: AdminSession, app: App, body: ThreadChange| async move {
                respond(
                    app.update_thread(&s, id, body)
                        .await
                        .map(|t| json_reply(StatusCode::OK, &json!({"thread": t}))),
                )
            },
        )
}

/// GET /admin/api/sites
fn list_sites(
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
fn save_site(
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
                respond(
                    app.save_site(&s, body)
                        .await
                        .map(|site| json_reply(StatusCode::OK, &json!({"site": site}))),
                )
            },
        )
}

/// GET /admin/api/audit?before=
fn audit(ctx: &Ctx) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "audit")
        .and(warp::get())
        .and(ctx.admin())
        .and(ctx.app())
        .and(query_pairs())
        .then(
            |_s: AdminSession, app: App, pairs: Vec<(String, String)>| async move {
                let before = first(&pairs, "before").and_then(|b| b.parse().ok());
                respond(
                    app.audit_log(before)
                        .await
                        .map(|a| json_reply(StatusCode::OK, &json!({"entries": a}))),
                )
            },
        )
}
