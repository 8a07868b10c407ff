//! Reader sign-in (DESIGN §15): the popup's start and callback, the email
//! link's form and page, and the signed-in reader's own account.

use super::comments::bearer;
use super::limits::Bucket;
use super::notify::form;
use super::{Ctx, first, json_body, json_reply, page_query, query_pairs, respond};
use crate::app::readers::{Failure, SignedIn, Started};
use crate::app::{App, Client};
use crate::error::Error;
use crate::notify::page::{CSP, Page, handoff_csp};
use crate::notify::strings::Words;
use serde::Deserialize;
use serde_json::json;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

pub fn routes(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    start(ctx)
        .or(callback(ctx))
        .unify()
        .or(email_form(ctx))
        .unify()
        .or(link_page(ctx))
        .unify()
        .or(link_use(ctx))
        .unify()
        .or(me(ctx))
        .unify()
        .or(rename(ctx))
        .unify()
        .or(delete_me(ctx))
        .unify()
        .or(sign_out(ctx))
        .unify()
}

/// One of natter's own pages, with its strict headers.
fn page(status: StatusCode, html: String, csp: &str) -> Response {
    let mut r = warp::reply::html(html).into_response();
    *r.status_mut() = status;
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(csp) {
        h.insert("content-security-policy", v);
    }
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    r
}

/// A 303 to `to`, which is never cached nor given a referrer.
fn see_other(to: &str) -> Response {
    let mut r = Response::default();
    *r.status_mut() = StatusCode::SEE_OTHER;
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(to) {
        h.insert(header::LOCATION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    r
}

/// A page that says why signing in did not work; in a popup it also tells
/// the opener, at its registered origin only.
fn failure_page(f: &Failure) -> Response {
    let w = Words::new(&f.language);
    let (status, _) = super::error::status_and_code(&f.error);
    if let Error::Internal(detail) = &f.error {
        tracing::error!(%detail, "internal error while signing in");
    }
    let message = f.error.to_string();
    let mut p = Page::new(w, &w.t("page_signin_failed", &[])).para(&message);
    let csp = match &f.origin {
        Some(origin) => {
            let m = json!({"type": "natter:signin-error", "message": message});
            p = p.handoff(&m, origin, "");
            handoff_csp()
        }
        None => CSP.to_string(),
    };
    page(status, p.finish(), &csp)
}

/// A page of plain text, for errors of the forms and links.
fn text_page(language: &str, e: Error) -> Response {
    let f = Failure {
        error: e,
        origin: None,
        language: language.to_string(),
    };
    failure_page(&f)
}

/// GET /auth/start/{provider}?url=U[&return=R]
fn start(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("auth" / "start" / String)
        .and(warp::get())
        .and(ctx.limited(Bucket::Vote))
        .and(ctx.app())
        .and(query_pairs())
        .then(
            |provider: String, _c: Client, app: App, q: Vec<(String, String)>| async move {
                let back = first(&q, "return");
                match app
                    .sign_in_start(&provider, &page_query(&q), back.as_deref())
                    .await
                {
                    Ok(Started::Redirect(to)) => see_other(&to),
                    Ok(Started::EmailForm { state, language }) => {
                        let w = Words::new(&language);
                        let p = Page::new(w, &w.t("page_signin_title", &[]))
                            .email_form("../email", &state);
                        page(StatusCode::OK, p.finish(), CSP)
                    }
                    Err(e) => text_page("en", e),
                }
            },
        )
}

/// GET /auth/callback/{provider}?code&state (or ?error&state)
fn callback(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("auth" / "callback" / String)
        .and(warp::get())
        .and(ctx.app())
        .and(query_pairs())
        .then(
            |provider: String, app: App, q: Vec<(String, String)>| async move {
                let (code, state, error) =
                    (first(&q, "code"), first(&q, "state"), first(&q, "error"));
                let done = app
                    .sign_in_callback(
                        &provider,
                        code.as_deref(),
                        state.as_deref(),
                        error.as_deref(),
                    )
                    .await;
                match done {
                    Ok(s) => signed_in(s),
                    Err(f) => failure_page(&f),
                }
            },
        )
}

/// The end of a sign-in: the token handed to the opener (a popup), or the
/// reader sent back to the page with it (same tab).
fn signed_in(s: SignedIn) -> Response {
    let fragment = format!("#natter-token={}", s.token);
    if let Some(back) = &s.return_url {
        return see_other(&format!("{}{fragment}", strip_fragment(back)));
    }
    let w = Words::new(&s.language);
    let message = json!({"type": "natter:signin", "token": s.token, "reader": s.reader});
    let back = format!("{}{fragment}", strip_fragment(&s.page_url));
    let p = Page::new(w, &w.t("page_signin_done", &[]))
        .link(&w.t("page_signin_back", &[]), &back)
        .handoff(&message, &s.origin, &back);
    page(StatusCode::OK, p.finish(), &handoff_csp())
}

fn strip_fragment(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

/// POST /auth/email (a form: state, email): emails a sign-in link.
fn email_form(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("auth" / "email")
        .and(warp::post())
        .and(ctx.limited(Bucket::Privacy))
        .and(ctx.app())
        .and(form())
        .then(
            |_c: Client, app: App, f: Vec<(String, String)>| async move {
                let get = |k: &str| first(&f, k).unwrap_or_default();
                let email = get("email");
                match app.email_sign_in(&get("state"), &email).await {
                    Ok(site) => {
                        let w = Words::new(&site.settings.language);
                        let p = Page::new(w, &w.t("page_signin_title", &[]))
                            .para(&w.t("page_signin_sent", &[("email", email.trim())]));
                        page(StatusCode::OK, p.finish(), CSP)
                    }
                    Err(e) => text_page("en", e),
                }
            },
        )
}

/// GET /auth/link?t=TOKEN: the emailed link's page, with a button.
fn link_page(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("auth" / "link")
        .and(warp::get())
        .and(ctx.app())
        .and(query_pairs())
        .then(|app: App, q: Vec<(String, String)>| async move {
            let token = first(&q, "t").unwrap_or_default();
            match app.email_link_page(&token).await {
                Ok(site) => {
                    let w = Words::new(&site.settings.language);
                    let go = w.t("page_signin_go", &[("site", &site.name)]);
                    let p = Page::new(w, &go).button(&w.t("signin_button", &[]), "do", "signin");
                    page(StatusCode::OK, p.finish(), CSP)
                }
                Err(e) => text_page("en", e),
            }
        })
}

/// POST /auth/link?t=TOKEN: uses the link and returns to the page signed in.
fn link_use(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("auth" / "link")
        .and(warp::post())
        .and(ctx.limited(Bucket::Privacy))
        .and(ctx.app())
        .and(query_pairs())
        .then(
            |_c: Client, app: App, q: Vec<(String, String)>| async move {
                let token = first(&q, "t").unwrap_or_default();
                match app.email_link_use(&token).await {
                    Ok((back, token)) => {
                        see_other(&format!("{}#natter-token={token}", strip_fragment(&back)))
                    }
                    Err(e) => text_page("en", e),
                }
            },
        )
}

/// The reader's token, required.
fn reader_token() -> impl Filter<Extract = (String,), Error = Rejection> + Clone {
    bearer().and_then(|t: Option<String>| async move {
        t.filter(|t| !t.is_empty())
            .ok_or_else(|| warp::reject::custom(Error::SignedOut))
    })
}

/// GET /api/me
fn me(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "me")
        .and(warp::get())
        .and(ctx.limited(Bucket::Read))
        .and(ctx.app())
        .and(reader_token())
        .then(|_c: Client, app: App, token: String| async move {
            respond(app.me(&token).await.map(|m| json_reply(StatusCode::OK, &m)))
        })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RenameBody {
    name: String,
}

/// PATCH /api/me {name}
fn rename(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "me")
        .and(warp::patch())
        .and(ctx.limited(Bucket::Vote))
        .and(ctx.app())
        .and(reader_token())
        .and(json_body::<RenameBody>())
        .then(
            |_c: Client, app: App, token: String, body: RenameBody| async move {
                respond(
                    app.rename_me(&token, &body.name)
                        .await
                        .map(|m| json_reply(StatusCode::OK, &m)),
                )
            },
        )
}

/// DELETE /api/me
fn delete_me(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "me")
        .and(warp::delete())
        .and(ctx.limited(Bucket::Vote))
        .and(ctx.app())
        .and(reader_token())
        .then(|_c: Client, app: App, token: String| async move {
            respond(
                app.delete_me(&token)
                    .await
                    .map(|()| StatusCode::NO_CONTENT.into_response()),
            )
        })
}

/// POST /auth/signout and POST /auth/signout-all
fn sign_out(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    let one = warp::path!("auth" / "signout").map(|| false);
    let all = warp::path!("auth" / "signout-all").map(|| true);
    one.or(all)
        .unify()
        .and(warp::post())
        .and(ctx.limited(Bucket::Vote))
        .and(ctx.app())
        .and(reader_token())
        .then(
            |everywhere: bool, _c: Client, app: App, token: String| async move {
                let done = if everywhere {
                    app.sign_out_everywhere(&token).await.map(|_| ())
                } else {
                    app.sign_out(&token).await
                };
                respond(done.map(|()| StatusCode::NO_CONTENT.into_response()))
            },
        )
}
