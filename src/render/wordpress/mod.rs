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
//! [`MAX_NESTING`](super::MAX_NESTING) are dropped the same way, so the
//! allow-list's parser (quadratic in depth) never sees more. Nothing
//! recurses; each token is handled once. The text and its layout are in
//! `text.rs`, the stack of open elements in `stack.rs`.

mod stack;
mod text;

use super::elements::{ELEMENTS, El, Kind, OTHER_BLOCKS};
use super::html::{Tag, Token, tokens};
use super::{SafeHtml, sanitise};
use text::{Gap, attr_text};

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
    /// Whether it was written out (false: deeper than
    /// [`MAX_NESTING`](super::MAX_NESTING)).
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

    /// Forgets the whitespace held back since the last content.
    fn clear_space(&mut self) {
        self.gap = Gap::default();
    }

    /// Whether text is laid out by wpautop's rules here.
    fn autop(&self) -> bool {
        self.wordpress && !self.is_open(El::Pre)
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
}
