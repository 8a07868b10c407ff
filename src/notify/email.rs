//! Emails: plain text and simple HTML, written in the site's language.

use super::strings::Words;
use crate::render::escape;
use serde::{Deserialize, Serialize};

/// An email as the outbox keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The one-click unsubscribe address (`List-Unsubscribe`), for emails
    /// a reader asked for.
    pub unsubscribe: Option<String>,
}

/// The longest piece of a comment an email quotes.
const QUOTE_MAX: usize = 2_000;

/// Builds the text and HTML bodies side by side.
pub struct Body {
    words: Words,
    text: String,
    html: String,
}

impl Body {
    pub fn new(words: Words) -> Body {
        Body {
            words,
            text: String::new(),
            html: String::new(),
        }
    }

    pub fn para(mut self, line: &str) -> Body {
        self.text.push_str(line);
        self.text.push_str("\n\n");
        self.html.push_str(&format!("<p>{}</p>\n", escape(line)));
        self
    }

    /// A comment's text, quoted as plain text (never as HTML).
    pub fn quote(mut self, comment: &str) -> Body {
        let mut quoted: String = comment.chars().take(QUOTE_MAX).collect();
        if quoted.len() < comment.len() {
            quoted.push('…');
        }
        for line in quoted.lines() {
            self.text.push_str("> ");
            self.text.push_str(line);
            self.text.push('\n');
        }
        self.text.push('\n');
        let lines: Vec<String> = quoted.lines().map(escape).collect();
        self.html.push_str(&format!(
            "<blockquote style=\"margin:1em 0;padding:0.5em 1em;border-inline-start:4px solid #888;background:#f4f4f4\">{}</blockquote>\n",
            lines.join("<br>")
        ));
        self
    }

    /// A link, as a big button in HTML and `label: url` in text.
    pub fn link(mut self, label: &str, url: &str) -> Body {
        self.text.push_str(&format!("{label}:\n{url}\n\n"));
        self.html.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;padding:0.6em 1.2em;background:#1a4f8b;color:#fff;border-radius:4px;text-decoration:none;font-weight:bold\">{}</a></p>\n",
            escape(url),
            escape(label)
        ));
        self
    }

    /// A smaller closing line with an optional link.
    pub fn footer(self, line: &str, link: Option<(&str, &str)>) -> Body {
        self.footer_links(line, link.as_slice())
    }

    /// A smaller closing line with its links, each `label: url` in text.
    pub fn footer_links(mut self, line: &str, links: &[(&str, &str)]) -> Body {
        self.text.push_str("-- \n");
        self.text.push_str(line);
        self.text.push('\n');
        let mut html = escape(line);
        for (label, url) in links {
            self.text.push_str(&format!("{label}: {url}\n"));
            html.push_str(&format!(
                " · <a href=\"{}\">{}</a>",
                escape(url),
                escape(label)
            ));
        }
        self.html.push_str(&format!(
            "<p style=\"margin-top:2em;font-size:0.9em;color:#555\">{html}</p>\n"
        ));
        self
    }

    pub fn finish(self, subject: &str, unsubscribe: Option<String>) -> Email {
        let dir = if self.words.rtl() { "rtl" } else { "ltr" };
        Email {
            subject: subject.to_string(),
            text: self.text,
            html: format!(
                "<!doctype html>\n<html lang=\"{}\" dir=\"{dir}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body style=\"font-family:sans-serif;font-size:17px;line-height:1.5;color:#111;max-width:40em;margin:1em\">\n{}</body></html>\n",
                self.words.lang(),
                escape(subject),
                self.html
            ),
            unsubscribe,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_text_is_never_html_in_an_email() {
        let e = Body::new(Words::new("en"))
            .para("Sam wrote:")
            .quote("<script>alert(1)</script>\n<img src=x onerror=alert(2)>")
            .link("Approve <it>", "https://n.example/notify?t=a\"b")
            .finish("New <b>comment</b>", None);
        assert!(!e.html.contains("<script"));
        assert!(!e.html.contains("<img"));
        assert!(!e.html.contains("<b>"));
        assert!(e.html.contains("&lt;script&gt;"));
        assert!(e.html.contains("t=a&quot;b"));
        assert!(e.text.contains("> <script>alert(1)</script>"));
    }
}
