//! Signing in and out of the admin page.

use super::COOKIE;
use crate::app::{AdminSession, App};
use crate::http::limits::Bucket;
use crate::http::{Ctx, json_body, json_reply, respond};
use serde::Deserialize;
use serde_json::json;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;
use warp::{Filter as _, Rejection, Reply};

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
pub(super) fn login(
    ctx: &Ctx,
) -> impl warp::Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "login")
        .and(warp::post())
        .and(ctx.limited(Bucket::Login))
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
pub(super) fn logout(
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
pub(super) fn session(
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
