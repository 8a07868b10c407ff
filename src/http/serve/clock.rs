//! Each connection's clock: which deadline it is under (the headers of a
//! request, or idle between requests), told by the socket as bytes arrive
//! and by the service as requests begin and end.
//!
//! The clock is checked, not woken: moving it only writes the phase, and
//! [`Clock::expired`] looks again at least every `header_timeout` or
//! `idle_timeout`, whichever is shorter. A deadline can come sooner than
//! the one last looked at only when a request's headers begin or a
//! request ends, and it is then one of those two away, so none is missed,
//! and no request wakes the connection's task for it.

use crate::config::Limits;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// Where a connection is, which decides how long it may stay silent.
#[derive(Debug, Clone, Copy)]
pub(super) enum Phase {
    /// Waiting for the rest of a request's headers, begun at `since` (for
    /// the first request: when the connection was made).
    Head { since: Instant },
    /// Between requests since `since`, nothing received yet.
    Idle { since: Instant },
    /// Requests in flight: the body deadline is the request's own.
    Busy(usize),
}

/// The deadlines of one connection, moved by its reads and requests.
pub(super) struct Clock {
    limits: Limits,
    phase: Mutex<Phase>,
}

impl Clock {
    pub(super) fn new(limits: Limits) -> Clock {
        Clock {
            limits,
            phase: Mutex::new(Phase::Head {
                since: Instant::now(),
            }),
        }
    }

    /// Resolves once the connection has passed its deadline, with why.
    pub(super) async fn expired(&self) -> &'static str {
        loop {
            let now = Instant::now();
            let next_look = now + self.limits.header_timeout.min(self.limits.idle_timeout);
            match self.deadline() {
                Some((at, why)) if now >= at => return why,
                Some((at, _)) => tokio::time::sleep_until(at.min(next_look)).await,
                None => tokio::time::sleep_until(next_look).await,
            }
        }
    }

    pub(super) fn with<T>(&self, f: impl FnOnce(&mut Phase) -> T) -> T {
        f(&mut self.phase.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Changes the phase; [`Clock::expired`] sees it when it next looks.
    pub(super) fn set(&self, f: impl FnOnce(Phase) -> Phase) {
        self.with(|p| *p = f(*p));
    }

    /// When the connection must have moved on, and why it is closed then.
    pub(super) fn deadline(&self) -> Option<(Instant, &'static str)> {
        self.with(|p| match *p {
            Phase::Head { since } => Some((
                since + self.limits.header_timeout,
                "the request headers did not arrive in time",
            )),
            Phase::Idle { since } => Some((
                since + self.limits.idle_timeout,
                "the connection was idle too long",
            )),
            Phase::Busy(_) => None,
        })
    }

    /// Bytes arrived: between requests, that starts a request's headers.
    pub(super) fn received(&self) {
        if self.with(|p| matches!(p, Phase::Idle { .. })) {
            self.set(|_| Phase::Head {
                since: Instant::now(),
            });
        }
    }

    /// A request's headers are in; the request is in flight until the
    /// returned guard drops.
    pub(super) fn begin(self: &Arc<Self>) -> InFlight {
        self.set(|p| match p {
            Phase::Busy(n) => Phase::Busy(n + 1),
            _ => Phase::Busy(1),
        });
        InFlight(self.clone())
    }

    pub(super) fn busy(&self) -> bool {
        self.with(|p| matches!(p, Phase::Busy(_)))
    }
}

/// A request in flight on a connection.
pub(super) struct InFlight(Arc<Clock>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.set(|p| match p {
            Phase::Busy(n) if n > 1 => Phase::Busy(n - 1),
            _ => Phase::Idle {
                since: Instant::now(),
            },
        });
    }
}

/// The socket, telling the [`Clock`] when bytes arrive.
pub(super) struct Watched {
    pub(super) io: TcpStream,
    pub(super) clock: Arc<Clock>,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let read = Pin::new(&mut this.io).poll_read(cx, buf);
        if matches!(read, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.clock.received();
        }
        read
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}
