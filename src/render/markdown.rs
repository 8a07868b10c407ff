//! Comment Markdown: CommonMark with strikethrough and bare-URL links, by
//! pulldown-cmark, raw HTML shown as text and images turned into links,
//! nesting bounded, then the one allow-list.

use super::clickable::find_url_start;
use super::{MAX_NESTING, SafeHtml, sanitise};
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// Renders a comment's Markdown source to sanitised HTML.
pub fn render(markdown: &str) -> SafeHtml {
    render_markdown(markdown, false)
}

/// Renders Markdown as Isso shows it: like [`render`], except that a single
/// newline inside a paragraph is a line break.
pub fn render_hard_wrap(markdown: &str) -> SafeHtml {
    render_markdown(markdown, true)
}

fn render_markdown(markdown: &str, hard_wrap: bool) -> SafeHtml {
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH);
    let mut events = Vec::new();
    let mut in_link = 0usize;
    let mut in_code = false;
    for event in parser {
        match event {
            // Raw HTML is shown as the text the author typed.
            Event::Html(s) | Event::InlineHtml(s) => events.push(Event::Text(s)),
            Event::Start(Tag::HtmlBlock) => events.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => events.push(Event::End(TagEnd::Paragraph)),
            // Images would load from anywhere (tracking pixels): link to them instead.
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                in_link += 1;
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) => {
                in_link -= 1;
                events.push(Event::End(TagEnd::Link));
            }
            Event::Start(Tag::Link { .. }) => {
                in_link += 1;
                events.push(event);
            }
            Event::End(TagEnd::Link) => {
                in_link = in_link.saturating_sub(1);
                events.push(event);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                events.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                events.push(event);
            }
            Event::Text(text) if in_link == 0 && !in_code => linkify(text, &mut events),
            Event::SoftBreak if hard_wrap => events.push(Event::HardBreak),
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    pulldown_cmark::html::push_html(&mut html, flatten_deep(events).into_iter());
    sanitise(&html)
}

/// Drops the tags that would nest deeper than [`MAX_NESTING`], keeping
/// their text: the HTML parser behind the allow-list takes time quadratic
/// in the depth (10,000 `>` took seconds), and no reader follows a quote
/// 33 levels deep. A dropped block ends with a line break so that its text
/// does not run into the next one.
fn flatten_deep(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    // For each open tag, whether it was kept.
    let mut open: Vec<bool> = Vec::new();
    let mut depth = 0usize;
    for event in events {
        match event {
            Event::Start(tag) => {
                let keep = depth < MAX_NESTING;
                open.push(keep);
                if keep {
                    depth += 1;
                    out.push(Event::Start(tag));
                }
            }
            Event::End(end) => match open.pop() {
                Some(true) => {
                    depth -= 1;
                    out.push(Event::End(end));
                }
                Some(false) if !is_inline(end) => out.push(Event::SoftBreak),
                Some(false) | None => {}
            },
            other => out.push(other),
        }
    }
    out
}

fn is_inline(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Renders HTML written for another comment system (Disqus, natter's own
/// Turns bare `http://` and `https://` addresses in text into links.
fn linkify<'a>(text: CowStr<'a>, out: &mut Vec<Event<'a>>) {
    let mut rest: &str = &text;
    let mut pieces = Vec::new();
    while let Some(start) = find_url_start(rest) {
        let tail = &rest[start..];
        let mut end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .unwrap_or(tail.len());
        // Trailing punctuation belongs to the sentence, not the address.
        while end > 0 && tail[..end].ends_with(['.', ',', ';', ':', '!', '?', ')', '\'']) {
            end -= 1;
        }
        let url = &tail[..end];
        if url.len() <= "https://".len() {
            pieces.push(Event::Text(CowStr::from(
                rest[..start + end.max(1)].to_string(),
            )));
            rest = &rest[start + end.max(1)..];
            continue;
        }
        if start > 0 {
            pieces.push(Event::Text(CowStr::from(rest[..start].to_string())));
        }
        let link = Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: CowStr::from(url.to_string()),
            title: CowStr::from(""),
            id: CowStr::from(""),
        };
        pieces.push(Event::Start(link));
        pieces.push(Event::Text(CowStr::from(url.to_string())));
        pieces.push(Event::End(TagEnd::Link));
        rest = &tail[end..];
    }
    if pieces.is_empty() {
        out.push(Event::Text(text));
        return;
    }
    if !rest.is_empty() {
        pieces.push(Event::Text(CowStr::from(rest.to_string())));
    }
    out.extend(pieces);
}
