//! Live threads (DESIGN §16): readers keep a stream of a thread's events
//! open; natter sends each change of its public comments as it commits.
//!
//! - The events themselves are rows written by triggers in the same
//!   transaction as the change (`store::events`), so a stream that resumes
//!   from its last event id misses nothing, also across a restart, for the
//!   hour they are kept.
//! - One dispatcher (`dispatch.rs`) wakes after each commit, reads the new
//!   events once, encodes each once, and hands the bytes to the streams of
//!   its thread through a broadcast channel per watched thread.
//! - Streams are counted per client address and in all; past either, a new
//!   one is refused (429). A stream's [`Slot`] gives its place back when the
//!   reader goes (the heartbeat finds readers who vanished).

mod dispatch;
mod frame;

use super::{App, Client, Located, PageQuery};
use crate::domain::{SiteId, ThreadKey};
use crate::error::Error;
use crate::store::events;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, watch};

pub use frame::Frame;

/// How many events a stream may fall behind before it is told to reload.
const CHANNEL: usize = 256;

/// How many kept events a resuming stream is sent at most; past that it is
/// told to reload, which is quicker for it than replaying them.
const BACKLOG: u32 = 500;

/// The open streams and the threads they watch.
#[derive(Clone)]
pub struct Live {
    inner: Arc<Inner>,
}

/// The channel of each watched thread.
type Channels = HashMap<(SiteId, ThreadKey), broadcast::Sender<Arc<Frame>>>;

struct Inner {
    counts: Mutex<Counts>,
    threads: Mutex<Channels>,
    closing: watch::Sender<bool>,
}

#[derive(Default)]
struct Counts {
    total: usize,
    by_client: HashMap<String, usize>,
}

/// What a new stream starts with, and what it then listens to.
pub struct Stream {
    /// Sent first: the `ready` (or `reset`) frame, then the events missed.
    pub first: Vec<Arc<Frame>>,
    /// Only frames with a larger id are new.
    pub after: i64,
    pub events: broadcast::Receiver<Arc<Frame>>,
    /// Resolves to true when natter stops: the stream ends then.
    pub closing: watch::Receiver<bool>,
    pub heartbeat: std::time::Duration,
    pub slot: Slot,
}

/// What a stream sends next.
pub enum Next {
    Frame(Arc<Frame>),
    /// It fell too far behind and missed events: the reader must reload.
    Reset,
}

impl Stream {
    /// The next event for this stream; none once natter stops.
    pub async fn next(&mut self) -> Option<Next> {
        loop {
            tokio::select! {
                got = self.events.recv() => match got {
                    Ok(f) if f.id <= self.after => continue,
                    Ok(f) => {
                        self.after = f.id;
                        return Some(Next::Frame(f));
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => return Some(Next::Reset),
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = self.closing.wait_for(|c| *c) => return None,
            }
        }
    }
}

/// A stream's place in the counts, given back when it drops.
pub struct Slot {
    live: Live,
    client: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut c = self.live.counts();
        c.total = c.total.saturating_sub(1);
        if let Some(n) = c.by_client.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                c.by_client.remove(&self.client);
            }
        }
    }
}

impl Default for Live {
    fn default() -> Live {
        Live {
            inner: Arc::new(Inner {
                counts: Mutex::default(),
                threads: Mutex::default(),
                closing: watch::Sender::new(false),
            }),
        }
    }
}

impl Live {
    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.inner.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn threads(&self) -> std::sync::MutexGuard<'_, Channels> {
        self.inner.threads.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many streams are open.
    pub fn open(&self) -> usize {
        self.counts().total
    }

    /// Ends every stream (natter is stopping); their readers reconnect.
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
    }

    /// Takes a place for a client's stream, within both limits.
    fn take_slot(&self, client: &Client, total: usize, per_client: usize) -> Result<Slot, Error> {
        let mut c = self.counts();
        let mine = c.by_client.get(&client.ip_key).copied().unwrap_or(0);
        if c.total >= total || mine >= per_client {
            return Err(Error::TooManyStreams);
        }
        c.total += 1;
        *c.by_client.entry(client.ip_key.clone()).or_default() += 1;
        Ok(Slot {
            live: self.clone(),
            client: client.ip_key.clone(),
        })
    }

    /// Listens to a thread's events (the channel is made on first use).
    fn listen(&self, site: &SiteId, key: &ThreadKey) -> broadcast::Receiver<Arc<Frame>> {
        let mut threads = self.threads();
        match threads.get(&(site.clone(), key.clone())) {
            Some(tx) => tx.subscribe(),
            None => {
                let (tx, rx) = broadcast::channel(CHANNEL);
                threads.insert((site.clone(), key.clone()), tx);
                rx
            }
        }
    }

    /// Hands a frame to the streams of its thread; forgets threads no one
    /// watches any more.
    fn send(&self, site: &SiteId, key: &ThreadKey, frame: Arc<Frame>) -> bool {
        let mut threads = self.threads();
        let k = (site.clone(), key.clone());
        let Some(tx) = threads.get(&k) else {
            return false;
        };
        if tx.send(frame).is_err() {
            threads.remove(&k);
            return false;
        }
        true
    }

    /// Whether anyone watches the thread.
    fn watched(&self, site: &SiteId, key: &ThreadKey) -> bool {
        self.threads()
            .get(&(site.clone(), key.clone()))
            .is_some_and(|tx| tx.receiver_count() > 0)
    }

    /// Forgets the threads no one watches.
    fn forget_unwatched(&self) {
        self.threads().retain(|_, tx| tx.receiver_count() > 0);
    }
}

impl App {
    /// `GET /api/events`: a stream of the page's thread from `since` (the
    /// stream's `Last-Event-ID`, or the thread answer's `event_id`); from
    /// now when neither is given.
    pub async fn events(
        &self,
        q: &PageQuery,
        client: &Client,
        since: Option<i64>,
    ) -> Result<Stream, Error> {
        let page = self.locate(q)?;
        self.check_origin(&page.site, client)?;
        let limits = self.config.limits;
        let slot =
            self.live
                .take_slot(client, limits.live_streams, limits.live_streams_per_client)?;
        // Listening first: what commits from here on arrives on the
        // channel, what committed before is read below.
        let events = self.live.listen(&page.site.id, &page.key);
        let (first, after) = self.catch_up(&page, since).await?;
        Ok(Stream {
            first,
            after,
            events,
            closing: self.live.inner.closing.subscribe(),
            heartbeat: limits.live_heartbeat,
            slot,
        })
    }

    /// The frames a stream starts with: `ready`, then the events after
    /// `since`; or `reset` when some of those are no longer kept.
    async fn catch_up(
        &self,
        page: &Located,
        since: Option<i64>,
    ) -> Result<(Vec<Arc<Frame>>, i64), Error> {
        let (site, key) = (page.site.id.clone(), page.key.clone());
        let (last, pruned, missed) = self
            .db
            .read(move |c| {
                let last = events::last_id(c)?;
                let pruned = events::pruned_through(c)?;
                let missed = match since {
                    Some(n) if n < last => events::in_thread_after(c, &site, &key, n, BACKLOG + 1)?,
                    _ => Vec::new(),
                };
                Ok((last, pruned, missed))
            })
            .await?;
        let since = since.filter(|&n| (0..=last).contains(&n));
        let lost = since.is_some_and(|n| n < pruned) || missed.len() > BACKLOG as usize;
        if lost || since.is_none() {
            let kind = if lost { "reset" } else { "ready" };
            return Ok((vec![Arc::new(Frame::control(last, kind))], last));
        }
        let mut first = vec![Arc::new(Frame::control(since.unwrap_or(last), "ready"))];
        let mut after = since.unwrap_or(last);
        let look = self.look(&page.site);
        for e in &missed {
            if let Some(f) = Frame::of(e, &self.keys, &look) {
                first.push(Arc::new(f));
            }
            after = e.id;
        }
        Ok((first, after.max(since.unwrap_or(last))))
    }

    /// Runs the dispatcher until natter stops (see `dispatch.rs`).
    pub async fn dispatch_events(self) {
        dispatch::run(self).await;
    }
}

/// The bytes of a heartbeat: a comment line, which browsers ignore.
pub const HEARTBEAT: &[u8] = b": \n\n";

/// The bytes of a `reset` for a stream that fell behind.
pub const RESET: &[u8] = b"event: reset\ndata: {}\n\n";
