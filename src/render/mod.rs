//! The only code that turns user text into HTML.
//!
//! Markdown (CommonMark with strikethrough and bare-URL links) is rendered by
//! pulldown-cmark, with raw HTML turned into visible text and images turned
//! into links, and the result goes through one ammonia allow-list. HTML
//! imported from other comment systems is rebuilt element by element first
//! (`wordpress`: balanced, bounded in depth, and for WordPress laid out as
//! WordPress shows it) and passes the same allow-list. Nothing else in
//! natter makes a [`SafeHtml`].

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::sync::LazyLock;

mod clickable;
mod elements;
mod entities;
mod html;
mod wordpress;
pub use entities::decode_entities;
pub use wordpress::render_wordpress;

/// HTML that went through [`render`]; only this module can make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// HTML read back from the database, which only ever stores what
    /// [`render`] produced.
    pub fn from_stored(html: String) -> Self {
        SafeHtml(html)
    }
}

/// The tags and attributes a comment may carry (DESIGN §3).
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.add_tags([
        "p",
        "br",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "dl",
        "dt",
        "dd",
    ])
    .add_tag_attributes("a", ["href"])
    .add_tag_attributes("ol", ["start"])
    .url_schemes(["http", "https", "mailto"].into_iter().collect())
    .link_rel(Some("nofollow ugc noopener noreferrer"))
    .url_relative(ammonia::UrlRelative::Deny)
    .strip_comments(true);
    b
});

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

/// How deep elements may nest in a rendered comment (DESIGN §14).
pub const MAX_NESTING: usize = 32;

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
/// export) as natter would show it: `b`, `i`, `s` and `strike` become
/// `strong`, `em` and `del`, images become links, elements are balanced
/// and nesting deeper than [`MAX_NESTING`] is flattened, and the result
/// passes the same allow-list.
pub fn render_legacy_html(html: &str) -> SafeHtml {
    sanitise(&wordpress::rebuild(html, false))
}

/// The one place HTML passes the allow-list.
fn sanitise(html: &str) -> SafeHtml {
    SafeHtml(SANITIZER.clean(html).to_string())
}

/// Plain text of sanitised HTML, as an editable source for comments that
/// came in as HTML: paragraphs and line breaks kept, tags dropped.
pub fn plain_text(html: &SafeHtml) -> String {
    let mut out = String::with_capacity(html.0.len());
    let mut rest = html.0.as_str();
    let mut first_cell = true;
    while let Some(lt) = rest.find('<') {
        // The newline that follows a `<br>` or an item in the HTML source
        // is the same line end, not a second one.
        let text = &rest[..lt];
        let text = if out.ends_with('\n') {
            text.strip_prefix('\n').unwrap_or(text)
        } else {
            text
        };
        out.push_str(&unescape(text));
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = rest[lt + 1..lt + gt].to_ascii_lowercase();
        let name = tag.trim_start_matches('/').split(' ').next().unwrap_or("");
        match (tag.starts_with('/'), name) {
            (true, "p" | "blockquote" | "pre" | "ul" | "ol" | "table" | "dl") => {
                out.push_str("\n\n")
            }
            (false, "br") => out.push('\n'),
            (false, "li") => {
                new_line(&mut out);
                out.push_str("- ");
            }
            // Rows on their own lines, cells apart, terms and their
            // descriptions on lines of their own.
            (false, "tr" | "dt") => new_line(&mut out),
            (false, "td" | "th") if !first_cell => out.push_str(" | "),
            (false, "dd") => {
                new_line(&mut out);
                out.push_str(": ");
            }
            _ => {}
        }
        match (tag.starts_with('/'), name) {
            (false, "tr") => first_cell = true,
            (false, "td" | "th") => first_cell = false,
            _ => {}
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(&unescape(rest));
    let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    let mut text = lines.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.trim().to_string()
}

/// Starts a new line unless the text already ends one.
fn new_line(out: &mut String) {
    if !out.trim_end_matches(' ').ends_with('\n') && !out.is_empty() {
        out.push('\n');
    }
}

/// How many links a reader sees: the `a` elements that kept an address
/// through the allow-list (one whose address was refused is plain text).
pub fn link_count(html: &SafeHtml) -> usize {
    html.0.matches("<a href=\"").count()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

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

/// Where the first `http://` or `https://` (in any case) starts. Looks at
/// each byte once, so linking a long text stays linear in its length.
fn find_url_start(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    (0..bytes.len()).find(|&i| {
        let rest = &bytes[i..];
        let scheme = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
        (rest[0] | 0x20) == b'h' && (scheme(b"http://") || scheme(b"https://"))
    })
}

#[cfg(test)]
mod tests;

/// Escapes text for use inside HTML elements and quoted attributes: for
/// natter's own pages and emails, where user text is shown as plain text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
