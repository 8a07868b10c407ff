//! Moderation transitions (DESIGN §5): what each moderator decision does to
//! a comment, which comments it changes, and what an emailed link or an
//! author's edit may still change. Pure rules over [`Status`], written as
//! exhaustive tables so that a new status or decision cannot slip through.

use super::{Invalid, SiteId, Status};
use serde::Deserialize;

/// What a moderator decides about a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Approve,
    Spam,
    Delete,
    Restore,
}

impl Decision {
    /// The status a comment has after the decision.
    pub fn status(self) -> Status {
        match self {
            Decision::Approve | Decision::Restore => Status::Published,
            Decision::Spam => Status::Spam,
            Decision::Delete => Status::Deleted,
        }
    }

    /// Its name in the audit log and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Spam => "spam",
            Decision::Delete => "delete",
            Decision::Restore => "restore",
        }
    }

    /// Whether the decision changes a comment standing at `from`. A comment
    /// already there is left alone, and so is one its author deleted
    /// (`erased`: nothing of it was kept to publish again).
    pub fn changes(self, from: Status, erased: bool) -> bool {
        let to = self.status();
        from != to && !(erased && to == Status::Published)
    }

    /// Whether an emailed moderator link still applies: approve was sent
    /// for a held comment, delete for a held or published one. After a
    /// moderator decided otherwise, the link must not undo it.
    pub fn link_applies(self, now: Status) -> bool {
        match self {
            Decision::Approve => now == Status::Pending,
            Decision::Delete => matches!(now, Status::Pending | Status::Published),
            Decision::Spam | Decision::Restore => false,
        }
    }
}

/// Where a comment stands after its author edits it: a published comment
/// whose new text the rules would hold goes back to the queue (DESIGN §14);
/// any other keeps its status.
pub fn after_edit(now: Status, held: bool) -> Status {
    match (now, held) {
        (Status::Published, true) => Status::Pending,
        (status, _) => status,
    }
}

/// What a moderator looks for in the list of comments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub status: Option<Status>,
    pub site: Option<SiteId>,
    /// Words found in the text, author, email or page address.
    pub q: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

/// The most comments one page of the list shows.
const SEARCH_PAGE_MAX: u32 = 200;

impl Search {
    /// A search from the fields a moderator filled in; empty ones are
    /// left out, numbers are checked against their bounds.
    pub fn new(
        status: Option<&str>,
        site: Option<&str>,
        q: Option<String>,
        limit: Option<&str>,
        offset: Option<&str>,
    ) -> Result<Search, Invalid> {
        let status = match status.filter(|s| !s.is_empty()) {
            Some(s) => Some(Status::parse(s).ok_or_else(|| {
                Invalid::new(
                    "status",
                    "status must be published, pending, spam or deleted",
                )
            })?),
            None => None,
        };
        let site = match site.filter(|s| !s.is_empty()) {
            Some(s) => Some(SiteId::parse(s).map_err(|m| Invalid::new("site", m))?),
            None => None,
        };
        Ok(Search {
            status,
            site,
            q,
            limit: number("limit", limit, 50, SEARCH_PAGE_MAX)?.max(1),
            offset: number("offset", offset, 0, u32::MAX)?,
        })
    }
}

fn number(field: &'static str, v: Option<&str>, default: u32, max: u32) -> Result<u32, Invalid> {
    match v {
        None => Ok(default),
        Some(v) => v.parse().ok().filter(|n| *n <= max).ok_or_else(|| {
            Invalid::new(field, format!("{field} must be a whole number up to {max}"))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Status; 4] = [
        Status::Published,
        Status::Pending,
        Status::Spam,
        Status::Deleted,
    ];

    #[test]
    fn a_decision_changes_only_what_is_not_already_so() {
        for from in ALL {
            for d in [
                Decision::Approve,
                Decision::Spam,
                Decision::Delete,
                Decision::Restore,
            ] {
                assert_eq!(d.changes(from, false), from != d.status(), "{d:?} {from:?}");
            }
        }
        assert!(!Decision::Restore.changes(Status::Deleted, true));
        assert!(Decision::Spam.changes(Status::Deleted, true));
    }

    #[test]
    fn links_apply_only_to_the_state_they_were_sent_for() {
        assert!(Decision::Approve.link_applies(Status::Pending));
        assert!(!Decision::Approve.link_applies(Status::Spam));
        assert!(!Decision::Approve.link_applies(Status::Published));
        assert!(Decision::Delete.link_applies(Status::Published));
        assert!(!Decision::Delete.link_applies(Status::Spam));
    }

    #[test]
    fn a_search_checks_its_bounds() {
        let s = Search::new(Some("pending"), Some(""), None, Some("0"), None).unwrap();
        assert_eq!(
            (s.status, s.site, s.limit),
            (Some(Status::Pending), None, 1)
        );
        let too_many = Search::new(None, None, None, Some("201"), None);
        assert_eq!(too_many.unwrap_err().field, "limit");
        assert_eq!(
            Search::new(Some("gone"), None, None, None, None)
                .unwrap_err()
                .field,
            "status"
        );
    }

    #[test]
    fn only_a_held_edit_of_a_published_comment_goes_back_to_the_queue() {
        assert_eq!(after_edit(Status::Published, true), Status::Pending);
        assert_eq!(after_edit(Status::Published, false), Status::Published);
        assert_eq!(after_edit(Status::Pending, false), Status::Pending);
    }
}
