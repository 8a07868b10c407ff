//! `GET /api/events`: a thread's live events as server-sent events
//! (DESIGN §16). The stream and its limits are the app's (`app::live`);
//! this file only writes them the way EventSource reads them.

use super::limits::Bucket;
use super::serve::{Handoff, Held};
use super::{Ctx, first, page_query, query_pairs, respond};
use crate::app::live::{Frame, Next, Stream};
use crate::app::{App, Client};
use crate::error::Error;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
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
        .and(warp::ext::optional::<Held>())
        .and(warp::ext::optional::<Handoff>())
        .then(
            |client: Client,
             app: App,
             pairs: Vec<(String, String)>,
             last: Option<String>,
             held: Option<Held>,
             handoff: Option<Handoff>| async move {
                let since = match resume_point(last.as_deref(), first(&pairs, "since")) {
                    Ok(n) => n,
                    Err(e) => return respond(Err(e)),
                };
                respond(
                    app.events(&page_query(&pairs), &client, since)
                        .await
                        .map(|stream| answer(stream, held, handoff)),
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

/// The stream as an answer. Served by natter's own connection loop (the
/// usual case), the answer carries only what the stream starts with, as
/// HTTP/1.0 (its body ends when the connection closes), and the rest of
/// the stream is handed to the loop, which writes it on the bare socket:
/// a stream open for hours then holds none of the HTTP machinery's buffers
/// (see `serve/live.rs`). Without the loop, warp streams it all.
fn answer(mut stream: Stream, held: Option<Held>, handoff: Option<Handoff>) -> Response {
    let first: Vec<Arc<Frame>> = std::mem::take(&mut stream.first);
    let heartbeat = stream.heartbeat;
    let mut res = match handoff {
        Some(h) => {
            h.put(stream);
            let events = first
                .into_iter()
                .enumerate()
                .map(|(i, f)| Ok::<_, Infallible>(with_retry(i, &f)));
            let mut res = warp::sse::reply(futures_util::stream::iter(events)).into_response();
            *res.version_mut() = warp::http::Version::HTTP_10;
            res
        }
        None => {
            let state = Reading {
                first: first.into_iter().collect(),
                stream,
                _held: held,
            };
            let events = Owned(Mutex::new(Box::pin(futures_util::stream::unfold(
                state, next,
            ))));
            warp::sse::reply(warp::sse::keep_alive().interval(heartbeat).stream(events))
                .into_response()
        }
    };
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
    let e = event(f);
    if i == 0 { e.retry(RETRY) } else { e }
}

/// A stream warp writes: what it sends first, then its channel.
struct Reading {
    first: VecDeque<Arc<Frame>>,
    stream: Stream,
    /// Keeps the connection from counting as idle.
    _held: Option<Held>,
}

/// The next event of a stream warp writes; none once natter stops.
async fn next(mut r: Reading) -> Option<(Result<Event, Infallible>, Reading)> {
    if let Some(f) = r.first.pop_front() {
        return Some((Ok(event(&f)), r));
    }
    let sent = match r.stream.next().await? {
        Next::Frame(f) => event(&f),
        Next::Reset => Event::default().event("reset").data("{}"),
    };
    Some((Ok(sent), r))
}

fn event(f: &Frame) -> Event {
    Event::default()
        .id(f.id.to_string())
        .event(f.kind)
        .data(&*f.data)
}

/// A stream made `Sync`, as warp's answer asks, by owning it behind a
/// lock that only its one reader ever takes.
struct Owned<S>(Mutex<Pin<Box<S>>>);

impl<S: futures_util::Stream> futures_util::Stream for Owned<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let inner = self
            .get_mut()
            .0
            .get_mut()
            .unwrap_or_else(|p| p.into_inner());
        inner.as_mut().poll_next(cx)
    }
}
