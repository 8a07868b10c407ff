//! The sign-in rules of a site (DESIGN §15): which providers it offers,
//! whether guests may post, how long signed-in readers keep their edits,
//! the team's badge and the blog's feed.

use super::{Invalid, Site};

/// The longest badge a site may give its moderators.
const BADGE_MAX: usize = 40;
/// The quickest a feed may be read again.
const FEED_EVERY_MIN: u32 = 1;

/// Checks a site's sign-in and feed settings. That each provider named
/// exists is checked where the providers are known (the configuration).
pub fn check_site(site: &Site) -> Result<(), Invalid> {
    let st = &site.settings;
    let mut seen = Vec::new();
    for id in &st.sign_in {
        if seen.contains(&id) {
            return Err(Invalid::new(
                "settings.sign_in",
                format!("provider {id:?} is offered twice: name each once"),
            ));
        }
        seen.push(id);
    }
    if !st.guests && st.sign_in.is_empty() {
        return Err(Invalid::new(
            "settings.guests",
            "With guests off, readers must sign in: offer at least one provider in sign_in.",
        ));
    }
    let badge = st.team_badge.trim();
    if badge.is_empty() || badge.chars().count() > BADGE_MAX {
        return Err(Invalid::new(
            "settings.team_badge",
            format!("Give the team's badge 1 to {BADGE_MAX} characters, like \"Blog team\"."),
        ));
    }
    if st.feed_every_seconds < FEED_EVERY_MIN {
        return Err(Invalid::new(
            "settings.feed_every_seconds",
            "Read the feed at most once a second: give feed_every as 15m or more.",
        ));
    }
    if let Some(feed) = &st.feed {
        check_feed(site, feed)?;
    }
    Ok(())
}

/// A feed must be an http(s) address on one of the site's origins, so
/// that natter never reads pages of someone else's choosing.
fn check_feed(site: &Site, feed: &str) -> Result<(), Invalid> {
    let url = url::Url::parse(feed).map_err(|_| {
        Invalid::new(
            "settings.feed",
            format!(
                "feed {feed:?} is not an address: write it like https://blog.example.org/feed/"
            ),
        )
    })?;
    let origin = url.origin().ascii_serialization();
    if !matches!(url.scheme(), "http" | "https") || !site.allows_origin(&origin) {
        return Err(Invalid::new(
            "settings.feed",
            format!(
                "feed {feed:?} is not on one of the site's origins ({}): give the blog's own feed",
                site.origins
                    .iter()
                    .map(|o| o.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::domain::{Site, SiteSettings};

    fn site(f: impl FnOnce(&mut SiteSettings)) -> Result<Site, crate::domain::Invalid> {
        let mut st = SiteSettings::default();
        f(&mut st);
        Site::new("blog", "Blog", &["https://blog.example.org".into()], st)
    }

    #[test]
    fn a_feed_must_be_on_the_sites_origin() {
        assert!(site(|s| s.feed = Some("https://blog.example.org/feed/".into())).is_ok());
        let e = site(|s| s.feed = Some("https://evil.example.net/feed".into())).unwrap_err();
        assert_eq!(e.field, "settings.feed");
        assert!(site(|s| s.feed = Some("file:///etc/passwd".into())).is_err());
    }

    #[test]
    fn sign_in_is_needed_when_guests_are_off() {
        assert!(site(|s| s.guests = false).is_err());
        assert!(
            site(|s| {
                s.guests = false;
                s.sign_in = vec!["gitlab".into()];
            })
            .is_ok()
        );
        assert!(site(|s| s.sign_in = vec!["a".into(), "a".into()]).is_err());
        assert!(site(|s| s.team_badge = " ".into()).is_err());
    }
}
