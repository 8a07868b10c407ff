//! A live stream's connection after its answer began: the routes answered
//! `/api/events` with the stream's first events and handed the rest of it
//! here ([`Handoff`]); hyper finished that answer (HTTP/1.0, so its body
//! ends only when the connection closes) and gave the socket back. From
//! then on the stream is written on the bare socket by a small task of its
//! own, which holds the socket and the stream and nothing else, so that
//! many thousands of readers can keep a thread open (DESIGN §12, §16).

use crate::app::live::{HEARTBEAT, Next, RESET, Stream};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::{Instant, sleep_until, timeout};

/// A reader that takes longer than this to take one event (its window is
/// full: it stopped reading) is let go.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the events route leaves a stream for its connection to go on
/// with; one per connection, put in each request's extensions.
#[derive(Clone, Default)]
pub struct Handoff(Arc<Mutex<Option<Stream>>>);

impl Handoff {
    /// Leaves the stream for the connection.
    pub fn put(&self, stream: Stream) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(stream);
    }

    pub(super) fn take(&self) -> Option<Stream> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// Writes the stream's events (and a heartbeat when it is quiet) on the
/// socket until the reader goes, stops reading, or natter stops. The
/// connection's place (`_slot`) is held until then.
pub(super) async fn write(mut io: TcpStream, mut stream: Stream, _slot: OwnedSemaphorePermit) {
    let beat = stream.heartbeat;
    let mut quiet_until = Instant::now() + beat;
    loop {
        let bytes = tokio::select! {
            next = stream.next() => match next {
                Some(Next::Frame(f)) => f.to_bytes(),
                Some(Next::Reset) => RESET.to_vec(),
                None => break,
            },
            () = sleep_until(quiet_until) => HEARTBEAT.to_vec(),
        };
        match timeout(WRITE_TIMEOUT, io.write_all(&bytes)).await {
            Ok(Ok(())) => quiet_until = Instant::now() + beat,
            _ => break,
        }
    }
    let _ = timeout(Duration::from_secs(1), io.shutdown()).await;
}
