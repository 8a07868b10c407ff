//! The thread as HTML: the fragment for a site's own pages, and natter's
//! no-JS thread page with its form.

use super::answer::{self, Negotiation};
use super::limits::Bucket;
use super::{Ctx, MAX_BODY, first, page_query, query_pairs, respond, thread_params};
use crate::app::{App, Client, FormFields, HtmlAnswer, PageAsk};
use crate::error::Error;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;
use warp::{Filter, Rejection};

pub fn routes(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    fragment(ctx).or(page(ctx)).unify().or(post(ctx)).unify()
}

/// GET /api/thread.html?url=U[&page_id=K][&sort=][&limit=][&cursor=]
fn fragment(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "thread.html")
        .and(warp::get())
        .and(ctx.limited(Bucket::Read))
        .and(ctx.app())
        .and(query_pairs())
        .and(answer::negotiation())
        .then(
            |_client: Client, app: App, pairs: Vec<(String, String)>, n: Negotiation| async move {
                let params = thread_params(&pairs);
                respond(
                    app.thread_html(&page_query(&pairs), &params)
                        .await
                        .map(|a| answer::send(&a, &n, "text/html; charset=utf-8", "no-cache")),
                )
            },
        )
}

/// GET /thread?url=U[&page_id=K][&sort=][&cursor=][&reply=ID][&embed=1][&done=]
fn page(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("thread")
        .and(warp::get())
        .and(checked(ctx, Bucket::Read))
        .and(ctx.app())
        .and(query_pairs())
        .and(answer::negotiation())
        .then(
            |limited: Result<Client, Error>,
             app: App,
             pairs: Vec<(String, String)>,
             n: Negotiation| async move {
                let ask = PageAsk {
                    page: page_query(&pairs),
                    sort: first(&pairs, "sort"),
                    cursor: first(&pairs, "cursor"),
                    reply: first(&pairs, "reply"),
                    embed: first(&pairs, "embed").as_deref() == Some("1"),
                    done: first(&pairs, "done"),
                };
                if let Err(e) = limited {
                    return html(app.thread_page_refused(e, &ask), &n);
                }
                html(app.thread_page(&ask).await, &n)
            },
        )
}

/// POST /thread (a form: url, page_id, parent, text, name, email,
/// website, replies, thread, posts, form_token, homepage)
fn post(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("thread")
        .and(warp::post())
        .and(checked(ctx, Bucket::Post))
        .and(ctx.app())
        .and(warp::header::optional::<String>("origin"))
        .and(form_body())
        .and(answer::negotiation())
        .then(
            |limited: Result<Client, Error>,
             app: App,
             origin: Option<String>,
             body: Result<FormFields, Error>,
             n: Negotiation| async move {
                let fields = match body {
                    Ok(f) => f,
                    Err(e) => return respond(Err(e)),
                };
                html(
                    app.thread_form(limited, origin.as_deref(), fields).await,
                    &n,
                )
            },
        )
}

/// The client, or the rate limit's refusal as a value: these pages answer
/// it in HTML, with what was typed kept.
fn checked(
    ctx: &Ctx,
    kind: Bucket,
) -> impl Filter<Extract = (Result<Client, Error>,), Error = Rejection> + Clone + use<> {
    let limits = ctx.limits.clone();
    let metrics = ctx.metrics.clone();
    super::client::client(ctx.trust.clone()).map(move |c: Client, key| {
        limits
            .check(kind, key)
            .map(|()| c)
            .inspect_err(|_| metrics.rate_limited())
    })
}

/// A form body: `application/x-www-form-urlencoded` only, at most
/// [`MAX_BODY`] bytes, as the JSON API's.
fn form_body() -> impl Filter<Extract = (Result<FormFields, Error>,), Error = Rejection> + Clone {
    warp::header::optional::<String>("content-type")
        .and(warp::body::content_length_limit(MAX_BODY))
        .and(warp::body::bytes())
        .map(|ct: Option<String>, body: bytes::Bytes| {
            let is_form = ct.as_deref().is_some_and(|ct| {
                let mime = ct.split(';').next().unwrap_or("").trim();
                mime.eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
            if !is_form {
                return Err(Error::UnsupportedMediaType);
            }
            Ok(fields(
                &url::form_urlencoded::parse(&body)
                    .into_owned()
                    .collect::<Vec<_>>(),
            ))
        })
}

fn fields(pairs: &[(String, String)]) -> FormFields {
    let get = |k: &str| first(pairs, k).unwrap_or_default();
    let ticked = |k: &str| first(pairs, k).is_some_and(|v| !v.is_empty());
    FormFields {
        url: get("url"),
        page_id: get("page_id"),
        parent: get("parent"),
        text: get("text"),
        name: get("name"),
        email: get("email"),
        website: get("website"),
        replies: ticked("replies"),
        thread: ticked("thread"),
        posts: ticked("posts"),
        form_token: get("form_token"),
        homepage: get("homepage"),
        sort: get("sort"),
        embed: get("embed") == "1",
    }
}

/// An HTML answer with its status and strict headers, or its 303.
fn html(a: HtmlAnswer, n: &Negotiation) -> Response {
    if let Some(to) = a.location {
        let mut res = Response::new(Default::default());
        *res.status_mut() = StatusCode::SEE_OTHER;
        if let Ok(v) = HeaderValue::from_str(&to) {
            res.headers_mut().insert(header::LOCATION, v);
        }
        return res;
    }
    let mut res = answer::send(&a.html, n, "text/html; charset=utf-8", "no-store");
    if let Some(e) = a.error.as_ref().filter(|_| res.status() == StatusCode::OK) {
        *res.status_mut() = super::error::status_and_code(e).0;
    }
    let h = res.headers_mut();
    h.insert(
        "referrer-policy",
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    if let Ok(v) = HeaderValue::from_str(&a.csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    if !a.framable {
        h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    }
    if let Some(Error::RateLimited { retry_after }) = a.error {
        h.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    }
    res
}
