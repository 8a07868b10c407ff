//! Serving the routes over TCP, with every connection bounded in time and
//! number (DESIGN §14). warp's own `serve` has neither, so natter runs
//! hyper's HTTP/1 connection itself:
//!
//! - A request's headers must arrive within `header_timeout` of its first
//!   byte (the first request: of connecting); its body within
//!   `body_timeout` of the headers (else 408 and the connection closes).
//! - Between requests a connection may stay open `idle_timeout`.
//! - At most `max_connections` are open at once. Past the cap a new
//!   connection is closed at once (it does not wait in line, so a flood of
//!   stalled clients cannot make healthy ones hang), with one log line a
//!   minute while it lasts.
//! - Bodies up to [`MAX_BODY`] are read whole before the routes see the
//!   request, so an early answer (413, 415, 429) never leaves unread bytes
//!   that would reset a keep-alive connection. A larger declared body is not
//!   read: its answer says `Connection: close`.
//! - Stopping closes idle connections at once and gives requests in flight
//!   `shutdown_grace`, then closes what is left.

mod clock;
mod live;

use super::client::Peer;
use super::{Ctx, MAX_BODY};
use crate::config::Limits;
use bytes::Bytes;
use clock::{Clock, Watched};
use http_body_util::{BodyExt, Either, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::Service;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
pub use live::Handoff;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use warp::Reply;
use warp::http::{HeaderValue, Request, StatusCode, header};
use warp::reply::Response;

/// What a request's body is handed to the routes as: read whole, or (too
/// large to read) as it comes.
type RouteBody = Either<Full<Bytes>, Incoming>;

/// Accepts and serves connections until `stop` resolves, then shuts down
/// within the grace.
pub async fn run(listener: TcpListener, ctx: Ctx, stop: impl Future<Output = ()>) {
    let limits = ctx.app.config.limits;
    let ctx_live = ctx.app.live.clone();
    let reads = Arc::new(ctx.clone());
    let routes = TowerToHyperService::new(warp::service(super::routes(ctx)));
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stopping_tx, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut said_full: Option<Instant> = None;
    let mut stop = std::pin::pin!(stop);
    loop {
        let accepted = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => accepted,
        };
        while connections.try_join_next().is_some() {}
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                accept_failed(e).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            if said_full.is_none_or(|t| t.elapsed() >= Duration::from_secs(60)) {
                tracing::warn!(
                    max_connections = limits.max_connections,
                    "connection cap reached: new connections are closed at once until others \
                     end; if this is real traffic, raise max_connections in [limits] of \
                     natter.toml (and the open-file limit, ulimit -n)"
                );
                said_full = Some(Instant::now());
            }
            drop(stream);
            continue;
        };
        connections.spawn(connection(
            stream,
            peer,
            routes.clone(),
            reads.clone(),
            limits,
            stopping.clone(),
            slot,
        ));
    }
    drop(listener);
    // Live streams end now; their readers come back with Last-Event-ID.
    ctx_live.close();
    let _ = stopping_tx.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(limits.shutdown_grace, drained)
        .await
        .is_err()
    {
        tracing::warn!(
            connections = connections.len(),
            grace_seconds = limits.shutdown_grace.as_secs(),
            "requests still in flight after the shutdown grace: closing their connections"
        );
        connections.shutdown().await;
    }
}

/// Errors of `accept` that concern only one connection are skipped; others
/// (such as running out of file descriptors) are logged and waited out.
async fn accept_failed(e: io::Error) {
    use io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "cannot accept a connection; trying again in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Serves one connection until it ends, times out, or the server stops.
async fn connection<S>(
    stream: TcpStream,
    peer: SocketAddr,
    routes: S,
    reads: Arc<Ctx>,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
    slot: OwnedSemaphorePermit,
) where
    S: Service<Request<RouteBody>, Response = Response, Error = Infallible>
        + Clone
        + Send
        + Sync
        + Unpin
        + 'static,
    S::Future: Send,
{
    let _ = stream.set_nodelay(true);
    let clock = Arc::new(Clock::new(limits));
    let io = TokioIo::new(Watched {
        io: stream,
        clock: clock.clone(),
    });
    let requests = clock.clone();
    let handoff = Handoff::default();
    let handed = handoff.clone();
    // Boxed, so that the connection can be polled without shutting down
    // its socket (which asks for futures that can move).
    let service = hyper::service::service_fn(move |req: Request<Incoming>| -> Answering {
        if let Some(read) = busiest_read(&req) {
            return read_now(read, &reads, &requests, peer, req);
        }
        Box::pin(request(
            routes.clone(),
            requests.clone(),
            handed.clone(),
            peer,
            limits,
            req,
        ))
    });
    let mut conn = http1::Builder::new()
        // natter keeps its own header and idle deadlines (see `Clock`).
        .header_read_timeout(None)
        .serve_connection(io, service);
    let ended = tokio::select! {
        ended = std::future::poll_fn(|cx| conn.poll_without_shutdown(cx)) => Some(ended),
        why = clock.expired() => {
            tracing::debug!(%peer, why, "connection closed");
            return;
        }
        _ = stopping.wait_for(|s| *s) => None,
    };
    let ended = match ended {
        Some(ended) => ended,
        // Stopping: a connection with nothing in flight (idle, or half a
        // request's headers) is closed now; one with a request finishes it.
        None if !clock.busy() => return,
        None => {
            Pin::new(&mut conn).graceful_shutdown();
            std::future::poll_fn(|cx| conn.poll_without_shutdown(cx)).await
        }
    };
    if let Err(e) = ended {
        tracing::debug!(%peer, error = %e, "connection closed");
        return;
    }
    let mut io = conn.into_parts().io.into_inner().io;
    match handoff.take() {
        // A live stream goes on without hyper, in a task of its own.
        Some(stream) => {
            tokio::spawn(live::write(io, stream, slot));
        }
        None => {
            let _ = tokio::io::AsyncWriteExt::shutdown(&mut io).await;
        }
    }
}

/// A request's answer on its way.
type Answering = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

/// Which of the readers' busiest reads (`reads.rs`) a request is, if it is
/// one and carries no body.
fn busiest_read(req: &Request<Incoming>) -> Option<super::reads::Read> {
    let read = super::reads::Read::of(req.method(), req.uri().path())?;
    hyper::body::Body::is_end_stream(req.body()).then_some(read)
}

/// Answers one of the busiest reads at once, without the routes.
fn read_now(
    read: super::reads::Read,
    reads: &Arc<Ctx>,
    clock: &Arc<Clock>,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Answering {
    let (reads, clock) = (reads.clone(), clock.clone());
    Box::pin(async move {
        let _busy = clock.begin();
        let (parts, _) = req.into_parts();
        Ok(super::reads::answer(&reads, read, &parts, peer).await)
    })
}

/// Reads a request's body (bounded in size and time), then hands it to
/// the routes.
async fn request<S>(
    routes: S,
    clock: Arc<Clock>,
    handoff: Handoff,
    peer: SocketAddr,
    limits: Limits,
    req: Request<Incoming>,
) -> Result<Response, Infallible>
where
    S: Service<Request<RouteBody>, Response = Response, Error = Infallible>,
{
    let _busy = clock.begin();
    let (mut parts, body) = req.into_parts();
    parts.extensions.insert(Peer(peer));
    parts.extensions.insert(handoff);
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let too_large = declared.is_some_and(|n| n > MAX_BODY);
    let body = if too_large {
        Either::Right(body)
    } else if hyper::body::Body::is_end_stream(&body) {
        // Most requests (reads) carry no body: no deadline to keep.
        Either::Left(Full::new(Bytes::new()))
    } else {
        let read = Limited::new(body, MAX_BODY as usize).collect();
        match tokio::time::timeout(limits.body_timeout, read).await {
            Ok(Ok(collected)) => Either::Left(Full::new(collected.to_bytes())),
            Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
                return Ok(refuse(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "The request body is too large.",
                ));
            }
            Ok(Err(_)) => {
                return Ok(refuse(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "The request body could not be read.",
                ));
            }
            Err(_) => {
                return Ok(refuse(
                    StatusCode::REQUEST_TIMEOUT,
                    "request_timeout",
                    "The request body did not arrive in time: send it right after the headers.",
                ));
            }
        }
    };
    let mut res = routes.call(Request::from_parts(parts, body)).await?;
    if too_large {
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(res)
}

/// An answer given before the routes, after which the connection closes.
fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": code, "message": message });
    let mut res = warp::reply::with_status(warp::reply::json(&body), status).into_response();
    let h = res.headers_mut();
    h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    res
}
