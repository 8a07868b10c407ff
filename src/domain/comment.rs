//! Comments: their fields, their limits and the decision to publish or hold.

use super::site::{ModerationMode, SiteSettings};
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
            Some(e) if e.len() > site.email_max as usize || !looks_like_email(e) => {
                return Err(field_err(
                    "email",
                    "The email address does not look right. Check it, or leave it empty.",
                ));
            }
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

/// A practical check: one `@`, something before it, a dotted domain after
/// it, no spaces or control characters. The confirmation email is the real test.
pub fn looks_like_email(e: &str) -> bool {
    let Some((local, domain)) = e.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
        && !domain.contains('@')
}

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

/// The moderation rules of DESIGN §5, in the order they apply.
pub fn judge(text: &str, site: &SiteSettings, signals: Signals) -> Verdict {
    if signals.honeypot {
        return Verdict::Spam;
    }
    let links = count_links(text);
    let lower = text.to_lowercase();
    let blocked = site
        .block_words
        .iter()
        .any(|w| !w.trim().is_empty() && lower.contains(&w.trim().to_lowercase()));
    if links > site.max_links as usize || blocked || signals.too_fast {
        return Verdict::Hold;
    }
    match site.moderation {
        ModerationMode::None => Verdict::Publish,
        ModerationMode::First if signals.known_author => Verdict::Publish,
        ModerationMode::First | ModerationMode::All => Verdict::Hold,
    }
}

/// Counts what readers would see as links: URLs and `www.` addresses.
fn count_links(text: &str) -> usize {
    let lower = text.to_lowercase();
    lower.matches("http://").count()
        + lower.matches("https://").count()
        + lower.matches("www.").count()
        - lower.matches("://www.").count()
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

    #[test]
    fn rules() {
        let mut s = SiteSettings::default();
        let plain = Signals::default();
        assert_eq!(judge("hello", &s, plain), Verdict::Publish);
        assert_eq!(
            judge("a http://a b https://b c www.c.org", &s, plain),
            Verdict::Hold
        );
        assert_eq!(
            judge("see https://www.a.org and http://b", &s, plain),
            Verdict::Publish
        );
        assert_eq!(
            judge(
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
            judge(
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
        assert_eq!(judge("best CASINO deals", &s, plain), Verdict::Hold);
        s.block_words.clear();
        s.moderation = ModerationMode::First;
        assert_eq!(judge("x", &s, plain), Verdict::Hold);
        assert_eq!(
            judge(
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
            judge(
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
}
