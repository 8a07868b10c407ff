//! The comment routes of the public API.

use super::limits::Bucket;
use super::{Ctx, json_body, json_reply, page_query, query_pairs, respond};
use crate::app::{App, Client, Extras};
use crate::domain::{CommentId, NewComment};
use crate::notify::Wants;
use serde::{Deserialize, Serialize};
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

pub fn routes(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    // GET /api/comments is answered before the routes (`reads.rs`).
    post(ctx)
        .or(edit(ctx))
        .unify()
        .or(delete(ctx))
        .unify()
        .or(vote(ctx))
        .unify()
}

/// The edit token from `Authorization: Bearer …`.
pub(super) fn bearer() -> impl Filter<Extract = (Option<String>,), Error = Rejection> + Clone {
    warp::header::optional::<String>("authorization").map(|h: Option<String>| {
        h.and_then(|h| h.strip_prefix("Bearer ").map(|t| t.trim().to_string()))
    })
}

/// The body of `POST /api/comments`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PostBody {
    text: String,
    parent: Option<CommentId>,
    name: Option<String>,
    email: Option<String>,
    website: Option<String>,
    title: Option<String>,
    notify: Option<NotifyBody>,
    form_token: Option<String>,
    voter: Option<String>,
    /// The honeypot: a field people never see, so never fill in.
    homepage: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NotifyBody {
    #[serde(default)]
    replies: bool,
    #[serde(default)]
    thread: bool,
}

impl PostBody {
    /// The comment's fields, and what came with them.
    fn into_parts(self, reader: Option<String>) -> (NewComment, Extras) {
        let asked = self.notify.map_or(Wants::default(), |n| Wants {
            replies: n.replies,
            thread: n.thread,
        });
        let extras = Extras {
            asked,
            form_token: self.form_token,
            voter: self.voter,
            honeypot: self.homepage.is_some_and(|h| !h.trim().is_empty()),
            reader,
        };
        let new = NewComment {
            text: self.text,
            parent: self.parent,
            name: self.name,
            email: self.email,
            website: self.website,
            title: self.title,
        };
        (new, extras)
    }
}

/// POST /api/comments?url=U[&page_id=K]
fn post(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    let metrics = ctx.metrics.clone();
    warp::path!("api" / "comments")
        .and(warp::post())
        .and(ctx.limited(Bucket::Post))
        .and(ctx.app())
        .and(query_pairs())
        .and(bearer())
        .and(json_body::<PostBody>())
        .then(
            move |client: Client,
                  app: App,
                  pairs: Vec<(String, String)>,
                  reader: Option<String>,
                  body: PostBody| {
                let metrics = metrics.clone();
                async move {
                    let (new, extras) = body.into_parts(reader);
                    let posted = app.post(&page_query(&pairs), &client, new, extras).await;
                    metrics.comment(posted.as_ref().ok().map(|p| p.comment.status));
                    respond(posted.map(|posted| {
                        let status = match posted.comment.status {
                            crate::domain::Status::Published => StatusCode::CREATED,
                            _ => StatusCode::ACCEPTED,
                        };
                        json_reply(status, &posted)
                    }))
                }
            },
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditBody {
    text: String,
}

#[derive(Serialize)]
struct Edited {
    comment: crate::app::view::CommentView,
}

/// PATCH /api/comments/{id}
fn edit(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "comments" / i64)
        .and(warp::patch())
        .and(ctx.limited(Bucket::Vote))
        .and(ctx.app())
        .and(bearer())
        .and(json_body::<EditBody>())
        .then(
            |id: i64, client: Client, app: App, token: Option<String>, body: EditBody| async move {
                respond(
                    app.edit(CommentId(id), token.as_deref(), &client, &body.text)
                        .await
                        .map(|comment| {
                            // As for a new comment: 202 when held for a moderator.
                            let status = match comment.status {
                                crate::domain::Status::Published => StatusCode::OK,
                                _ => StatusCode::ACCEPTED,
                            };
                            json_reply(status, &Edited { comment })
                        }),
                )
            },
        )
}

/// DELETE /api/comments/{id}
fn delete(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "comments" / i64)
        .and(warp::delete())
        .and(ctx.limited(Bucket::Vote))
        .and(ctx.app())
        .and(bearer())
        .then(
            |id: i64, client: Client, app: App, token: Option<String>| async move {
                respond(
                    app.delete(CommentId(id), token.as_deref(), &client)
                        .await
                        .map(|()| StatusCode::NO_CONTENT.into_response()),
                )
            },
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoteBody {
    value: i8,
    voter: Option<String>,
}

/// POST /api/comments/{id}/vote
fn vote(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "comments" / i64 / "vote")
        .and(warp::post())
        .and(ctx.limited(Bucket::Vote))
        .and(ctx.app())
        .and(json_body::<VoteBody>())
        .then(
            |id: i64, client: Client, app: App, body: VoteBody| async move {
                respond(
                    app.vote(CommentId(id), &client, body.value, body.voter.as_deref())
                        .await
                        .map(|counts| json_reply(StatusCode::OK, &counts)),
                )
            },
        )
}
