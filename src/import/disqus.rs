//! Disqus's XML export: `<thread>` elements give pages, `<post>` elements
//! give comments with their thread and parent by `dsq:id`. Posts of a
//! thread are spread over the file, so each is staged as it is read and the
//! threads are stored one at a time afterwards: memory holds one thread.

use super::parse_time;
use super::xml::{Element, Phase, walk};
use crate::app::bulk::{ImportError, Incoming, Ip, Sink, Staging, Summary};
use crate::domain::Status;
use crate::render::{plain_text, render_legacy_html};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

#[derive(Default)]
struct Thread {
    link: String,
    title: String,
    closed: Flag,
    deleted: Flag,
}

#[derive(Default, Serialize, Deserialize)]
struct Post {
    id: String,
    /// The `<id>` element: the identifier of a post Disqus imported itself.
    own_id: String,
    thread: String,
    parent: Option<String>,
    message: String,
    created: String,
    deleted: Flag,
    spam: Flag,
    name: String,
    email: String,
    ip: String,
    line: u64,
}

/// A `true`/`false` element; anything else cannot be trusted either way.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Flag {
    #[default]
    No,
    Yes,
    Unreadable(String),
}

impl Flag {
    fn parse(text: &str) -> Flag {
        match text.trim() {
            "true" | "1" => Flag::Yes,
            "false" | "0" | "" => Flag::No,
            other => Flag::Unreadable(other.chars().take(40).collect()),
        }
    }
}

/// What the walk over the file has read so far: the threads, and the
/// thread or post open now.
#[derive(Default)]
struct Reading {
    threads: HashMap<String, Thread>,
    thread: Option<(String, Thread)>,
    post: Option<Post>,
    saw_root: bool,
}

/// Reads a Disqus export into the sink, staging posts until the file is
/// read, then storing the threads one at a time.
pub fn import(sink: &mut Sink<'_>, path: &Path) -> Result<Summary, ImportError> {
    let staging = sink.staging()?;
    let mut reading = Reading::default();
    walk(path, |stack, phase| match phase {
        Phase::Start => {
            reading.start(stack);
            Ok(())
        }
        Phase::End => reading.end(stack, &staging),
    })?;
    if !reading.saw_root {
        return Err(ImportError::Invalid(
            "this is not a Disqus export: it has no <disqus> root".into(),
        ));
    }
    store_threads(sink, &staging, &reading.threads)?;
    staging.finish()?;
    Ok(std::mem::take(&mut sink.summary))
}

impl Reading {
    fn start(&mut self, stack: &[Element]) {
        let el = stack.last().expect("an open element");
        let parent = stack.len().checked_sub(2).map(|i| stack[i].name.as_str());
        let id = || el.attr("dsq:id").unwrap_or_default();
        match (el.name.as_str(), stack.len()) {
            ("disqus", 1) => self.saw_root = true,
            ("thread", 2) => self.thread = Some((id().to_string(), Thread::default())),
            ("post", 2) => {
                self.post = Some(Post {
                    id: id().trim().to_string(),
                    line: el.line,
                    ..Default::default()
                });
            }
            ("thread", 3) if parent == Some("post") => {
                if let Some(p) = self.post.as_mut() {
                    p.thread = id().to_string();
                }
            }
            ("parent", 3) if parent == Some("post") => {
                if let Some(p) = self.post.as_mut() {
                    p.parent = el.attr("dsq:id").map(str::to_string);
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, stack: &[Element], staging: &Staging<'_>) -> Result<(), ImportError> {
        let el = stack.last().expect("an open element");
        let parent = stack.len().checked_sub(2).map(|i| stack[i].name.as_str());
        match (el.name.as_str(), stack.len()) {
            ("thread", 2) => {
                if let Some((id, t)) = self.thread.take() {
                    self.threads.insert(id, t);
                }
            }
            ("post", 2) => {
                if let Some(p) = self.post.take() {
                    staging.put(&p.thread, &p)?;
                }
            }
            (name, 3) if parent == Some("thread") => {
                if let Some((_, t)) = self.thread.as_mut() {
                    t.field(name, &el.text);
                }
            }
            (name, 3) if parent == Some("post") => {
                if let Some(p) = self.post.as_mut() {
                    p.field(name, &el.text);
                }
            }
            (name, 4) if parent == Some("author") && stack[1].name == "post" => {
                if let Some(p) = self.post.as_mut() {
                    match name {
                        "name" => p.name = el.text.clone(),
                        "email" => p.email = el.text.clone(),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

impl Thread {
    fn field(&mut self, name: &str, text: &str) {
        match name {
            "link" => self.link = text.trim().to_string(),
            "title" => self.title = text.trim().to_string(),
            "isClosed" => self.closed = Flag::parse(text),
            "isDeleted" => self.deleted = Flag::parse(text),
            _ => {}
        }
    }
}

impl Post {
    fn field(&mut self, name: &str, text: &str) {
        match name {
            "id" => self.own_id = text.trim().to_string(),
            "message" => self.message = text.to_string(),
            "createdAt" => self.created = text.to_string(),
            "isDeleted" => self.deleted = Flag::parse(text),
            "isSpam" => self.spam = Flag::parse(text),
            "ipAddress" => self.ip = text.to_string(),
            _ => {}
        }
    }
}

/// Stores the staged threads, in the order the file first named them.
fn store_threads(
    sink: &mut Sink<'_>,
    staging: &Staging<'_>,
    threads: &HashMap<String, Thread>,
) -> Result<(), ImportError> {
    for thread_id in staging.threads()? {
        let list: Vec<Post> = staging.take(&thread_id)?;
        let Some(t) = threads.get(&thread_id).filter(|t| !t.link.is_empty()) else {
            for _ in &list {
                sink.summary
                    .skip("posts of a thread that is not in the file");
            }
            continue;
        };
        if t.deleted != Flag::No {
            for _ in &list {
                sink.summary
                    .skip("posts of threads deleted in Disqus (readers no longer saw them)");
            }
            continue;
        }
        let incoming = convert_thread(list, sink);
        if incoming.is_empty() {
            continue;
        }
        let (key, url) = sink.key_of(&t.link)?;
        let thread = sink.thread(&key, &url, Some(&t.title))?;
        if t.closed == Flag::Yes {
            sink.lock_if_new(thread)?;
        }
        sink.comments(thread, &thread_id, incoming)?;
    }
    Ok(())
}

/// A thread's posts as natter stores them. A post without an id is still
/// a comment of its own: it is named by what it says and when, so that
/// reading the file again finds it again.
fn convert_thread(list: Vec<Post>, sink: &mut Sink<'_>) -> Vec<Incoming> {
    let mut unnamed: HashMap<String, u32> = HashMap::new();
    let mut out = Vec::with_capacity(list.len());
    for mut p in list {
        if p.id.is_empty() {
            p.id = if p.own_id.is_empty() {
                let base = format!(
                    "unnamed-{}",
                    crate::keys::digest(&[&p.created, &p.name, &p.email, &p.message])
                );
                let seen = unnamed.entry(base.clone()).or_default();
                *seen += 1;
                format!("{base}-{seen}")
            } else {
                format!("id-{}", p.own_id)
            };
        }
        let id = p.id.clone();
        match convert(p, &mut sink.summary) {
            Some(c) => out.push(c),
            None => {
                sink.skipped_ids.insert(id);
            }
        }
    }
    out
}

fn convert(p: Post, summary: &mut Summary) -> Option<Incoming> {
    let status = match (&p.deleted, &p.spam) {
        (Flag::Unreadable(v), _) | (_, Flag::Unreadable(v)) => {
            summary.skip_at(
                format!("with a deleted or spam flag that is neither true nor false (like {v:?})"),
                p.line,
            );
            return None;
        }
        (Flag::Yes, _) => Status::Deleted,
        (Flag::No, Flag::Yes) => Status::Spam,
        (Flag::No, Flag::No) => Status::Published,
    };
    let Some(created) = parse_time(&p.created).filter(|t| *t > 0) else {
        summary.skip_at("with a date that cannot be read", p.line);
        return None;
    };
    if status != Status::Deleted && p.message.trim().is_empty() {
        summary.skip("with no text");
        return None;
    }
    let html = render_legacy_html(&p.message);
    Some(Incoming {
        id: p.id,
        parent: p.parent,
        status,
        name: Some(p.name),
        email: Some(p.email),
        website: None,
        ip: Some(p.ip).filter(|ip| !ip.trim().is_empty()).map(Ip::Raw),
        text: plain_text(&html),
        html,
        created,
        edited: None,
        likes: 0,
        dislikes: 0,
        preferred_id: None,
    })
}
