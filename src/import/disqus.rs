//! Disqus's XML export: `<thread>` elements give pages, `<post>` elements
//! give comments with their thread and parent by `dsq:id`.

use super::xml::{Phase, walk};
use super::{ImportError, Incoming, Ip, Sink, Summary, parse_time};
use crate::domain::Status;
use crate::render::{plain_text, render_legacy_html};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

#[derive(Default)]
struct Thread {
    link: String,
    title: String,
}

#[derive(Default)]
struct Post {
    id: String,
    thread: String,
    parent: Option<String>,
    message: String,
    created: String,
    deleted: bool,
    spam: bool,
    name: String,
    email: String,
    ip: String,
}

pub fn import(sink: &mut Sink<'_>, path: &Path) -> Result<Summary, ImportError> {
    let mut threads: HashMap<String, Thread> = HashMap::new();
    // Posts by thread id, in file order (kept ordered for a stable import).
    let mut posts: BTreeMap<String, Vec<Post>> = BTreeMap::new();
    let mut thread: Option<(String, Thread)> = None;
    let mut post: Option<Post> = None;
    let mut saw_root = false;
    walk(path, |stack, phase| {
        let el = stack.last().expect("an open element");
        let depth = stack.len();
        let parent = depth.checked_sub(2).map(|i| stack[i].name.as_str());
        match (phase, el.name.as_str(), depth) {
            (Phase::Start, "disqus", 1) => saw_root = true,
            (Phase::Start, "thread", 2) => {
                thread = Some((
                    el.attr("dsq:id").unwrap_or_default().to_string(),
                    Thread::default(),
                ));
            }
            (Phase::End, "thread", 2) => {
                if let Some((id, t)) = thread.take() {
                    threads.insert(id, t);
                }
            }
            (Phase::Start, "post", 2) => {
                post = Some(Post {
                    id: el.attr("dsq:id").unwrap_or_default().to_string(),
                    ..Default::default()
                });
            }
            (Phase::End, "post", 2) => {
                if let Some(p) = post.take() {
                    posts.entry(p.thread.clone()).or_default().push(p);
                }
            }
            (Phase::End, name, 3) if parent == Some("thread") => {
                if let Some((_, t)) = thread.as_mut() {
                    match name {
                        "link" => t.link = el.text.trim().to_string(),
                        "title" => t.title = el.text.trim().to_string(),
                        _ => {}
                    }
                }
            }
            (Phase::Start, "thread", 3) if parent == Some("post") => {
                if let Some(p) = post.as_mut() {
                    p.thread = el.attr("dsq:id").unwrap_or_default().to_string();
                }
            }
            (Phase::Start, "parent", 3) if parent == Some("post") => {
                if let Some(p) = post.as_mut() {
                    p.parent = el.attr("dsq:id").map(str::to_string);
                }
            }
            (Phase::End, name, 3) if parent == Some("post") => {
                if let Some(p) = post.as_mut() {
                    let text = el.text.clone();
                    match name {
                        "message" => p.message = text,
                        "createdAt" => p.created = text,
                        "isDeleted" => p.deleted = text.trim() == "true",
                        "isSpam" => p.spam = text.trim() == "true",
                        "ipAddress" => p.ip = text,
                        _ => {}
                    }
                }
            }
            (Phase::End, name, 4) if parent == Some("author") && stack[1].name == "post" => {
                if let Some(p) = post.as_mut() {
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
    })?;
    if !saw_root {
        return Err(ImportError::Invalid(
            "this is not a Disqus export: it has no <disqus> root".into(),
        ));
    }
    for (thread_id, list) in posts {
        let Some(t) = threads.get(&thread_id).filter(|t| !t.link.is_empty()) else {
            for _ in &list {
                sink.summary
                    .skip("posts of a thread that is not in the file");
            }
            continue;
        };
        let incoming: Vec<Incoming> = list
            .into_iter()
            .filter_map(|p| convert(p, &mut sink.summary))
            .collect();
        if incoming.is_empty() {
            continue;
        }
        let (key, url) = sink.key_of(&t.link)?;
        let thread = sink.thread(&key, &url, Some(&t.title))?;
        sink.comments(thread, &thread_id, incoming)?;
    }
    Ok(std::mem::take(&mut sink.summary))
}

fn convert(p: Post, summary: &mut Summary) -> Option<Incoming> {
    let status = match (p.deleted, p.spam) {
        (true, _) => Status::Deleted,
        (false, true) => Status::Spam,
        (false, false) => Status::Published,
    };
    if status != Status::Deleted && p.message.trim().is_empty() {
        summary.skip("with no text");
        return None;
    }
    let html = if status == Status::Deleted {
        render_legacy_html("")
    } else {
        render_legacy_html(&p.message)
    };
    Some(Incoming {
        id: p.id,
        parent: p.parent,
        status,
        name: Some(p.name),
        email: if status == Status::Deleted {
            None
        } else {
            Some(p.email)
        },
        website: None,
        ip: Some(p.ip).filter(|ip| !ip.trim().is_empty()).map(Ip::Raw),
        text: plain_text(&html),
        html,
        created: parse_time(&p.created).unwrap_or(0),
        edited: None,
        likes: 0,
        dislikes: 0,
        preferred_id: None,
    })
}
