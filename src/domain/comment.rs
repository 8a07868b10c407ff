//! Comments: their ids, where they stand, their fields and the limits on them.

use super::Invalid;
use super::email::{EMAIL_HELP, looks_like_email};
use super::site::SiteSettings;
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

fn optional(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Checks the text alone, as edits and previews need too.
pub fn validate_text(text: &str, limits: &SiteSettings) -> Result<String, Invalid> {
    let text = text.trim();
    let n = text.chars().count();
    if n == 0 {
        return Err(Invalid::new(
            "text",
            "Please write a comment before sending it.",
        ));
    }
    if n > limits.text_max as usize {
        return Err(Invalid::new(
            "text",
            format!(
                "The comment is {n} characters long; the most this site accepts is {}. Please shorten it.",
                limits.text_max
            ),
        ));
    }
    Ok(text.to_string())
}

/// Checks a name given (a comment's, or a signed-in reader's display
/// name) against the site's limits; returns it trimmed.
pub fn check_name(name: &str, site: &SiteSettings) -> Result<String, Invalid> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Invalid::new("name", "Please give a name."));
    }
    if n.chars().count() > site.name_max as usize {
        return Err(Invalid::new(
            "name",
            format!("The name can be at most {} characters.", site.name_max),
        ));
    }
    if n.chars().any(char::is_control) {
        return Err(Invalid::new(
            "name",
            "The name cannot contain line breaks or control characters.",
        ));
    }
    Ok(n.to_string())
}

impl NewComment {
    /// Applies the site's limits (DESIGN §3) to every field.
    pub fn validate(self, site: &SiteSettings) -> Result<Validated, Invalid> {
        let text = validate_text(&self.text, site)?;
        let name = optional(self.name);
        let email = optional(self.email);
        let website = optional(self.website);
        let title = optional(self.title).map(|t| t.chars().take(300).collect());

        if name.is_none() && site.require_name {
            return Err(Invalid::new(
                "name",
                "Please give a name: this site asks for one.",
            ));
        }
        let name = name.map(|n| check_name(&n, site)).transpose()?;
        match &email {
            None if site.require_email => {
                return Err(Invalid::new(
                    "email",
                    "Please give an email address: this site asks for one.",
                ));
            }
            Some(e) if e.len() > site.email_max as usize => {
                return Err(Invalid::new(
                    "email",
                    format!(
                        "The email address can be at most {} characters.",
                        site.email_max
                    ),
                ));
            }
            Some(e) if !looks_like_email(e) => return Err(Invalid::new("email", EMAIL_HELP)),
            _ => {}
        }
        if let Some(w) = &website {
            if w.chars().count() > site.website_max as usize {
                return Err(Invalid::new(
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
                return Err(Invalid::new(
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
    fn an_email_with_more_after_it_is_refused_with_an_example() {
        let mut c = new("hi");
        c.email = Some("a@b.c?bcc=spy@evil.example".into());
        let e = c.validate(&SiteSettings::default()).unwrap_err();
        assert_eq!(e.field, "email");
        assert!(e.message.contains("name@example.org"), "{}", e.message);
    }
}
