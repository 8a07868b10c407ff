//! `[limits]`: how long a connection may take and how many may be open.

use crate::domain::site::parse_duration;
use serde::Deserialize;

/// How long a connection may take and how many may be open (DESIGN §14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A request's headers must arrive within this, from its first byte (or
    /// from connecting, for the first request).
    pub header_timeout: std::time::Duration,
    /// A request's body must arrive within this, from the end of its headers.
    pub body_timeout: std::time::Duration,
    /// A keep-alive connection with nothing to do is closed after this.
    pub idle_timeout: std::time::Duration,
    /// Connections open at once; past it new ones are closed at once.
    pub max_connections: usize,
    /// How long stopping waits for requests in flight before closing them.
    pub shutdown_grace: std::time::Duration,
    /// Live event streams open at once, in all (each holds a connection,
    /// so fewer than `max_connections`), and from one client address.
    pub live_streams: usize,
    pub live_streams_per_client: usize,
    /// How often an idle event stream gets a heartbeat, which also finds
    /// readers who went away.
    pub live_heartbeat: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: std::time::Duration::from_secs(10),
            body_timeout: std::time::Duration::from_secs(30),
            idle_timeout: std::time::Duration::from_secs(60),
            // Below the common open-file limit of 1,024, leaving room for
            // the database, the log and outbound mail and webhooks.
            max_connections: 768,
            shutdown_grace: std::time::Duration::from_secs(10),
            live_streams: 512,
            live_streams_per_client: 8,
            live_heartbeat: std::time::Duration::from_secs(25),
        }
    }
}

/// `[limits]` as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LimitsFile {
    header_timeout: Option<String>,
    body_timeout: Option<String>,
    idle_timeout: Option<String>,
    max_connections: Option<usize>,
    shutdown_grace: Option<String>,
    live_streams: Option<usize>,
    live_streams_per_client: Option<usize>,
    live_heartbeat: Option<String>,
}

impl LimitsFile {
    /// The limits, each given one defaulted; every timeout at least 1 s.
    pub(super) fn parse(self) -> Result<Limits, String> {
        let d = Limits::default();
        let secs = |name: &str, v: Option<String>, default: std::time::Duration| match v {
            None => Ok(default),
            Some(v) => match parse_duration(&v) {
                Ok(0) => Err(format!(
                    "[limits] {name} = {v:?} would never wait: write at least 1s, like {}s",
                    default.as_secs()
                )),
                Ok(s) => Ok(std::time::Duration::from_secs(u64::from(s))),
                Err(e) => Err(format!("[limits] {name}: {e}")),
            },
        };
        let max_connections = match self.max_connections {
            Some(0) => {
                return Err(
                    "[limits] max_connections = 0 would refuse everyone: write at least 1, like 768"
                        .into(),
                );
            }
            Some(n) => n,
            None => d.max_connections,
        };
        // Two of every three connections by default, so that streams never
        // keep readers from loading a page.
        let live_streams = self.live_streams.unwrap_or(max_connections * 2 / 3);
        if live_streams >= max_connections {
            return Err(format!(
                "[limits] live_streams = {live_streams} would let event streams take every \
                 connection (max_connections = {max_connections}): write fewer, like {}",
                max_connections * 2 / 3
            ));
        }
        let live_streams_per_client = self
            .live_streams_per_client
            .unwrap_or(d.live_streams_per_client);
        if live_streams_per_client == 0 {
            return Err(
                "[limits] live_streams_per_client = 0 would refuse every stream: write at \
                 least 1, like 8"
                    .into(),
            );
        }
        Ok(Limits {
            header_timeout: secs("header_timeout", self.header_timeout, d.header_timeout)?,
            body_timeout: secs("body_timeout", self.body_timeout, d.body_timeout)?,
            idle_timeout: secs("idle_timeout", self.idle_timeout, d.idle_timeout)?,
            max_connections,
            shutdown_grace: secs("shutdown_grace", self.shutdown_grace, d.shutdown_grace)?,
            live_streams,
            live_streams_per_client,
            live_heartbeat: secs("live_heartbeat", self.live_heartbeat, d.live_heartbeat)?,
        })
    }
}
