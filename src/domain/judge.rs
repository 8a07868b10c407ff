//! The decision to publish a new comment, hold it for a moderator or
//! keep it as spam (DESIGN §5).

use super::Status;
use super::site::{ModerationMode, SiteSettings};
use crate::render::{self, SafeHtml};

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

/// Which rule held a comment (or kept it as spam), as stored with it and
/// shown beside it in the admin queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldReason {
    /// More links than the site allows.
    Links,
    /// A word of the site's block list.
    BlockedWord,
    /// Sent sooner than a person could have written it.
    Timing,
    /// The honeypot field was filled in.
    Honeypot,
    /// The site holds a new author's first comment.
    FirstComment,
    /// The site holds every comment.
    ModeAll,
    /// Its author edited it after it was published.
    Edit,
}

impl HeldReason {
    /// Its name as stored and in the admin API.
    pub fn as_str(self) -> &'static str {
        match self {
            HeldReason::Links => "links",
            HeldReason::BlockedWord => "blocked_word",
            HeldReason::Timing => "timing",
            HeldReason::Honeypot => "honeypot",
            HeldReason::FirstComment => "first_comment",
            HeldReason::ModeAll => "mode_all",
            HeldReason::Edit => "edit",
        }
    }

    /// The reason named by [`HeldReason::as_str`], if it is one.
    pub fn parse(s: &str) -> Option<HeldReason> {
        [
            HeldReason::Links,
            HeldReason::BlockedWord,
            HeldReason::Timing,
            HeldReason::Honeypot,
            HeldReason::FirstComment,
            HeldReason::ModeAll,
            HeldReason::Edit,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    /// The reason in plain words, for a moderator.
    pub fn words(self) -> &'static str {
        match self {
            HeldReason::Links => "It has more links than the site allows.",
            HeldReason::BlockedWord => "It contains a word from the site's block list.",
            HeldReason::Timing => "It was sent sooner than a person could have written it.",
            HeldReason::Honeypot => "It filled in a field people never see, as spam robots do.",
            HeldReason::FirstComment => "It is the author's first comment on the site.",
            HeldReason::ModeAll => "The site holds every comment for a moderator.",
            HeldReason::Edit => "Its author changed it after it was published.",
        }
    }
}

/// The moderation rules of DESIGN §5, in the order they apply. They weigh
/// what readers will see (DESIGN §14): the links of the rendered HTML and
/// its text with character references decoded, so `&#58;` or `cas&#105;no`
/// count as what they show.
pub fn judge(html: &SafeHtml, site: &SiteSettings, signals: Signals) -> Verdict {
    judge_why(html, site, signals).0
}

/// The same rules as [`judge`], with the one that decided when the comment
/// is not published: the first of them that applies.
pub fn judge_why(
    html: &SafeHtml,
    site: &SiteSettings,
    signals: Signals,
) -> (Verdict, Option<HeldReason>) {
    if signals.honeypot {
        return (Verdict::Spam, Some(HeldReason::Honeypot));
    }
    let held = |r| (Verdict::Hold, Some(r));
    if render::link_count(html) > site.max_links as usize {
        return held(HeldReason::Links);
    }
    let seen = seen_text(html);
    let blocked = site.block_words.iter().any(|w| {
        let w = w.trim().to_lowercase();
        !w.is_empty() && seen.contains(&w)
    });
    if blocked {
        return held(HeldReason::BlockedWord);
    }
    if signals.too_fast {
        return held(HeldReason::Timing);
    }
    match site.moderation {
        ModerationMode::None => (Verdict::Publish, None),
        ModerationMode::First if signals.known_author => (Verdict::Publish, None),
        ModerationMode::First => held(HeldReason::FirstComment),
        ModerationMode::All => held(HeldReason::ModeAll),
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
    fn the_rule_that_held_a_comment_is_named() {
        let why =
            |text: &str, s: &SiteSettings, signals| judge_why(&render::render(text), s, signals);
        let mut s = SiteSettings::default();
        let plain = Signals::default();
        assert_eq!(why("hello", &s, plain), (Verdict::Publish, None));
        let links = "a http://a.org b https://b.org c [c](https://c.org)";
        assert_eq!(why(links, &s, plain).1, Some(HeldReason::Links));
        let fast = Signals {
            too_fast: true,
            ..plain
        };
        assert_eq!(why("x", &s, fast).1, Some(HeldReason::Timing));
        let trap = Signals {
            honeypot: true,
            ..plain
        };
        assert_eq!(
            why("x", &s, trap),
            (Verdict::Spam, Some(HeldReason::Honeypot))
        );
        s.block_words = vec!["casino".into()];
        assert_eq!(why("a casino", &s, plain).1, Some(HeldReason::BlockedWord));
        s.block_words.clear();
        s.moderation = ModerationMode::First;
        assert_eq!(why("x", &s, plain).1, Some(HeldReason::FirstComment));
        s.moderation = ModerationMode::All;
        assert_eq!(why("x", &s, plain).1, Some(HeldReason::ModeAll));
        for r in [
            "links",
            "blocked_word",
            "timing",
            "honeypot",
            "first_comment",
            "mode_all",
            "edit",
        ] {
            let parsed = HeldReason::parse(r).unwrap();
            assert_eq!(parsed.as_str(), r);
            assert!(parsed.words().ends_with('.'));
        }
        assert_eq!(HeldReason::parse("other"), None);
    }
}
