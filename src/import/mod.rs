//! Moving discussions in (DESIGN §7): WordPress, Disqus, Isso and natter's
//! own JSON. The parsers here only read their formats into
//! [`Incoming`](crate::app::bulk::Incoming) comments and hand them to the
//! sink of [`App::bulk`](crate::app::App::bulk), which stores them in one
//! transaction: a bad file leaves nothing behind, and each comment
//! remembers its source id so that importing the same file again adds
//! nothing twice.

pub mod disqus;
pub mod isso;
pub mod json;
mod run;
pub mod wordpress;
mod xml;

pub use run::{Format, Options, run};

use crate::domain::UnixTime;

/// Reads the peak memory of this process (Linux), for the summary.
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

/// Parses `YYYY-MM-DD HH:MM:SS` (as UTC) or RFC 3339.
pub fn parse_time(s: &str) -> Option<UnixTime> {
    let s = s.trim();
    if let Ok(t) = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Some(t.unix_timestamp());
    }
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(s, &format)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}
