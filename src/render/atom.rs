//! Atom feeds (RFC 4287), written from plain values: the app decides what
//! a feed holds, this writes it so that it is always well-formed, whatever
//! a comment holds.

use std::fmt::Write;

/// A feed's own parts. Times are RFC 3339.
pub struct Feed<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub updated: &'a str,
    /// The query of the feed's own address, `/api/feed?…`.
    pub self_query: &'a str,
    /// The page the comments are on, for a thread's feed.
    pub page: Option<&'a str>,
}

/// One comment in a feed.
pub struct Entry<'a> {
    /// The comment's address, also its id.
    pub link: String,
    pub author: &'a str,
    /// The page's title or key.
    pub on: &'a str,
    pub published: String,
    pub updated: String,
    /// The comment's sanitised HTML, carried as escaped text.
    pub html: &'a str,
}

/// The feed's XML.
pub fn feed(feed: &Feed, entries: &[Entry]) -> String {
    let mut out = String::with_capacity(1024 + entries.len() * 512);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(out, "<id>{}</id>", xml(feed.id));
    let _ = writeln!(out, "<title>{}</title>", xml(feed.title));
    let _ = writeln!(out, "<updated>{}</updated>", feed.updated);
    let _ = writeln!(
        out,
        "<link rel=\"self\" href=\"/api/feed?{}\"/>",
        xml(feed.self_query)
    );
    if let Some(url) = feed.page {
        let _ = writeln!(
            out,
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml(url)
        );
    }
    let _ = writeln!(out, "<generator>natter</generator>");
    for e in entries {
        entry(&mut out, e);
    }
    out.push_str("</feed>\n");
    out
}

fn entry(out: &mut String, e: &Entry) {
    out.push_str("<entry>\n");
    let _ = writeln!(out, "<id>{}</id>", xml(&e.link));
    let _ = writeln!(out, "<title>{} on {}</title>", xml(e.author), xml(e.on));
    let _ = writeln!(
        out,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml(&e.link)
    );
    let _ = writeln!(out, "<published>{}</published>", e.published);
    let _ = writeln!(out, "<updated>{}</updated>", e.updated);
    let _ = writeln!(out, "<author><name>{}</name></author>", xml(e.author));
    let _ = writeln!(out, "<content type=\"html\">{}</content>", xml(e.html));
    out.push_str("</entry>\n");
}

/// Escapes text for XML content and attribute values, and drops the
/// characters XML 1.0 cannot carry at all (control characters, U+FFFE,
/// U+FFFF), so that a feed is always well-formed whatever a comment holds.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_escaping() {
        assert_eq!(
            super::xml("<a href=\"x\">&'\u{1}</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(super::xml("a\u{fffe}b\u{ffff}c\u{fffd}"), "abc\u{fffd}");
    }
}
