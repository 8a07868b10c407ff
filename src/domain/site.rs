//! Sites: who may embed natter, and how each site moderates.

pub use super::origin::{Origin, SiteId};

use super::Invalid;
use serde::{Deserialize, Serialize};

/// How a site treats new comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ModerationMode {
    /// Publish at once (the spam rules may still hold a comment).
    #[default]
    None,
    /// Hold a comment unless its author has an earlier approved comment.
    First,
    /// Hold every comment for a moderator.
    All,
}

impl ModerationMode {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(Self::None),
            "first" => Ok(Self::First),
            "all" => Ok(Self::All),
            _ => Err(format!(
                "moderation {s:?} is not known: use none, first or all"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::First => "first",
            Self::All => "all",
        }
    }
}

/// Per-site settings, stored as JSON beside the site; every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteSettings {
    pub moderation: ModerationMode,
    /// How long an author may edit or delete their comment, in seconds.
    pub edit_window_seconds: u32,
    /// How deep the widget indents replies before it shows them flat.
    pub max_depth: u8,
    pub require_name: bool,
    pub require_email: bool,
    /// Query parameters that are part of a page's identity (WordPress's `p`).
    pub keep_query: Vec<String>,
    /// More links than this hold a comment for moderation.
    pub max_links: u32,
    /// Words that hold a comment for moderation (case-insensitive).
    pub block_words: Vec<String>,
    pub text_max: u32,
    pub name_max: u32,
    pub email_max: u32,
    pub website_max: u32,
    /// The language of emails and of natter's own pages for this site.
    pub language: String,
    /// Who is emailed about each new comment.
    pub moderator_emails: Vec<String>,
    pub webhooks: Vec<Webhook>,
    /// The sign-in providers offered on this site, by id, in order.
    pub sign_in: Vec<String>,
    /// Whether readers may post without signing in.
    pub guests: bool,
    /// How long signed-in readers may edit or delete their own comments,
    /// in seconds; `None` is always.
    pub own_edits_seconds: Option<u32>,
    /// The badge on comments by the site's moderators.
    pub team_badge: String,
    /// The blog's RSS or Atom feed, on one of the site's origins, whose new
    /// posts subscribers are emailed about.
    pub feed: Option<String>,
    /// How often the feed is read, in seconds.
    pub feed_every_seconds: u32,
}

/// A URL that is sent each comment event, signed with `secret`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub url: String,
    pub secret: String,
}

/// The languages natter writes emails and pages in.
pub const LANGUAGES: [&str; 7] = ["en", "de", "fr", "es", "nl", "pt", "ar"];

impl SiteSettings {
    /// Checks the notification settings; the error names the setting and
    /// says what to change.
    pub fn check_notifications(&self) -> Result<(), Invalid> {
        if !LANGUAGES.contains(&self.language.as_str()) {
            return Err(Invalid::new(
                "settings.language",
                format!(
                    "language {:?} is not one natter writes: use one of {}",
                    self.language,
                    LANGUAGES.join(", ")
                ),
            ));
        }
        for e in &self.moderator_emails {
            if !super::email::looks_like_email(e) {
                return Err(Invalid::new(
                    "settings.moderator_emails",
                    format!("moderator email {e:?} is not an email address like name@example.org"),
                ));
            }
        }
        for w in &self.webhooks {
            let ok = url::Url::parse(&w.url)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            if !ok {
                return Err(Invalid::new(
                    "settings.webhooks",
                    format!(
                        "webhook url {:?} must be an http:// or https:// address",
                        w.url
                    ),
                ));
            }
            if w.secret.len() < 16 {
                return Err(Invalid::new(
                    "settings.webhooks",
                    format!(
                        "the secret of webhook {:?} must be at least 16 characters long",
                        w.url
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            moderation: ModerationMode::None,
            edit_window_seconds: 15 * 60,
            max_depth: 5,
            require_name: false,
            require_email: false,
            keep_query: Vec::new(),
            max_links: 2,
            block_words: Vec::new(),
            text_max: 10_000,
            name_max: 80,
            email_max: 254,
            website_max: 500,
            language: "en".into(),
            moderator_emails: Vec::new(),
            webhooks: Vec::new(),
            sign_in: Vec::new(),
            guests: true,
            own_edits_seconds: None,
            team_badge: "Blog team".into(),
            feed: None,
            feed_every_seconds: 15 * 60,
        }
    }
}

/// A registered site.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: SiteId,
    pub name: String,
    pub origins: Vec<Origin>,
    pub settings: SiteSettings,
}

impl Site {
    /// The one way a site is made from what a person typed (the admin
    /// page, natter.toml, `natter site add`, a JSON import): its id and
    /// origins parsed, its name trimmed, and [`Site::check`] passed.
    pub fn new(
        id: &str,
        name: &str,
        origins: &[String],
        settings: SiteSettings,
    ) -> Result<Site, Invalid> {
        let id = SiteId::parse(id.trim()).map_err(|m| Invalid::new("id", m))?;
        let origins = origins
            .iter()
            .map(|o| Origin::parse(o))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|m| Invalid::new("origins", m))?;
        let site = Site {
            id,
            name: name.trim().to_string(),
            origins,
            settings,
        };
        site.check()?;
        Ok(site)
    }

    pub fn allows_origin(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o.as_str() == origin)
    }

    /// Checks a site as every path that saves one must (the admin API and
    /// the import): a name, an origin, settings within their bounds and
    /// notification settings that work. The error names the field and says
    /// what to change. Where webhooks may go is checked beside this, by
    /// `notify::target`, which knows the operator's allowed ranges.
    pub fn check(&self) -> Result<(), Invalid> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(Invalid::new(
                "name",
                "Give the site a name of 1 to 200 characters.",
            ));
        }
        if self.origins.is_empty() {
            return Err(Invalid::new(
                "origins",
                "Give at least one origin, like https://blog.example.org.",
            ));
        }
        let st = &self.settings;
        let bounds = [
            ("settings.text_max", st.text_max, 1, 100_000),
            ("settings.name_max", st.name_max, 1, 200),
            ("settings.email_max", st.email_max, 6, 254),
            ("settings.website_max", st.website_max, 10, 2000),
            ("settings.max_depth", u32::from(st.max_depth), 1, 20),
            (
                "settings.edit_window_seconds",
                st.edit_window_seconds,
                0,
                7 * 86_400,
            ),
        ];
        for (field, value, lo, hi) in bounds {
            if !(lo..=hi).contains(&value) {
                return Err(Invalid::new(
                    field,
                    format!("{field} must be between {lo} and {hi}."),
                ));
            }
        }
        st.check_notifications()?;
        super::signin::check_site(self)
    }
}

/// Parses a duration such as `90s`, `15m`, `2h` or `1d` into seconds.
pub fn parse_duration(s: &str) -> Result<u32, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u32 = num
        .parse()
        .map_err(|_| format!("duration {s:?} is not valid: write it like 90s, 15m, 2h or 1d"))?;
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => {
            return Err(format!(
                "duration {s:?} has an unknown unit: use s, m, h or d"
            ));
        }
    };
    n.checked_mul(scale)
        .ok_or_else(|| format!("duration {s:?} is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m"), Ok(900));
        assert_eq!(parse_duration("90"), Ok(90));
        assert_eq!(parse_duration("1d"), Ok(86_400));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5w").is_err());
    }
}
