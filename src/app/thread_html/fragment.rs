//! A page of a thread as HTML: the widget's own markup (`comment()` and
//! `tree()` in widget/embed.js) with schema.org `Comment` microdata and no
//! buttons. Every value is escaped here; a comment's body is the stored,
//! sanitised HTML, put in as it is. Reply chains may be any depth, so the
//! thread is walked with a stack, never by recursion.

use super::words::Words;
use crate::app::view::{CommentView, ThreadAnswer};
use crate::domain::{CommentId, Status};
use crate::render::escape;
use std::collections::HashMap;
use std::fmt::Write;

const REL: &str = "nofollow ugc noopener noreferrer";

/// How a thread is shown: where its links go.
pub struct Shown<'a> {
    pub words: Words,
    /// natter's base, for the avatars' absolute addresses.
    pub base: &'a url::Url,
    /// The site's display depth: deeper replies are shown flat.
    pub max_depth: u8,
    /// The address of a comment's reply form (on the no-JS page), if it
    /// has one.
    pub reply: Option<&'a dyn Fn(CommentId) -> String>,
    /// The address of the next page, if there is one.
    pub more: Option<String>,
    /// The `target` of natter's own links (` target="_self"` on a page
    /// whose other links open elsewhere), or nothing.
    pub own_target: &'a str,
}

/// What is left to write while walking the thread.
enum Step<'a> {
    Comment(&'a CommentView, usize),
    Close(&'static str),
}

/// The thread's `<section>`.
pub fn thread(answer: &ThreadAnswer, shown: &Shown) -> String {
    let w = shown.words;
    let mut out = String::with_capacity(1024 + answer.comments.len() * 1024);
    let _ = write!(
        out,
        "<section class=\"natter-thread\" data-natter-html lang=\"{}\" dir=\"{}\">\n<h2 class=\"n-count\">{}</h2>\n",
        w.lang(),
        w.dir(),
        escape(&w.n("count", answer.thread.count))
    );
    if answer.comments.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"n-muted\">{}</p>",
            escape(&w.t("empty", &[]))
        );
    }
    out.push_str("<ol class=\"n-list\">");
    let depth = usize::from(shown.max_depth.max(1));
    let mut names: HashMap<CommentId, &str> = HashMap::new();
    let mut stack: Vec<Step> = answer
        .comments
        .iter()
        .rev()
        .map(|c| Step::Comment(c, 1))
        .collect();
    while let Some(step) = stack.pop() {
        let (c, level) = match step {
            Step::Close(tags) => {
                out.push_str(tags);
                continue;
            }
            Step::Comment(c, level) => (c, level),
        };
        names.insert(c.id, &c.author.name);
        let reply_to = (level > depth).then(|| {
            c.parent
                .and_then(|p| names.get(&p).copied())
                .unwrap_or_default()
        });
        out.push_str("<li>");
        comment(&mut out, c, reply_to, answer.thread.locked, shown);
        let children = c.replies.iter().rev().map(|r| Step::Comment(r, level + 1));
        if level < depth && !c.replies.is_empty() {
            out.push_str("<ol class=\"n-list n-sub\">");
            stack.push(Step::Close("</ol></li>"));
            stack.extend(children);
        } else {
            // At the display depth, replies follow as the comment's siblings.
            stack.extend(children);
            stack.push(Step::Close("</li>"));
        }
    }
    out.push_str("</ol>\n");
    if let Some(more) = &shown.more {
        let _ = writeln!(
            out,
            "<p><a class=\"n-more\" href=\"{}\"{}>{}</a></p>",
            escape(more),
            shown.own_target,
            escape(&w.t("more", &[]))
        );
    }
    out.push_str("</section>\n");
    out
}

/// One comment's `<article>`; `reply_to` is the parent's name of a reply
/// shown flat.
fn comment(out: &mut String, c: &CommentView, reply_to: Option<&str>, locked: bool, shown: &Shown) {
    let w = shown.words;
    let id = c.id.0;
    if c.status == Status::Deleted {
        let _ = write!(
            out,
            "<article class=\"n-c\" id=\"natter-comment-{id}\" part=\"comment\"><p class=\"n-muted n-gone\">{}</p></article>",
            escape(&w.t("deleted", &[]))
        );
        return;
    }
    let anon = w.t("anon", &[]);
    let name = escape(if c.author.name.is_empty() {
        &anon
    } else {
        &c.author.name
    });
    let avatar = shown
        .base
        .join(c.author.avatar.trim_start_matches('/'))
        .map(String::from)
        .unwrap_or_default();
    let _ = write!(
        out,
        "<article class=\"n-c\" id=\"natter-comment-{id}\" part=\"comment\" aria-label=\"{name}\" itemscope itemtype=\"https://schema.org/Comment\">\
         <header class=\"n-ch\"><img loading=\"lazy\" class=\"n-av\" alt=\"\" part=\"avatar\" src=\"{}\"><span class=\"n-who\">",
        escape(&avatar)
    );
    match c.author.website.as_deref().filter(|s| is_web(s)) {
        Some(site) => write!(
            out,
            "<a class=\"n-author\" part=\"author\" itemprop=\"author\" href=\"{}\" rel=\"{REL}\">{name}</a>",
            escape(site)
        ),
        None => write!(
            out,
            "<b class=\"n-author\" part=\"author\" itemprop=\"author\">{name}</b>"
        ),
    }
    .ok();
    marks(out, c, reply_to, &anon, w);
    let held = c.status != Status::Published;
    let _ = write!(
        out,
        "</span></header>\n<div class=\"n-body\" part=\"body\" itemprop=\"text\">{}</div>\n<div class=\"n-acts\">",
        c.html
    );
    if let Some(reply) = shown.reply.filter(|_| !locked && !held) {
        let _ = write!(
            out,
            "<a class=\"n-reply\" href=\"{}\"{} aria-label=\"{}\">{}</a> ",
            escape(&reply(c.id)),
            shown.own_target,
            escape(&w.t("replyTo", &[("name", &c.author.name)])),
            escape(&w.t("reply", &[]))
        );
    }
    let votes = format!(
        "{} {} · {} {}",
        w.t("like", &[]),
        c.likes,
        w.t("dislike", &[]),
        c.dislikes
    );
    let _ = write!(
        out,
        "<span class=\"n-muted\">{}</span></div></article>",
        escape(&votes)
    );
}

/// After the author's name: "in reply to", the date, "(edited)", who
/// signed in, and the badges.
fn marks(out: &mut String, c: &CommentView, reply_to: Option<&str>, anon: &str, w: Words) {
    if let Some(parent) = reply_to {
        let parent = if parent.is_empty() { anon } else { parent };
        muted(out, &w.t("inReplyTo", &[("name", parent)]));
    }
    let _ = write!(
        out,
        " <time class=\"n-muted\" datetime=\"{}\" itemprop=\"dateCreated\">{}</time>",
        escape(&c.created),
        escape(&w.date(&c.created))
    );
    if c.edited.is_some() {
        muted(out, &w.t("edited", &[]));
    }
    if c.verified {
        let provider = c.provider.as_deref().unwrap_or_default();
        let said = w.t("verified", &[("provider", provider)]);
        let _ = write!(out, " <span class=\"n-ok\">{}</span>", escape(&said));
    }
    let held = c.status != Status::Published;
    let badges = [
        held.then(|| w.t("pending", &[])),
        c.badge.clone(),
        c.pinned.then(|| w.t("pinned", &[])),
    ];
    for b in badges.into_iter().flatten() {
        let _ = write!(
            out,
            " <strong class=\"n-badge\" part=\"badge\">{}</strong>",
            escape(&b)
        );
    }
}

fn muted(out: &mut String, text: &str) {
    let _ = write!(out, " <span class=\"n-muted\">{}</span>", escape(text));
}

/// Whether an author's website may be a link: `http:` or `https:` only.
fn is_web(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}
