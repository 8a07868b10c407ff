//! Isso, as its readers saw it: an Isso SQLite database, or a file in the
//! generic JSON format that `isso import -t generic` reads.
//!
//! Isso stores names, emails and websites HTML-escaped and shows them as
//! HTML, so they are unescaped once here; it keeps comment text as typed
//! and shows it as Markdown with hard wraps (a single newline is a line
//! break), which [`render_hard_wrap`] reproduces.

use super::{ImportError, Incoming, Ip, Sink, Summary, parse_time};
use crate::domain::{Status, UnixTime};
use crate::render::{decode_entities, render_hard_wrap, render_legacy_html};
use crate::store::{isso::IssoComment, isso::IssoDb};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Unexpected, Visitor};
use std::fmt;
use std::io::{BufReader, Read};
use std::path::Path;

/// Imports an Isso database, one thread at a time.
pub fn import(sink: &mut Sink<'_>, path: &Path) -> Result<Summary, ImportError> {
    let unreadable = |e: crate::store::StoreError| {
        ImportError::Invalid(format!(
            "{} is not an Isso database that natter can read ({e})",
            path.display()
        ))
    };
    let db = IssoDb::open(path).map_err(unreadable)?;
    db.each_thread(unreadable, |thread, comments| {
        let list: Vec<Incoming> = comments
            .into_iter()
            .filter_map(|c| incoming(sink, c))
            .collect();
        let (key, url) = sink.key_of(&thread.uri)?;
        let id = sink.thread(&key, &url, thread.title.as_deref())?;
        sink.comments(id, &thread.uri, list)
    })?;
    for _ in 0..db.comments_without_thread().map_err(unreadable)? {
        sink.summary.skip("of a thread that is not in the database");
    }
    Ok(std::mem::take(&mut sink.summary))
}

/// One Isso comment as natter stores it, or `None` (counted as skipped).
fn incoming(sink: &mut Sink<'_>, c: IssoComment) -> Option<Incoming> {
    let status = match c.mode {
        1 => Status::Published,
        2 => Status::Pending,
        4 => Status::Deleted,
        other => {
            sink.summary
                .skip(format!("with an unknown Isso mode {other}"));
            return None;
        }
    };
    let text = if status == Status::Deleted {
        String::new()
    } else {
        c.text.unwrap_or_default()
    };
    if status != Status::Deleted && text.trim().is_empty() {
        sink.summary.skip("with no text");
        return None;
    }
    Some(Incoming {
        id: c.id.to_string(),
        parent: c.parent.map(|p| p.to_string()),
        status,
        name: c.author.as_deref().map(decode_entities),
        email: c.email.as_deref().map(decode_entities),
        website: c.website.as_deref().map(decode_entities),
        ip: c.remote_addr.filter(|a| !a.is_empty()).map(Ip::Raw),
        html: html_of(&text),
        text,
        created: c.created as i64,
        edited: c.modified.map(|m| m as i64),
        likes: c.likes,
        dislikes: c.dislikes,
        preferred_id: None,
    })
}

fn html_of(text: &str) -> crate::render::SafeHtml {
    if text.is_empty() {
        render_legacy_html("")
    } else {
        render_hard_wrap(text)
    }
}

/// What a generic file is, for error messages.
const GENERIC_FORM: &str = "an Isso generic file is a JSON array of threads \
    {\"id\": page path, \"title\", \"comments\": [{\"id\", \"author\", \"email\", \
    \"website\", \"remote_addr\", \"created\": \"YYYY-MM-DD HH:MM:SS\", \"text\"}]}";

/// Whether a file starts, after white space, with `[`: Isso's generic
/// format (an Isso database starts `SQLite format 3`, natter's export `{`).
pub fn is_generic(path: &Path) -> Result<bool, ImportError> {
    let file = std::fs::File::open(path)
        .map_err(|e| ImportError::Io(format!("cannot read {}: {e}", path.display())))?;
    for byte in BufReader::new(file).bytes() {
        let byte =
            byte.map_err(|e| ImportError::Io(format!("cannot read {}: {e}", path.display())))?;
        if !byte.is_ascii_whitespace() {
            return Ok(byte == b'[');
        }
    }
    Ok(false)
}

/// Imports a file in Isso's generic JSON format (`Generic` in Isso's
/// `isso/migrate.py`), reading one thread at a time.
///
/// The format is flat: every comment is published at top level, as Isso
/// imports it. Comment ids repeat across threads, so a comment is known by
/// its thread's id (the page path) and its own. `created` carries no time
/// zone (Isso reads it in the local time of the machine importing it);
/// natter reads it as UTC. Names, emails and websites are unescaped once
/// and text rendered as Isso's Markdown, since that is how Isso shows what
/// it imported.
pub fn import_generic(sink: &mut Sink<'_>, path: &Path) -> Result<Summary, ImportError> {
    let file = std::fs::File::open(path)
        .map_err(|e| ImportError::Io(format!("cannot read {}: {e}", path.display())))?;
    let mut de = serde_json::Deserializer::from_reader(BufReader::new(file));
    let mut stopped = None;
    let read = Threads {
        sink: &mut *sink,
        stopped: &mut stopped,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    if let Some(e) = stopped {
        return Err(e);
    }
    read.map_err(|e| malformed(&e))?;
    Ok(std::mem::take(&mut sink.summary))
}

fn malformed(e: &serde_json::Error) -> ImportError {
    let full = e.to_string();
    let what = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(what, _)| what);
    ImportError::Malformed {
        line: e.line() as u64,
        reason: format!("{what}; {GENERIC_FORM}"),
    }
}

/// The top-level array, handing each thread to the sink as it is read.
/// A sink error is kept in `stopped` and ends the reading.
struct Threads<'s, 'a> {
    sink: &'s mut Sink<'a>,
    stopped: &'s mut Option<ImportError>,
}

impl<'de> DeserializeSeed<'de> for Threads<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Threads<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array of threads")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(thread) = seq.next_element::<GenericThread>()? {
            if let Err(e) = store_thread(self.sink, thread) {
                *self.stopped = Some(e);
                return Err(de::Error::custom("the import stopped"));
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct GenericThread {
    id: String,
    #[serde(default)]
    title: Option<String>,
    comments: Vec<GenericComment>,
}

#[derive(Deserialize)]
struct GenericComment {
    #[serde(deserialize_with = "comment_id")]
    id: u64,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    website: Option<String>,
    #[serde(default)]
    remote_addr: Option<String>,
    #[serde(deserialize_with = "created")]
    created: UnixTime,
    text: String,
}

fn store_thread(sink: &mut Sink<'_>, thread: GenericThread) -> Result<(), ImportError> {
    let mut comments = thread.comments;
    comments.sort_by_key(|c| c.id);
    let mut list = Vec::with_capacity(comments.len());
    for c in comments {
        if c.text.trim().is_empty() {
            sink.summary.skip("with no text");
            continue;
        }
        list.push(Incoming {
            id: c.id.to_string(),
            parent: None,
            status: Status::Published,
            name: c.author.as_deref().map(decode_entities),
            email: c.email.as_deref().map(decode_entities),
            website: c.website.as_deref().map(decode_entities),
            ip: c.remote_addr.filter(|a| !a.is_empty()).map(Ip::Raw),
            html: html_of(&c.text),
            text: c.text,
            created: c.created,
            edited: None,
            likes: 0,
            dislikes: 0,
            preferred_id: None,
        });
    }
    if list.is_empty() {
        return Ok(());
    }
    let (key, url) = sink.key_of(&thread.id)?;
    let id = sink.thread(&key, &url, thread.title.as_deref())?;
    sink.comments(id, &thread.id, list)
}

/// A comment id: Isso takes `int(id)`, so a whole number or a string of one.
fn comment_id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    struct Id;
    impl Visitor<'_> for Id {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a comment id that is a whole number")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
            v.trim()
                .parse()
                .map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
        }
    }
    d.deserialize_any(Id)
}

/// `created` as Isso's generic format writes it, `YYYY-MM-DD HH:MM:SS`.
fn created<'de, D: Deserializer<'de>>(d: D) -> Result<UnixTime, D::Error> {
    let s = String::deserialize(d)?;
    parse_time(&s).ok_or_else(|| {
        de::Error::custom(format!(
            "the date {s:?} is not in the form YYYY-MM-DD HH:MM:SS"
        ))
    })
}
