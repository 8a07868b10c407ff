//! Emailed links, the privacy page, the outbox view and `/metrics`.

use super::{Ctx, first, json_reply, query_pairs, respond};
use crate::app::AdminSession;
use crate::app::App;
use crate::app::LinkAnswer;
use crate::domain::OutboxId;
use crate::error::Error;
use crate::notify::page::CSP;
use crate::notify::page::Page;
use crate::notify::strings::Words;
use serde_json::json;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

/// The most a form posted to natter's own pages may carry.
const MAX_FORM: u64 = 4 * 1024;

pub fn routes(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    link_page(ctx)
        .or(follow_link(ctx))
        .unify()
        .or(privacy_form(ctx))
        .unify()
        .or(privacy_request(ctx))
        .unify()
        .or(outbox(ctx))
        .unify()
        .or(retry(ctx))
        .unify()
}

/// GET /notify?t=TOKEN: what the link does, and a button to do it.
fn link_page(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("notify")
        .and(warp::get())
        .and(ctx.app())
        .and(query_pairs())
        .then(|app: App, q: Vec<(String, String)>| async move {
            let token = first(&q, "t").unwrap_or_default();
            send(app.link_page(&token).await)
        })
}

/// POST /notify?t=TOKEN: does it. Also the one-click unsubscribe of
/// RFC 8058, whose body is `List-Unsubscribe=One-Click`.
fn follow_link(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("notify")
        .and(warp::post())
        .and(ctx.app())
        .and(query_pairs())
        .and(form())
        .then(
            |app: App, q: Vec<(String, String)>, f: Vec<(String, String)>| async move {
                let token = first(&q, "t").unwrap_or_default();
                send(app.follow_link(&token, first(&f, "do").as_deref()).await)
            },
        )
}

/// GET /privacy?site=ID: the form to ask for one's comments or their erasure.
fn privacy_form(
    ctx: &Ctx,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("privacy")
        .and(warp::get())
        .and(ctx.app())
        .and(query_pairs())
        .map(|app: App, q: Vec<(String, String)>| {
            let site = first(&q, "site").unwrap_or_default();
            send(app.privacy_form(&site))
        })
}

/// POST /privacy (a form: site, email, action): emails the link. Its limit
/// is its own, so asking for links never locks out a moderator's sign-in.
fn privacy_request(
    ctx: &Ctx,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("privacy")
        .and(warp::post())
        .and(ctx.limited(super::limits::Bucket::Privacy))
        .and(ctx.app())
        .and(form())
        .then(
            |_c: crate::app::Client, app: App, f: Vec<(String, String)>| async move {
                let get = |k: &str| first(&f, k).unwrap_or_default();
                send(
                    app.privacy_request(&get("site"), &get("email"), &get("action"))
                        .await,
                )
            },
        )
}

/// GET /admin/api/outbox?state=pending|sent|dead
fn outbox(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "outbox")
        .and(warp::get())
        .and(ctx.admin())
        .and(ctx.app())
        .and(query_pairs())
        .then(
            |_s: AdminSession, app: App, q: Vec<(String, String)>| async move {
                let state = first(&q, "state");
                respond(
                    app.outbox(state.as_deref())
                        .await
                        .map(|o| json_reply(StatusCode::OK, &o)),
                )
            },
        )
}

/// POST /admin/api/outbox/{id}/retry: sends a dead item again.
fn retry(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("admin" / "api" / "outbox" / i64 / "retry")
        .and(warp::post())
        .and(ctx.admin_change())
        .and(ctx.app())
        .then(|id: i64, s: AdminSession, app: App| async move {
            respond(
                app.retry_outbox(&s, OutboxId(id))
                    .await
                    .map(|()| json_reply(StatusCode::OK, &json!({"ok": true}))),
            )
        })
}

/// A form body (`application/x-www-form-urlencoded`), small; anything
/// else reads as an empty form.
pub(super) fn form() -> impl Filter<Extract = (Vec<(String, String)>,), Error = Rejection> + Clone {
    warp::body::content_length_limit(MAX_FORM)
        .and(warp::body::bytes())
        .map(|b: bytes::Bytes| url::form_urlencoded::parse(&b).into_owned().collect())
}

/// A page with its strict headers, or a file to download; an error in
/// a form comes back as a short page that says what to do.
fn send(answer: Result<LinkAnswer, Error>) -> Response {
    let (status, answer) = match answer {
        Ok(answer) => (StatusCode::OK, answer),
        Err(e) => (super::error::status_and_code(&e).0, error_page(&e)),
    };
    let mut res = match answer {
        LinkAnswer::Page(html) => {
            let mut r = warp::reply::html(html).into_response();
            *r.status_mut() = status;
            let h = r.headers_mut();
            h.insert("content-security-policy", HeaderValue::from_static(CSP));
            h.insert("x-frame-options", HeaderValue::from_static("DENY"));
            r
        }
        LinkAnswer::Download { filename, json } => {
            let mut r = warp::reply::with_header(json, header::CONTENT_TYPE, "application/json")
                .into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
                r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
    };
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    res
}

/// A page that says why a form or link did nothing.
fn error_page(e: &Error) -> LinkAnswer {
    let w = Words::new("en");
    let text = match e {
        Error::LinkUsed => w.t("page_link_used", &[]),
        Error::LinkInvalid | Error::LinkExpired | Error::NotFound => w.t("page_link_bad", &[]),
        Error::Internal(detail) => {
            tracing::error!(%detail, "internal error behind a link or form");
            e.to_string()
        }
        _ => e.to_string(),
    };
    LinkAnswer::Page(Page::new(w, "natter").para(&text).finish())
}
