//! `GET /api/events`: a thread's live events as server-sent events
//! (DESIGN §16). The stream and its limits are the app's (`app::live`);
//! this file only writes them the way EventSource reads them.

use super::limits::Bucket;
use super::serve::Held;
use super::{Ctx, first, page_query, query_pairs, respond};
use crate::app::live::{Frame, Stream};
use crate::app::{App, Client};
use crate::error::Error;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
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
        .then(
            |client: Client,
             app: App,
             pairs: Vec<(String, String)>,
             last: Option<String>,
             held: Option<Held>| async move {
                let since = match resume_point(last.as_deref(), first(&pairs, "since")) {
                    Ok(n) => n,
                    Err(e) => return respond(Err(e)),
                };
                respond(
                    app.events(&page_query(&pairs), &client, since)
                        .await
                        .map(|stream| answer(stream, held)),
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

/// The stream as an answer, with a heartbeat when it is quiet.
fn answer(mut stream: Stream, held: Option<Held>) -> Response {
    let heartbeat = stream.heartbeat;
    let state = Reading {
        first: std::mem::take(&mut stream.first).into_iter().collect(),
        retry: true,
        stream,
        _held: held,
    };
    let events = futures_util::stream::unfold(state, next);
    let events = Owned(Mutex::new(Box::pin(events)));
    let mut res = warp::sse::reply(warp::sse::keep_alive().interval(heartbeat).stream(events))
        .into_response();
    // Proxies that buffer answers (nginx) must pass events on at once.
    res.headers_mut().insert(
        "x-accel-buffering",
        warp::http::HeaderValue::from_static("no"),
    );
    res
}

/// A stream being read: what it sends first, then its channel.
struct Reading {
    first: VecDeque<Arc<Frame>>,
    /// The first event also tells the browser how soon to reconnect.
    retry: bool,
    stream: Stream,
    /// Keeps the connection from counting as idle.
    _held: Option<Held>,
}

/// The next event of a stream; none once natter stops.
async fn next(mut r: Reading) -> Option<(Result<Event, Infallible>, Reading)> {
    if let Some(f) = r.first.pop_front() {
        let mut event = event(&f);
        if std::mem::take(&mut r.retry) {
            event = event.retry(RETRY);
        }
        return Some((Ok(event), r));
    }
    let sent = loop {
        let s = &mut r.stream;
        tokio::select! {
            got = s.events.recv() => match got {
                Ok(f) if f.id <= s.after => continue,
                Ok(f) => {
                    s.after = f.id;
                    break event(&f);
                }
                // Fell too far behind: some events are gone for it.
                Err(RecvError::Lagged(_)) => break Event::default().event("reset").data("{}"),
                Err(RecvError::Closed) => return None,
            },
            _ = s.closing.wait_for(|c| *c) => return None,
        }
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
