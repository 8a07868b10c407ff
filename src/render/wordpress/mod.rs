//! HTML from other comment systems, rebuilt element by element before it
//! passes the allow-list; for WordPress, shown as WordPress shows it.
//!
//! WordPress stores a comment as its author wrote it and formats it on
//! display with `make_clickable`, `wpautop` and `force_balance_tags`
//! (`wp-includes/formatting.php`). [`render_wordpress`] does the same in one
//! pass over the tokens of [`super::html`]:
//! - a blank line (or two `<br>`) starts a paragraph and a single newline
//!   inside text is a `<br>`; `pre` keeps its text as written; nothing is
//!   added next to a block tag, between list items, rows, cells or
//!   definition-list items; text directly in the page or in a `blockquote`
//!   is a paragraph, text in an `li`, `td`, `th`, `dt` or `dd` is bare until
//!   a blank line or a block inside it, and a paragraph after that;
//! - bare `http://`, `https://` and `www.` addresses outside `a`, `pre` and
//!   `code` become links, trailing punctuation outside, parentheses kept
//!   only when they pair up;
//! - every element is closed where the next block or its parent ends.
//!
//! For every source, `b`, `i`, `s` and `strike` become `strong`, `em` and
//! `del`; an `img` becomes a link to its address (§3, no pixels); other
//! tags are dropped and keep their text, and a dropped block still keeps
//! the words on either side of it apart. Elements deeper than
//! [`MAX_NESTING`] are dropped the same way, so the allow-list's parser
//! (quadratic in depth) never sees more. Nothing recurses; each token is
//! handled once.

use super::clickable::next_address;
use super::elements::{ELEMENTS, El, Kind, OTHER_BLOCKS};
use super::html::{Tag, Token, tokens};
use super::{MAX_NESTING, SafeHtml, sanitise};

/// Renders a WordPress comment's stored content as WordPress shows it.
pub fn render_wordpress(content: &str) -> SafeHtml {
    let content = content.replace("\r\n", "\n").replace('\r', "\n");
    sanitise(&rebuild(&content, true))
}

/// Rebuilds HTML with its elements balanced and its depth bounded; with
/// `wordpress`, also paragraphs, breaks and links as WordPress adds them.
pub(super) fn rebuild(html: &str, wordpress: bool) -> String {
    let mut b = Builder::new(html.len(), wordpress);
    for token in tokens(html) {
        match token {
            Token::Text(text) => b.text(text),
            Token::Literal(text) => b.text(&text.replace('&', "&amp;")),
            Token::Start(tag) => b.start(&tag),
            Token::End(name) => b.end(&name),
        }
    }
    while !b.stack.is_empty() {
        b.pop();
    }
    b.out
}

struct Open {
    el: El,
    /// Whether it was written out (false: deeper than [`MAX_NESTING`]).
    kept: bool,
    /// For a bare container: text from here on is wrapped in paragraphs.
    wrap: bool,
}

struct Builder {
    out: String,
    wordpress: bool,
    stack: Vec<Open>,
    /// How many of each element are open, so a stray end tag is seen at
    /// once instead of by searching the stack.
    open: [usize; ELEMENTS],
    kept: usize,
    /// Text or an inline element was written since the last block edge.
    started: bool,
    /// A dropped block parted the text: the next content starts a line.
    part: bool,
    gap: Gap,
}

/// Whitespace and `<br>` seen since the last content, written only if more
/// content follows in the same block (wpautop adds nothing next to a block).
#[derive(Default)]
struct Gap {
    space: bool,
    /// Newlines with only whitespace between them.
    newlines: usize,
    /// `<br>` with only whitespace between them.
    brs: usize,
    /// Line breaks to write: each `<br>`, and each newline not after one.
    lines: usize,
    after_br: bool,
}

impl Gap {
    fn newline(&mut self) {
        self.newlines += 1;
        if !self.after_br {
            self.lines += 1;
        }
    }

    fn br(&mut self) {
        self.brs += 1;
        self.newlines = 0;
        self.lines += 1;
        self.after_br = true;
    }

    /// Two newlines or two `<br>` in a row start a paragraph.
    fn is_paragraph(&self) -> bool {
        self.newlines >= 2 || self.brs >= 2
    }
}

impl Builder {
    fn new(len: usize, wordpress: bool) -> Builder {
        Builder {
            out: String::with_capacity(len + len / 4),
            wordpress,
            stack: Vec::new(),
            open: [0; ELEMENTS],
            kept: 0,
            started: false,
            part: false,
            gap: Gap::default(),
        }
    }

    fn is_open(&self, el: El) -> bool {
        self.open[el as usize] > 0
    }

    /// Whether text is laid out by wpautop's rules here.
    fn autop(&self) -> bool {
        self.wordpress && !self.is_open(El::Pre)
    }

    fn text(&mut self, text: &str) {
        if !self.autop() {
            if text.contains(|c: char| !is_space(c)) {
                self.content();
            }
            push_text(&mut self.out, text);
            return;
        }
        let mut rest = text;
        while !rest.is_empty() {
            let word_at = rest.find(|c: char| !is_space(c)).unwrap_or(rest.len());
            if word_at > 0 {
                self.gap.space = true;
                for _ in rest[..word_at].matches('\n') {
                    self.gap.newline();
                }
            }
            rest = &rest[word_at..];
            let word_end = rest.find(is_space).unwrap_or(rest.len());
            if word_end > 0 {
                self.content();
                self.word(&rest[..word_end]);
            }
            rest = &rest[word_end..];
        }
    }

    /// Writes a run of text without spaces, its addresses linked.
    fn word(&mut self, word: &str) {
        let mut rest = word;
        if !self.is_open(El::A) && !self.is_open(El::Code) {
            while let Some(link) = next_address(rest) {
                push_text(&mut self.out, &rest[..link.start]);
                let url = &rest[link.start..link.end];
                let href = if link.www {
                    format!("http://{url}")
                } else {
                    url.to_string()
                };
                self.link(&href, &href);
                rest = &rest[link.end..];
            }
        }
        push_text(&mut self.out, rest);
    }

    /// Writes a link to `href` (HTML source, as written) reading `label`.
    fn link(&mut self, href: &str, label: &str) {
        self.push(El::A, &format!(" href=\"{}\"", attr_text(href)));
        push_text(&mut self.out, label);
        self.pop();
    }

    /// Gets ready for inline content: a paragraph opened where wpautop
    /// opens one, and the pending whitespace written as a space or a break.
    fn content(&mut self) {
        if self.autop() {
            if self.started && self.gap.is_paragraph() {
                self.close_paragraph();
                self.boundary();
            }
            let wrap = match self.stack.last() {
                None => true,
                Some(top) => match top.el.kind() {
                    Kind::Wrapping => true,
                    Kind::Bare => top.wrap,
                    Kind::Inline | Kind::Frame | Kind::Preformatted => false,
                },
            };
            if wrap {
                self.push(El::P, "");
            }
            if self.started {
                if self.gap.lines > 0 {
                    for _ in 0..self.gap.lines {
                        self.out.push_str("<br>\n");
                    }
                } else if self.gap.space {
                    self.out.push(' ');
                }
            }
        }
        self.clear_space();
        if self.part {
            self.out.push_str("<br>\n");
            self.part = false;
        }
        self.started = true;
    }

    fn clear_space(&mut self) {
        self.gap = Gap::default();
    }

    fn start(&mut self, tag: &Tag<'_>) {
        let name = tag.name.as_str();
        if name == "br" {
            return self.line_break();
        }
        if name == "img" {
            return self.image(tag);
        }
        if OTHER_BLOCKS.contains(&name) {
            self.close_paragraph();
            return self.boundary();
        }
        let Some(el) = El::of(name) else {
            return;
        };
        if el.kind() == Kind::Inline && el != El::P {
            // A link inside a link is not one: its text joins the outer.
            if el == El::A && self.is_open(El::A) {
                return;
            }
            self.content();
            let attrs = match el {
                El::A => tag
                    .attr("href")
                    .map(|h| format!(" href=\"{}\"", attr_text(h)))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            return self.push(el, &attrs);
        }
        self.close_paragraph();
        while self.stack.last().is_some_and(|top| el.closes(top.el)) {
            self.pop();
        }
        // The rows and row groups a browser adds, so that the depth
        // counted here is the depth the allow-list's parser builds.
        let top = self.stack.last().map(|o| o.el);
        if matches!(el, El::Tr | El::Td | El::Th) && top == Some(El::Table) {
            self.push(El::Tbody, "");
        }
        let top = self.stack.last().map(|o| o.el);
        if matches!(el, El::Td | El::Th) && matches!(top, Some(El::Thead | El::Tbody | El::Tfoot)) {
            self.push(El::Tr, "");
        }
        let attrs = match tag.attr("start") {
            Some(n) if el == El::Ol && !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()) => {
                format!(" start=\"{n}\"")
            }
            _ => String::new(),
        };
        self.push(el, &attrs);
    }

    fn end(&mut self, name: &str) {
        if name == "br" {
            return self.line_break();
        }
        if OTHER_BLOCKS.contains(&name) {
            self.close_paragraph();
            return self.boundary();
        }
        let Some(el) = El::of(name) else {
            return;
        };
        if !self.is_open(el) {
            // A stray `</p>` still parts the text, as in a browser.
            if el == El::P {
                self.close_paragraph();
                self.boundary();
            }
            return;
        }
        while let Some(top) = self.stack.last().map(|o| o.el) {
            self.pop();
            if top == el {
                break;
            }
        }
        if el.is_block() {
            self.boundary();
        }
    }

    fn line_break(&mut self) {
        if self.autop() {
            if self.started {
                self.gap.br();
            }
        } else {
            self.content();
            self.out.push_str("<br>");
        }
    }

    /// An image as a link to its address, named by its alt text; an
    /// address that is not http(s) leaves the alt text alone.
    fn image(&mut self, tag: &Tag<'_>) {
        let src = tag.attr("src").unwrap_or("").trim();
        let alt = tag.attr("alt").unwrap_or("").trim();
        let web = ["http://", "https://"].iter().any(|scheme| {
            src.len() > scheme.len() && src[..scheme.len()].eq_ignore_ascii_case(scheme)
        });
        let label = if alt.is_empty() && web { src } else { alt };
        if label.is_empty() {
            return;
        }
        self.content();
        if web && !self.is_open(El::A) {
            self.link(src, label);
        } else {
            push_text(&mut self.out, label);
        }
    }

    /// Closes the paragraph and inline elements at the top of the stack.
    fn close_paragraph(&mut self) {
        while self
            .stack
            .last()
            .is_some_and(|o| o.el.kind() == Kind::Inline)
        {
            self.pop();
        }
    }

    /// A block edge inside the current container: text after it is a new
    /// paragraph, or on a new line where paragraphs are not made.
    fn boundary(&mut self) {
        if self.started {
            self.part = true;
        }
        self.started = false;
        self.clear_space();
        if let Some(top) = self.stack.last_mut() {
            top.wrap = true;
        }
    }

    fn push(&mut self, el: El, attrs: &str) {
        let kept = self.kept < MAX_NESTING;
        if kept {
            self.kept += 1;
            self.out.push('<');
            self.out.push_str(el.name());
            self.out.push_str(attrs);
            self.out.push('>');
            if self.wordpress && matches!(el.kind(), Kind::Frame | Kind::Wrapping) && el != El::Tr {
                self.out.push('\n');
            }
        }
        if el.is_block() {
            self.block_edge(kept);
            // Text after a block inside a bare container is a paragraph.
            if let Some(parent) = self.stack.last_mut() {
                parent.wrap = true;
            }
        }
        self.open[el as usize] += 1;
        self.stack.push(Open {
            el,
            kept,
            wrap: false,
        });
    }

    fn pop(&mut self) {
        let Some(top) = self.stack.pop() else {
            return;
        };
        self.open[top.el as usize] -= 1;
        if top.kept {
            self.kept -= 1;
            self.out.push_str("</");
            self.out.push_str(top.el.name());
            self.out.push('>');
            if self.wordpress && top.el.is_block() && !matches!(top.el, El::Td | El::Th) {
                self.out.push('\n');
            }
        }
        if top.el.is_block() {
            self.block_edge(top.kept);
        }
    }

    /// A block starts or ends: a written one parts the text by itself, a
    /// dropped one leaves a line break if text comes on both sides.
    fn block_edge(&mut self, kept: bool) {
        if kept {
            self.part = false;
        } else if self.started {
            self.part = true;
        }
        self.started = false;
        self.clear_space();
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0c')
}

/// Writes HTML source text with any `<` and `>` escaped, so that the
/// allow-list's parser sees exactly the elements written here.
fn push_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// An attribute value as written, made safe inside double quotes.
fn attr_text(value: &str) -> String {
    value
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
