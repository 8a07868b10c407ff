//! The "new posts" route of the public API (DESIGN §15).

use super::limits::Bucket;
use super::{Ctx, json_body, json_reply, respond};
use crate::app::{App, Client, PageQuery};
use serde::Deserialize;
use serde_json::json;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection};

pub fn routes(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    subscribe(ctx)
}

/// The body of `POST /api/new-posts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubscribeBody {
    /// A page of the site, which names the site.
    url: String,
    /// The address to email; a signed-in reader's verified one wins.
    #[serde(default)]
    email: String,
}

/// POST /api/new-posts {"url", "email"}: 202 `{"status": "confirm"}` (a
/// confirmation email is on its way) or `{"status": "subscribed"}`.
fn subscribe(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "new-posts")
        .and(warp::post())
        .and(ctx.limited(Bucket::Post))
        .and(ctx.app())
        .and(reader_token())
        .and(json_body::<SubscribeBody>())
        .then(
            |client: Client, app: App, token: Option<String>, body: SubscribeBody| async move {
                let q = PageQuery {
                    url: Some(body.url),
                    page_id: None,
                };
                let answer = app
                    .subscribe_new_posts(&q, &client, &body.email, token.as_deref())
                    .await;
                respond(answer.map(|s| json_reply(StatusCode::ACCEPTED, &json!({ "status": s }))))
            },
        )
}

/// A signed-in reader's token, from `Authorization: Bearer …`.
fn reader_token() -> impl Filter<Extract = (Option<String>,), Error = Rejection> + Clone {
    warp::header::optional::<String>("authorization").map(|h: Option<String>| {
        h.and_then(|h| h.strip_prefix("Bearer ").map(|t| t.trim().to_string()))
            .filter(|t| !t.is_empty())
    })
}
