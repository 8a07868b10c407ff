//! `GET /api/events`: a thread's live events as server-sent events
//! (DESIGN §16). The stream and its limits are the app's (`app::live`);
//! this file only writes them the way EventSource reads them.

use super::limits::Bucket;
use super::serve::Handoff;
use super::{Ctx, first, page_query, query_pairs, respond};
use crate::app::live::{Frame, Stream};
use crate::app::{App, Client};
use crate::error::Error;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use warp::reply::Response;
use warp::sse::Event;
use warp::{Filter, Rejection, Reply};

/// How long a browser waits before it reconnects a dropped stream.
const RETRY: Duration = Duration::from_secs(3);

pub fn routes(ctx: &Ctx) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + use<> {
    warp::path!("api" / "events")
        .and(warp::get())
        .and(ctx.limited(Bucket::Read))
        .and(ctx.app())
        .and(query_pairs())
        .and(warp::header::optional::<String>("last-event-id"))
        .and(warp::ext::get::<Handoff>())
        .then(
            |client: Client,
             app: App,
             pairs: Vec<(String, String)>,
             last: Option<String>,
             handoff: Handoff| async move {
                let since = match resume_point(last.as_deref(), first(&pairs, "since")) {
                    Ok(n) => n,
                    Err(e) => return respond(Err(e)),
                };
                respond(
                    app.events(&page_query(&pairs), &client, since)
                        .await
                        .map(|stream| answer(stream, handoff)),
                )
            },
        )
}

/// Where the stream resumes: the browser's `Last-Event-ID` (a reconnect)
/// wins over `since` (the thread answer's `event_id`). A `Last-Event-ID`
/// that is no number is not natter's: the stream starts from now.
fn resume_point(last: Option<&str>, since: Option<String>) -> Result<Option<i64>, Error> {
    if let Some(n) = last.and_then(|v| v.trim().parse::<i64>().ok()) {
        return Ok(Some(n));
    }
    match since.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
            Error::validation(
                "since",
                "since must be the thread's event_id (a number) from GET /api/comments",
            )
        }),
    }
}

/// The stream as an answer: only what the stream starts with, as HTTP/1.0
/// (its body ends when the connection closes); the rest of the stream is
/// handed to natter's connection loop, which writes it on the bare socket,
/// so that a stream open for hours holds none of the HTTP machinery's
/// buffers (see `serve/live.rs`).
fn answer(mut stream: Stream, handoff: Handoff) -> Response {
    let first: Vec<Arc<Frame>> = std::mem::take(&mut stream.first);
    handoff.put(stream);
    let events = first
        .into_iter()
        .enumerate()
        .map(|(i, f)| Ok::<_, Infallible>(with_retry(i, &f)));
    let mut res = warp::sse::reply(futures_util::stream::iter(events)).into_response();
    *res.version_mut() = warp::http::Version::HTTP_10;
    // Proxies that buffer answers (nginx) must pass events on at once.
    res.headers_mut().insert(
        "x-accel-buffering",
        warp::http::HeaderValue::from_static("no"),
    );
    res
}

/// The `i`th event a stream starts with; the first also tells the browser
/// how soon to reconnect.
fn with_retry(i: usize, f: &Frame) -> Event {
    let e = Event::default()
        .id(f.id.to_string())
        .event(f.kind)
        .data(&*f.data);
    if i == 0 { e.retry(RETRY) } else { e }
}
