//! WordPress eXtended RSS (WXR 1.1 and 1.2), read as a stream: each `<item>`
//! with comments becomes a thread, keyed by its `<link>`.

use super::parse_time;
use super::xml::{Element, Phase, walk};
use crate::app::bulk::{ImportError, Incoming, Ip, Sink, Summary};
use crate::domain::{PageRef, Status};
use crate::render::{decode_entities, plain_text, render_wordpress};
use std::path::Path;

#[derive(Default)]
struct Item {
    title: Option<String>,
    link: Option<String>,
    post_id: Option<String>,
    /// `publish`, `draft`, `private`, `pending`, `future`, `trash`.
    status: String,
    password: String,
    /// `open` or `closed` to new comments.
    comment_status: String,
    comments: Vec<Incoming>,
    /// Ids of the comments that were skipped.
    skipped: Vec<String>,
}

#[derive(Default)]
struct Comment {
    id: String,
    parent: String,
    author: String,
    email: String,
    url: String,
    ip: String,
    date: String,
    date_gmt: String,
    content: String,
    approved: String,
    kind: String,
    line: u64,
}

/// Reads a WordPress export into the sink, one post at a time.
pub fn import(sink: &mut Sink<'_>, path: &Path) -> Result<Summary, ImportError> {
    let mut item: Option<Item> = None;
    let mut comment: Option<Comment> = None;
    let mut version: Option<String> = None;
    let mut saw_channel = false;
    walk(path, |stack, phase| {
        let el = stack.last().expect("an open element");
        let parent = stack.len().checked_sub(2).map(|i| stack[i].name.as_str());
        match (phase, el.name.as_str()) {
            (Phase::Start, "channel") => saw_channel = true,
            (Phase::Start, "item") => item = Some(Item::default()),
            (Phase::Start, "wp:comment") => {
                comment = Some(Comment {
                    line: el.line,
                    ..Comment::default()
                })
            }
            (Phase::End, "wp:wxr_version") => version = Some(el.text.trim().to_string()),
            (Phase::End, "wp:comment") => {
                if let (Some(c), Some(i)) = (comment.take(), item.as_mut()) {
                    let id = c.id.clone();
                    match convert(c, &mut sink.summary) {
                        Some(incoming) => i.comments.push(incoming),
                        None => i.skipped.push(id),
                    }
                }
            }
            (Phase::End, "item") => {
                if let Some(i) = item.take() {
                    finish_item(sink, i)?;
                }
            }
            (Phase::End, _) if parent == Some("wp:comment") => {
                if let Some(c) = comment.as_mut() {
                    field(c, el);
                }
            }
            (Phase::End, name) if parent == Some("item") => {
                if let Some(i) = item.as_mut() {
                    i.field(name, el.text.trim());
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    if !saw_channel {
        return Err(ImportError::Invalid(
            "this is not a WordPress export: it has no <channel>".into(),
        ));
    }
    if let Some(note) = version_note(version.as_deref()) {
        sink.summary.notes.push(note);
    }
    Ok(std::mem::take(&mut sink.summary))
}

/// What the summary says of a WXR version other than 1.1 and 1.2.
fn version_note(version: Option<&str>) -> Option<String> {
    match version {
        Some("1.1" | "1.2") => None,
        Some(v) => Some(format!("WXR version {v} was read as WXR 1.2")),
        None => Some("the file names no WXR version; it was read as WXR 1.2".into()),
    }
}

impl Item {
    /// Keeps one of the item's own elements (title, link, post id, status…).
    fn field(&mut self, name: &str, value: &str) {
        match name {
            "title" => self.title = Some(value.to_string()),
            "link" => self.link = Some(value.to_string()),
            "wp:post_id" => self.post_id = Some(value.to_string()).filter(|p| !p.is_empty()),
            "wp:status" => self.status = value.to_string(),
            "wp:post_password" => self.password = value.to_string(),
            "wp:comment_status" => self.comment_status = value.to_string(),
            _ => {}
        }
    }

    /// Whether readers could see the post. A file without post statuses
    /// (hand-made) is read as all published; attachments `inherit` their
    /// post's status.
    fn is_public(&self) -> bool {
        matches!(self.status.as_str(), "" | "publish" | "inherit") && self.password.is_empty()
    }

    fn status_named(&self) -> &str {
        match self.status.as_str() {
            "draft" | "auto-draft" => "drafts",
            "pending" => "awaiting review",
            "future" => "scheduled",
            "private" => "private",
            "trash" => "in the trash",
            other => other,
        }
    }
}

fn field(c: &mut Comment, el: &Element) {
    let text = el.text.clone();
    match el.name.as_str() {
        "wp:comment_id" => c.id = text.trim().into(),
        "wp:comment_parent" => c.parent = text.trim().into(),
        "wp:comment_author" => c.author = text,
        "wp:comment_author_email" => c.email = text,
        "wp:comment_author_url" => c.url = text,
        "wp:comment_author_IP" => c.ip = text,
        "wp:comment_date" => c.date = text,
        "wp:comment_date_gmt" => c.date_gmt = text,
        "wp:comment_content" => c.content = text,
        "wp:comment_approved" => c.approved = text.trim().into(),
        "wp:comment_type" => c.kind = text.trim().into(),
        _ => {}
    }
}

/// A WordPress comment as natter stores it, or `None` (counted as skipped).
fn convert(c: Comment, summary: &mut Summary) -> Option<Incoming> {
    match c.kind.as_str() {
        // WooCommerce's product reviews are readers' comments too.
        "" | "comment" | "review" => {}
        "pingback" | "trackback" => {
            summary.skip("pingbacks and trackbacks (notices of links from other sites, not part of the conversation)");
            return None;
        }
        "note" => {
            summary
                .skip("editorial notes (notes between a post's editors, never shown to readers)");
            return None;
        }
        other => {
            summary.skip(format!(
                "of the type {other:?}, which is not a reader's comment"
            ));
            return None;
        }
    }
    let status = match c.approved.as_str() {
        "1" | "approve" | "approved" => Status::Published,
        "0" | "hold" => Status::Pending,
        "spam" => Status::Spam,
        "trash" | "post-trashed" => {
            summary.skip("in the trash");
            return None;
        }
        _ => {
            summary.skip_at(
                "with an approval status that is not 1, 0, spam or trash, so natter cannot tell whether it was published",
                c.line,
            );
            return None;
        }
    };
    if c.content.trim().is_empty() {
        summary.skip("with no text");
        return None;
    }
    // `comment_date_gmt` is all zeros for some old comments: the local
    // `comment_date` is the only time they have.
    let Some(created) = parse_time(&c.date_gmt)
        .filter(|t| *t > 0)
        .or_else(|| parse_time(&c.date).filter(|t| *t > 0))
    else {
        summary.skip_at("with a date that cannot be read", c.line);
        return None;
    };
    let html = render_wordpress(&c.content);
    Some(Incoming {
        id: c.id,
        parent: Some(c.parent),
        status,
        // WordPress stores names and addresses HTML-escaped.
        name: Some(decode_entities(&c.author)),
        email: Some(c.email),
        website: Some(decode_entities(&c.url)),
        ip: Some(c.ip).filter(|ip| !ip.trim().is_empty()).map(Ip::Raw),
        text: plain_text(&html),
        html,
        created,
        edited: None,
        likes: 0,
        dislikes: 0,
        preferred_id: None,
    })
}

fn finish_item(sink: &mut Sink<'_>, mut item: Item) -> Result<(), ImportError> {
    if item.comments.is_empty() {
        return Ok(());
    }
    // Readers saw no comments of a post that is not public: keep them, held.
    if !item.is_public() {
        let why = if item.password.is_empty() {
            format!("on posts that are not public ({})", item.status_named())
        } else {
            "on password-protected posts".to_string()
        };
        for c in item
            .comments
            .iter_mut()
            .filter(|c| c.status == Status::Published)
        {
            c.status = Status::Pending;
            sink.summary.hold(why.clone());
        }
    }
    let public = item.is_public();
    let link = item.link.take().filter(|l| !l.is_empty()).ok_or_else(|| {
        ImportError::Invalid(format!(
            "the post {:?} has comments but no <link>, so natter cannot tell which page they belong to",
            item.title.as_deref().unwrap_or("")
        ))
    })?;
    let (key, url) = if public || PageRef::parse(&link).is_err() {
        sink.key_of(&link)?
    } else {
        sink.key_of_unpublished(&link)?
    };
    let thread = sink.thread(&key, &url, item.title.as_deref())?;
    if item.comment_status == "closed" {
        sink.lock_if_new(thread)?;
    }
    let source_thread = item.post_id.as_deref().unwrap_or(&link);
    sink.skipped_ids.extend(item.skipped);
    sink.comments(thread, source_thread, item.comments)
}
