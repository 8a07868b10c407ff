//! Moving discussions in and out (DESIGN §7): WordPress, Disqus, Isso and
//! natter's own JSON. Every import runs in one transaction: a bad file
//! leaves nothing behind, and each comment remembers its source id so that
//! importing the same file again adds nothing twice.

pub mod disqus;
pub mod isso;
pub mod json;
mod pages;
mod run;
mod sink;
mod staging;
mod summary;
pub mod wordpress;
mod xml;

pub use run::{Format, Options, run};
pub use sink::Sink;
pub use staging::Staging;
pub use summary::{Skipped, Summary};

use crate::domain::{Status, UnixTime};
use crate::render::SafeHtml;
use crate::store::StoreError;
use thiserror::Error;

/// Why an import stopped; nothing of it was kept.
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("{0}")]
    Io(String),
    #[error("line {line}: {reason}")]
    Malformed { line: u64, reason: String },
    #[error("{0}")]
    Invalid(String),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    /// Not an error: a dry run rolls back on purpose.
    #[error("dry run")]
    DryRun(Box<Summary>),
}

/// A client address as the source gives it.
#[derive(Debug, Clone)]
pub enum Ip {
    /// An address in the clear: natter stores only its keyed hash.
    Raw(String),
    /// Already natter's keyed hash (from a natter export).
    Hashed(String),
}

/// A comment read from a source, before it is stored.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The comment's id in the source, unique within the file.
    pub id: String,
    pub parent: Option<String>,
    pub status: Status,
    pub name: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub ip: Option<Ip>,
    pub text: String,
    pub html: SafeHtml,
    pub created: UnixTime,
    pub edited: Option<UnixTime>,
    pub likes: i64,
    pub dislikes: i64,
    /// The id to keep, when natter's own export is read into a database
    /// where it is free.
    pub preferred_id: Option<i64>,
}

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
