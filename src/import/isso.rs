//! An Isso SQLite database: its threads are page paths, its comments
//! Markdown, which natter renders as it renders its own.

use super::{ImportError, Incoming, Ip, Sink, Summary};
use crate::domain::Status;
use crate::render::{render, render_legacy_html};
use crate::store::isso;
use std::collections::BTreeMap;
use std::path::Path;

pub fn import(sink: &mut Sink<'_>, path: &Path) -> Result<Summary, ImportError> {
    let (threads, comments) = isso::read(path).map_err(|e| {
        ImportError::Invalid(format!(
            "{} is not an Isso database that natter can read ({e})",
            path.display()
        ))
    })?;
    let mut by_thread: BTreeMap<i64, Vec<Incoming>> = BTreeMap::new();
    for c in comments {
        let status = match c.mode {
            1 => Status::Published,
            2 => Status::Pending,
            4 => Status::Deleted,
            other => {
                sink.summary
                    .skip(format!("with an unknown Isso mode {other}"));
                continue;
            }
        };
        let text = if status == Status::Deleted {
            String::new()
        } else {
            c.text.unwrap_or_default()
        };
        if status != Status::Deleted && text.trim().is_empty() {
            sink.summary.skip("with no text");
            continue;
        }
        let html = if text.is_empty() {
            render_legacy_html("")
        } else {
            render(&text)
        };
        by_thread.entry(c.thread).or_default().push(Incoming {
            id: c.id.to_string(),
            parent: c.parent.map(|p| p.to_string()),
            status,
            name: c.author,
            email: c.email,
            website: c.website,
            ip: c.remote_addr.filter(|a| !a.is_empty()).map(Ip::Raw),
            text,
            html,
            created: c.created as i64,
            edited: c.modified.map(|m| m as i64),
            likes: c.likes,
            dislikes: c.dislikes,
            preferred_id: None,
        });
    }
    for t in threads {
        let Some(list) = by_thread.remove(&t.id) else {
            continue;
        };
        let (key, url) = sink.key_of(&t.uri)?;
        let thread = sink.thread(&key, &url, t.title.as_deref())?;
        sink.comments(thread, &t.uri, list)?;
    }
    for list in by_thread.into_values() {
        for _ in list {
            sink.summary.skip("of a thread that is not in the database");
        }
    }
    Ok(std::mem::take(&mut sink.summary))
}
