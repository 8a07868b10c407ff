//! Comments: their fields, their limits and the decision to publish or hold.

use super::site::{ModerationMode, SiteSettings};
use crate::render::{self, SafeHtml};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A comment's id, as numbered by the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommentId(pub i64);

impl fmt::Display for CommentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a comment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Published,
    /// Held for a moderator.
    Pending,
    Spam,
    /// Deleted: shown as a tombstone while it has visible replies.
    Deleted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Published => "published",
            Status::Pending => "pending",
            Status::Spam => "spam",
            Status::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "published" => Some(Status::Published),
            "pending" => Some(Status::Pending),
            "spam" => Some(Status::Spam),
            "deleted" => Some(Status::Deleted),
            _ => None,
        }
    }
}

/// A new comment as a reader sent it, before any check.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewComment {
    pub text: String,
    pub parent: Option<CommentId>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub title: Option<String>,
}

/// A comment whose fields passed the site's limits: trimmed, empty made `None`.
#[derive(Debug, Clone)]
pub struct Validated {
    pub text: String,
    pub parent: Option<CommentId>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub title: Option<String>,
}

/// A field that broke a limit, and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn field_err(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

fn optional(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Checks the text alone, as edits and previews need too.
pub fn validate_text(text: &str, limits: &SiteSettings) -> Result<String, FieldError> {
    let text = text.trim();
    let n = text.chars().count();
    if n == 0 {
        return Err(field_err(
            "text",
            "Please write a comment before sending it.",
        ));
    }
    if n > limits.text_max as usize {
        return Err(field_err(
            "text",
            format!(
                "The comment is {n} characters long; the most this site accepts is {}. Please shorten it.",
                limits.text_max
            ),
        ));
    }
    Ok(text.to_string())
}

impl NewComment {
    /// Applies the site's limits (DESIGN §3) to every field.
    pub fn validate(self, site: &SiteSettings) -> Result<Validated, FieldError> {
        let text = validate_text(&self.text, site)?;
        let name = optional(self.name);
        let email = optional(self.email);
        let website = optional(self.website);
        let title = optional(self.title).map(|t| t.chars().take(300).collect());

        match &name {
            None if site.require_name => {
                return Err(field_err(
                    "name",
                    "Please give a name: this site asks for one.",
                ));
            }
            Some(n) if n.chars().count() > site.name_max as usize => {
                return Err(field_err(
                    "name",
                    format!("The name can be at most {} characters.", site.name_max),
                ));
            }
            Some(n) if n.chars().any(char::is_control) => {
                return Err(field_err(
                    "name",
                    "The name cannot contain line breaks or control characters.",
                ));
            }
            _ => {}
        }
        match &email {
            None if site.require_email => {
                return Err(field_err(
                    "email",
                    "Please give an email address: this site asks for one.",
                ));
            }
            Some(e) if e.len() > site.email_max as usize => {
                return Err(field_err(
                    "email",
                    format!(
                        "The email address can be at most {} characters.",
                        site.email_max
                    ),
                ));
            }
            Some(e) if !looks_like_email(e) => return Err(field_err("email", EMAIL_HELP)),
            _ => {}
        }
        if let Some(w) = &website {
            if w.chars().count() > site.website_max as usize {
                return Err(field_err(
                    "website",
                    format!(
                        "The website address can be at most {} characters.",
                        site.website_max
                    ),
                ));
            }
            let ok = url::Url::parse(w)
                .map(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
                .unwrap_or(false);
            if !ok {
                return Err(field_err(
                    "website",
                    "The website must be a full address starting with http:// or https://.",
                ));
            }
        }
        Ok(Validated {
            text,
            parent: self.parent,
            name,
            email,
            website,
            title,
        })
    }
}

/// A plain address and nothing else: one `@`; before it letters, digits and
/// `.!$*+-/=^_{|}~`; after it a dotted domain of letters, digits and
/// hyphens. Anything that could make a `mailto:` carry more or mean
/// something else (`?`, `&`, `#`, `%`, `,`, `;`, spaces, `<>`, quotes,
/// control characters) is refused. The confirmation
/// email is the real test.
pub fn looks_like_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || ".!$*+-/=^_{|}~".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

/// What to tell someone whose email address [`looks_like_email`] refused.
pub const EMAIL_HELP: &str = "Write the email address alone, like name@example.org: one @, no spaces, and nothing after the address such as ?, commas or semicolons. Or leave it empty.";

/// What the spam and moderation rules decided about a new comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Publish,
    Hold,
    /// Stored as spam, answered as if held.
    Spam,
}

impl Verdict {
    pub fn status(self) -> Status {
        match self {
            Verdict::Publish => Status::Published,
            Verdict::Hold => Status::Pending,
            Verdict::Spam => Status::Spam,
        }
    }
}

/// Facts about a new comment that the rules weigh.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signals {
    /// The honeypot field was filled in.
    pub honeypot: bool,
    /// The form was sent sooner than a person could have written it.
    pub too_fast: bool,
    /// The author has an earlier approved comment on this site.
    pub known_author: bool,
}

/// The moderation rules of DESIGN §5, in the order they apply. They weigh
/// what readers will see (DESIGN §14): the links of the rendered HTML and
/// its text with character references decoded, so `&#58;` or `cas&#105;no`
/// count as what they show.
pub fn judge(html: &SafeHtml, site: &SiteSettings, signals: Signals) -> Verdict {
    if signals.honeypot {
        return Verdict::Spam;
    }
    let links = render::link_count(html);
    let seen = seen_text(html);
    let blocked = site.block_words.iter().any(|w| {
        let w = w.trim().to_lowercase();
        !w.is_empty() && seen.contains(&w)
    });
    if links > site.max_links as usize || blocked || signals.too_fast {
        return Verdict::Hold;
    }
    match site.moderation {
        ModerationMode::None => Verdict::Publish,
        ModerationMode::First if signals.known_author => Verdict::Publish,
        ModerationMode::First | ModerationMode::All => Verdict::Hold,
    }
}

/// The text a reader sees, lower-cased, without the invisible characters
/// that would split a word for the eye only (soft hyphen, zero-width
/// spaces and joiners).
fn seen_text(html: &SafeHtml) -> String {
    render::plain_text(html)
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
            )
        })
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(text: &str) -> NewComment {
        NewComment {
            text: text.into(),
            ..Default::default()
        }
    }

    #[test]
    fn text_limits() {
        let s = SiteSettings::default();
        assert_eq!(new("  ").validate(&s).unwrap_err().field, "text");
        assert!(new(&"a".repeat(10_000)).validate(&s).is_ok());
        assert_eq!(
            new(&"a".repeat(10_001)).validate(&s).unwrap_err().field,
            "text"
        );
    }

    #[test]
    fn optional_fields() {
        let s = SiteSettings::default();
        let mut c = new("hi");
        c.email = Some("not an email".into());
        assert_eq!(c.clone().validate(&s).unwrap_err().field, "email");
        c.email = Some("jo@example.org".into());
        c.website = Some("javascript:alert(1)".into());
        assert_eq!(c.clone().validate(&s).unwrap_err().field, "website");
        c.website = Some("https://jo.example.org".into());
        c.name = Some("x".repeat(81));
        assert_eq!(c.clone().validate(&s).unwrap_err().field, "name");
        c.name = Some("  ".into());
        assert_eq!(c.validate(&s).unwrap().name, None);
    }

    #[test]
    fn required_fields() {
        let s = SiteSettings {
            require_name: true,
            require_email: true,
            ..Default::default()
        };
        assert_eq!(new("hi").validate(&s).unwrap_err().field, "name");
    }

    fn j(text: &str, s: &SiteSettings, signals: Signals) -> Verdict {
        judge(&render::render(text), s, signals)
    }

    #[test]
    fn rules() {
        let mut s = SiteSettings::default();
        let plain = Signals::default();
        assert_eq!(j("hello", &s, plain), Verdict::Publish);
        assert_eq!(
            j(
                "a http://a.org b https://b.org c [c](https://c.org)",
                &s,
                plain
            ),
            Verdict::Hold
        );
        assert_eq!(
            j("see https://www.a.org and http://b.org", &s, plain),
            Verdict::Publish
        );
        assert_eq!(
            j(
                "x",
                &s,
                Signals {
                    honeypot: true,
                    ..plain
                }
            ),
            Verdict::Spam
        );
        assert_eq!(
            j(
                "x",
                &s,
                Signals {
                    too_fast: true,
                    ..plain
                }
            ),
            Verdict::Hold
        );
        s.block_words = vec!["Casino".into()];
        assert_eq!(j("best CASINO deals", &s, plain), Verdict::Hold);
        s.block_words.clear();
        s.moderation = ModerationMode::First;
        assert_eq!(j("x", &s, plain), Verdict::Hold);
        assert_eq!(
            j(
                "x",
                &s,
                Signals {
                    known_author: true,
                    ..plain
                }
            ),
            Verdict::Publish
        );
        s.moderation = ModerationMode::All;
        assert_eq!(
            j(
                "x",
                &s,
                Signals {
                    known_author: true,
                    ..plain
                }
            ),
            Verdict::Hold
        );
    }

    #[test]
    fn rules_see_character_references_as_readers_do() {
        let mut s = SiteSettings {
            max_links: 0,
            ..Default::default()
        };
        let plain = Signals::default();
        assert_eq!(j("[a](http&#58;//one.example)", &s, plain), Verdict::Hold);
        assert_eq!(j("[a](http&#x3A;//one.example)", &s, plain), Verdict::Hold);
        assert_eq!(j("<http://one.example>", &s, plain), Verdict::Hold);
        // Text that only looks like an address in the source is no link.
        assert_eq!(j("`http://one.example`", &s, plain), Verdict::Publish);
        assert_eq!(j("[a](javascript:alert(1))", &s, plain), Verdict::Publish);
        s.max_links = 2;
        s.block_words = vec!["casino".into()];
        for text in [
            "cas&#105;no",
            "CAS&#x49;NO night",
            "cas**i**no",
            "cas\u{ad}ino",
            "cas&shy;ino",
            "ca&#115;ino",
        ] {
            assert_eq!(j(text, &s, plain), Verdict::Hold, "{text}");
        }
        assert_eq!(j("a casual note", &s, plain), Verdict::Publish);
    }

    #[test]
    fn emails_are_plain_addresses() {
        for ok in [
            "jo@example.org",
            "jo.smith+natter@mail.example.co.uk",
            "zoë@exämple.de",
            "a_b-c@x-y.example",
        ] {
            assert!(looks_like_email(ok), "{ok}");
        }
        for bad in [
            "a@b.c?bcc=spy@evil.example",
            "a@b.c,spy@evil.example",
            "a@b.c;spy@evil.example",
            "a@b.c&cc=spy@evil.example",
            "a%3Fcc=spy%40evil.example@b.c",
            "a#@b.c",
            "a b@example.org",
            "<a@example.org>",
            "\"a\"@example.org",
            "'a'@example.org",
            "a@exa_mple.org",
            "a@example..org",
            "a@.example.org",
            "a@example.org.",
            "a@example",
            "a@-example.org",
            "a\u{7}@example.org",
            "a@example.org\n",
            "@example.org",
            "a@",
            "a@b@example.org",
        ] {
            assert!(!looks_like_email(bad), "{bad:?}");
        }
        let mut c = new("hi");
        c.email = Some("a@b.c?bcc=spy@evil.example".into());
        let e = c.validate(&SiteSettings::default()).unwrap_err();
        assert_eq!(e.field, "email");
        assert!(e.message.contains("name@example.org"), "{}", e.message);
    }
}
