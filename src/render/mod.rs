//! The only code that makes HTML, XML or SVG from user data.
//!
//! Markdown (CommonMark with strikethrough and bare-URL links) is rendered by
//! pulldown-cmark, with raw HTML turned into visible text and images turned
//! into links, and the result goes through one ammonia allow-list. HTML
//! imported from other comment systems is rebuilt element by element first
//! (`wordpress`: balanced, bounded in depth, and for WordPress laid out as
//! WordPress shows it) and passes the same allow-list. Nothing else in
//! natter makes a [`SafeHtml`]. The Atom feeds (`atom`) and the
//! identicons (`identicon`) are written here too, from plain values.

use std::sync::LazyLock;

pub mod atom;
mod clickable;
mod elements;
mod entities;
mod html;
pub mod identicon;
mod markdown;
#[cfg(test)]
mod tests;
mod text;
mod wordpress;
pub use entities::decode_entities;
pub use markdown::{render, render_hard_wrap};
pub use text::{link_count, plain_text};
pub use wordpress::render_wordpress;

/// How deep elements may nest in a rendered comment (DESIGN §14).
pub const MAX_NESTING: usize = 32;

/// HTML that went through [`render`]; only this module can make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// The HTML, to send or store.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The HTML, as an owned string.
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
