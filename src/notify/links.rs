//! Signed links in emails: what a link may do, to what, until when.
//!
//! A link reads `purpose.target.expires.nonce.signature`. The signature is
//! an HMAC of the other parts under the server's secret, so a link cannot be
//! made or changed without it; single-use links also record their nonce
//! when used.

use crate::domain::{CommentId, SiteId, UnixTime};
use crate::keys::{Keys, random_nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

const DAY: i64 = 86_400;
/// How long an emailed sign-in link works.
pub const SIGN_IN_MINUTES: i64 = 15;

/// What a link does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A moderator approves a comment (single use, 7 days).
    Approve(CommentId),
    /// A moderator deletes a comment (single use, 7 days).
    Delete(CommentId),
    /// A reader confirms their address (7 days).
    Confirm(i64),
    /// A reader ends one subscription (never expires).
    Unsubscribe(i64),
    /// A reader ends every subscription on a site (never expires).
    UnsubscribeAll(i64),
    /// A reader stops the emails about a site's new posts (never expires).
    UnsubscribePosts(i64),
    /// A reader sees and ends their subscriptions on a site (never expires).
    Subscriptions(i64),
    /// A commenter downloads their comments (24 hours).
    Export { site: SiteId, email: String },
    /// A commenter erases their comments (single use, 24 hours).
    Erase { site: SiteId, email: String },
    /// A reader signs in with their address and goes back to `back`
    /// (single use, 15 minutes).
    SignIn {
        site: SiteId,
        email: String,
        back: String,
    },
}

impl Action {
    fn purpose(&self) -> &'static str {
        match self {
            Action::Approve(_) => "approve",
            Action::Delete(_) => "delete",
            Action::Confirm(_) => "confirm",
            Action::Unsubscribe(_) => "unsub",
            Action::UnsubscribeAll(_) => "unsuball",
            Action::UnsubscribePosts(_) => "unsubposts",
            Action::Subscriptions(_) => "subs",
            Action::Export { .. } => "export",
            Action::Erase { .. } => "erase",
            Action::SignIn { .. } => "signin",
        }
    }

    fn target(&self) -> String {
        match self {
            Action::Approve(id) | Action::Delete(id) => id.0.to_string(),
            Action::Confirm(id)
            | Action::Unsubscribe(id)
            | Action::UnsubscribeAll(id)
            | Action::UnsubscribePosts(id)
            | Action::Subscriptions(id) => id.to_string(),
            Action::Export { site, email } | Action::Erase { site, email } => {
                B64.encode(format!("{site}\n{email}"))
            }
            Action::SignIn { site, email, back } => B64.encode(format!("{site}\n{email}\n{back}")),
        }
    }

    /// How long a link lives; None for ever.
    fn lifetime(&self) -> Option<i64> {
        match self {
            Action::Approve(_) | Action::Delete(_) | Action::Confirm(_) => Some(7 * DAY),
            Action::Unsubscribe(_)
            | Action::UnsubscribeAll(_)
            | Action::UnsubscribePosts(_)
            | Action::Subscriptions(_) => None,
            Action::Export { .. } | Action::Erase { .. } => Some(DAY),
            Action::SignIn { .. } => Some(SIGN_IN_MINUTES * 60),
        }
    }

    /// Whether using the link once uses it up.
    pub fn single_use(&self) -> bool {
        matches!(
            self,
            Action::Approve(_) | Action::Delete(_) | Action::Erase { .. } | Action::SignIn { .. }
        )
    }

    fn parse(purpose: &str, target: &str) -> Option<Action> {
        let id = || target.parse::<i64>().ok();
        let privacy = || {
            let raw = String::from_utf8(B64.decode(target).ok()?).ok()?;
            let (site, email) = raw.split_once('\n')?;
            Some((SiteId::parse(site).ok()?, email.to_string()))
        };
        Some(match purpose {
            "approve" => Action::Approve(CommentId(id()?)),
            "delete" => Action::Delete(CommentId(id()?)),
            "confirm" => Action::Confirm(id()?),
            "unsub" => Action::Unsubscribe(id()?),
            "unsuball" => Action::UnsubscribeAll(id()?),
            "unsubposts" => Action::UnsubscribePosts(id()?),
            "subs" => Action::Subscriptions(id()?),
            "export" => {
                let (site, email) = privacy()?;
                Action::Export { site, email }
            }
            "erase" => {
                let (site, email) = privacy()?;
                Action::Erase { site, email }
            }
            "signin" => {
                let raw = String::from_utf8(B64.decode(target).ok()?).ok()?;
                let mut parts = raw.splitn(3, '\n');
                let site = SiteId::parse(parts.next()?).ok()?;
                let (email, back) = (parts.next()?.to_string(), parts.next()?.to_string());
                Action::SignIn { site, email, back }
            }
            _ => return None,
        })
    }
}

/// A link that checked out.
#[derive(Debug, Clone)]
pub struct Link {
    pub action: Action,
    pub nonce: String,
    pub token: String,
}

/// Why a link does not work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    /// Cut short, changed or made up.
    Invalid,
    Expired,
}

/// Makes the token of a link, issued at `now`.
pub fn sign(keys: &Keys, action: &Action, now: UnixTime) -> String {
    let expires = action.lifetime().map_or(0, |l| now + l).to_string();
    let (purpose, target, nonce) = (action.purpose(), action.target(), random_nonce());
    let sig = keys.link_signature(&[purpose, &target, &expires, &nonce]);
    format!("{purpose}.{target}.{expires}.{nonce}.{sig}")
}

/// Checks a token's signature and age.
pub fn verify(keys: &Keys, token: &str, now: UnixTime) -> Result<Link, LinkError> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [purpose, target, expires, nonce, sig] = parts[..] else {
        return Err(LinkError::Invalid);
    };
    if !keys.check_link_signature(&[purpose, target, expires, nonce], sig) {
        return Err(LinkError::Invalid);
    }
    let action = Action::parse(purpose, target).ok_or(LinkError::Invalid)?;
    let expires: i64 = expires.parse().map_err(|_| LinkError::Invalid)?;
    if expires != 0 && now > expires {
        return Err(LinkError::Expired);
    }
    Ok(Link {
        action,
        nonce: nonce.to_string(),
        token: token.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_round_trip_and_refuse_changes() {
        let keys = Keys::new(b"k".to_vec());
        let erase = Action::Erase {
            site: SiteId::parse("blog").unwrap(),
            email: "jo@example.org".into(),
        };
        for action in [
            Action::Approve(CommentId(7)),
            Action::Unsubscribe(3),
            Action::UnsubscribePosts(4),
            Action::Subscriptions(5),
            erase,
        ] {
            let t = sign(&keys, &action, 1000);
            assert_eq!(verify(&keys, &t, 1001).unwrap().action, action);
            let forged = t.replacen('.', "9.", 1);
            assert_eq!(
                verify(&keys, &forged, 1001).unwrap_err(),
                LinkError::Invalid
            );
            let other = Keys::new(b"other".to_vec());
            assert_eq!(verify(&other, &t, 1001).unwrap_err(), LinkError::Invalid);
        }
        let t = sign(&keys, &Action::Approve(CommentId(7)), 1000);
        assert_eq!(
            verify(&keys, &t, 1000 + 8 * DAY).unwrap_err(),
            LinkError::Expired
        );
        let t = sign(&keys, &Action::Unsubscribe(3), 1000);
        assert!(verify(&keys, &t, 1000 + 4000 * DAY).is_ok());
        assert_eq!(
            verify(&keys, "approve.7", 1000).unwrap_err(),
            LinkError::Invalid
        );
    }
}
