//! Text as wpautop lays it out: whitespace and `<br>` held back until more
//! content follows, paragraphs and breaks where WordPress adds them,
//! bare addresses linked as `make_clickable` links them, and images as links.

use super::super::clickable::next_address;
use super::super::elements::{El, Kind};
use super::super::html::Tag;
use super::Builder;

/// Whitespace and `<br>` seen since the last content, written only if more
/// content follows in the same block (wpautop adds nothing next to a block).
#[derive(Default)]
pub(super) struct Gap {
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
    pub(super) fn text(&mut self, text: &str) {
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
    pub(super) fn word(&mut self, word: &str) {
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
    pub(super) fn link(&mut self, href: &str, label: &str) {
        self.push(El::A, &format!(" href=\"{}\"", attr_text(href)));
        push_text(&mut self.out, label);
        self.pop();
    }

    /// Gets ready for inline content: a paragraph opened where wpautop
    /// opens one, and the pending whitespace written as a space or a break.
    pub(super) fn content(&mut self) {
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

    pub(super) fn line_break(&mut self) {
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
    pub(super) fn image(&mut self, tag: &Tag<'_>) {
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
}

pub(super) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0c')
}

/// Writes HTML source text with any `<` and `>` escaped, so that the
/// allow-list's parser sees exactly the elements written here.
pub(super) fn push_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// An attribute value as written, made safe inside double quotes.
pub(super) fn attr_text(value: &str) -> String {
    value
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
