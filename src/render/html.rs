//! Reads HTML written for another comment system as a flat run of tokens,
//! split the way a browser's tokenizer splits it: start and end tags with
//! their attributes, and text. Comments, doctypes and the contents of
//! `script` and `style` are left out, as a browser does not show them.
//! Nothing here nests, so no input can make it recurse, and each byte is
//! looked at a bounded number of times.

/// One piece of the source.
pub(super) enum Token<'a> {
    /// Text as written, entities and all.
    Text(&'a str),
    /// Text that a browser shows character for character (`xmp`,
    /// `noscript` and the like): its `&` is not an entity.
    Literal(&'a str),
    Start(Tag<'a>),
    End(String),
}

/// A start tag: its lower-case name and the text of its attributes.
pub(super) struct Tag<'a> {
    pub name: String,
    attrs: &'a str,
}

impl<'a> Tag<'a> {
    /// The value of attribute `name` as written (entities not decoded).
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        let mut rest = self.attrs;
        loop {
            rest = rest.trim_start_matches(|c: char| is_space(c) || c == '/');
            if rest.is_empty() {
                return None;
            }
            let name_end = rest
                .find(|c: char| is_space(c) || matches!(c, '/' | '=' | '>'))
                .unwrap_or(rest.len())
                .max(1);
            let this = &rest[..name_end];
            rest = rest[name_end..].trim_start_matches(is_space);
            let mut value = "";
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start_matches(is_space);
                (value, rest) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let end = after[1..].find(q).map_or(after.len(), |e| e + 1);
                        (&after[1..end], after.get(end + 1..).unwrap_or(""))
                    }
                    _ => {
                        let end = after
                            .find(|c: char| is_space(c) || c == '>')
                            .unwrap_or(after.len());
                        (&after[..end], &after[end..])
                    }
                };
            }
            if this.eq_ignore_ascii_case(name) {
                return Some(value);
            }
        }
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// Elements whose contents a browser never shows.
const HIDDEN: &[&str] = &["script", "style"];
/// Elements whose contents a browser shows as written, tags and all.
const LITERAL: &[&str] = &["xmp", "iframe", "noembed", "noframes", "noscript"];
/// Elements whose contents are text with entities but no tags.
const TEXT_ONLY: &[&str] = &["textarea", "title"];

/// The tokens of `html`, in order.
pub(super) struct Tokens<'a> {
    rest: &'a str,
    /// After the start tag of a raw-text element: the contents come next.
    raw: Option<String>,
}

pub(super) fn tokens(html: &str) -> Tokens<'_> {
    Tokens {
        rest: html,
        raw: None,
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        if let Some(name) = self.raw.take() {
            let end = find_end_tag(self.rest, &name).unwrap_or(self.rest.len());
            let body = &self.rest[..end];
            self.rest = &self.rest[end..];
            match name.as_str() {
                n if HIDDEN.contains(&n) => {}
                n if TEXT_ONLY.contains(&n) && !body.is_empty() => return Some(Token::Text(body)),
                _ if !body.is_empty() => return Some(Token::Literal(body)),
                _ => {}
            }
        }
        loop {
            if self.rest.is_empty() {
                return None;
            }
            let Some(lt) = self.rest.find('<') else {
                return Some(Token::Text(std::mem::take(&mut self.rest)));
            };
            // A `<` that starts no tag is text; keep looking after it.
            let mut at = lt;
            loop {
                match self.rest[at..].find('<') {
                    Some(next) if starts_markup(&self.rest[at + next..]) => {
                        at += next;
                        break;
                    }
                    Some(next) => at += next + 1,
                    None => {
                        at = self.rest.len();
                        break;
                    }
                }
            }
            if at > 0 {
                let (text, rest) = self.rest.split_at(at);
                self.rest = rest;
                return Some(Token::Text(text));
            }
            if let Some(token) = self.markup() {
                return Some(token);
            }
        }
    }
}

impl<'a> Tokens<'a> {
    /// Reads the markup at the start of `rest`; `None` for markup that
    /// shows nothing (comments, doctypes, a tag cut off by the end).
    fn markup(&mut self) -> Option<Token<'a>> {
        let s = self.rest;
        if let Some(body) = s.strip_prefix("<!--") {
            let end = if body.starts_with('>') {
                1
            } else if body.starts_with("->") {
                2
            } else {
                body.find("-->").map_or(body.len(), |e| e + 3)
            };
            self.rest = &body[end..];
            return None;
        }
        let closing = s.as_bytes().get(1) == Some(&b'/');
        let name_at = if closing { 2 } else { 1 };
        if !s[name_at..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            // `<!…>`, `<?…>` and `</…>` not naming an element.
            let end = s.find('>').map_or(s.len(), |e| e + 1);
            self.rest = &s[end..];
            return None;
        }
        let Some(end) = tag_end(s) else {
            self.rest = "";
            return None;
        };
        let inner = &s[name_at..end];
        self.rest = &s[end + 1..];
        let name_len = inner
            .find(|c: char| is_space(c) || c == '/')
            .unwrap_or(inner.len());
        let name = inner[..name_len].to_ascii_lowercase();
        if closing {
            return Some(Token::End(name));
        }
        if HIDDEN.contains(&name.as_str())
            || LITERAL.contains(&name.as_str())
            || TEXT_ONLY.contains(&name.as_str())
        {
            self.raw = Some(name.clone());
        }
        if name == "plaintext" {
            let text = std::mem::take(&mut self.rest);
            return (!text.is_empty()).then_some(Token::Literal(text));
        }
        Some(Token::Start(Tag {
            name,
            attrs: &inner[name_len..],
        }))
    }
}

/// Whether `s` (starting with `<`) starts a tag, comment or declaration.
fn starts_markup(s: &str) -> bool {
    match s.as_bytes().get(1) {
        Some(c) if c.is_ascii_alphabetic() => true,
        Some(b'!' | b'?' | b'/') => true,
        _ => false,
    }
}

/// Where the `>` that ends the tag at the start of `s` is, skipping quoted
/// attribute values; `None` when the text ends first.
fn tag_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let mut after_equals = false;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => return Some(i),
            q @ (b'"' | b'\'') if after_equals => {
                i += 1 + s[i + 1..].find(q as char)?;
                after_equals = false;
            }
            b'=' => after_equals = true,
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {}
            _ => after_equals = false,
        }
        i += 1;
    }
    None
}

/// Where `</name` (any case) next starts in `s`.
fn find_end_tag(s: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = s[from..].find("</") {
        let start = from + at;
        let after = &s.as_bytes()[start + 2..];
        if after.len() >= name.len() && after[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return Some(start);
        }
        from = start + 2;
    }
    None
}
