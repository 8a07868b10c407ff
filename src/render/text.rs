//! Plain text of sanitised HTML: the editable source of a comment that
//! came in as HTML, and the count of the links a reader sees.

use super::SafeHtml;

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
