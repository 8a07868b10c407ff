//! The audit log's vocabulary (DESIGN §5): who changed something, what they
//! did, and to what. Every change a moderator, an emailed link or the
//! command line makes is written with these, so the log reads the same
//! whichever door the change came through.

use super::moderation::Decision;
use super::{BanId, BanKind, CommentId, OutboxId, ProviderId, SiteId, ThreadId};
use std::fmt;

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in moderator, by username.
    Moderator(String),
    /// Someone who followed a link natter emailed (a moderator's approve
    /// or delete link, a reader's erase link).
    EmailLink,
    /// The operator, through `natter` on the server.
    CommandLine,
}

impl Actor {
    pub fn name(&self) -> &str {
        match self {
            Actor::Moderator(username) => username,
            Actor::EmailLink => "email link",
            Actor::CommandLine => "command line",
        }
    }
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Login,
    Logout,
    LogoutEverywhere,
    Decided(Decision),
    Edit,
    Ban,
    Unban,
    Retitle,
    Lock,
    Unlock,
    Remap,
    SaveSite,
    Retry,
    Erase,
    /// A reply written from the admin page.
    Reply,
    Pin,
    Unpin,
    /// An identity linked to, or unlinked from, a moderator's account.
    LinkIdentity,
    UnlinkIdentity,
    SaveProvider,
    DeleteProvider,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Login => "login",
            Change::Logout => "logout",
            Change::LogoutEverywhere => "logout_everywhere",
            Change::Decided(d) => d.as_str(),
            Change::Edit => "edit",
            Change::Ban => "ban",
            Change::Unban => "unban",
            Change::Retitle => "retitle",
            Change::Lock => "lock",
            Change::Unlock => "unlock",
            Change::Remap => "remap",
            Change::SaveSite => "save_site",
            Change::Retry => "retry",
            Change::Erase => "erase",
            Change::Reply => "reply",
            Change::Pin => "pin",
            Change::Unpin => "unpin",
            Change::LinkIdentity => "link_identity",
            Change::UnlinkIdentity => "unlink_identity",
            Change::SaveProvider => "save_provider",
            Change::DeleteProvider => "delete_provider",
        }
    }
}

/// What a change was made to, as the log names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Admin(String),
    Comment(CommentId),
    Thread(ThreadId),
    NewBan(BanKind, BanId),
    Ban(BanId),
    Site(SiteId),
    Outbox(OutboxId),
    /// A signed-in reader's identity, by its row id.
    Identity(i64),
    Provider(ProviderId),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Admin(username) => f.write_str(username),
            Target::Comment(id) => write!(f, "comment {id}"),
            Target::Thread(id) => write!(f, "thread {id}"),
            Target::NewBan(kind, id) => write!(f, "{} ban {id}", kind.as_str()),
            Target::Ban(id) => write!(f, "ban {id}"),
            Target::Site(id) => write!(f, "site {id}"),
            Target::Outbox(id) => write!(f, "outbox {id}"),
            Target::Identity(id) => write!(f, "identity {id}"),
            Target::Provider(id) => write!(f, "provider {id}"),
        }
    }
}

/// One line of the audit log, before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub actor: Actor,
    pub change: Change,
    pub target: Target,
    /// What else the line says: the old status, a reason, a new title.
    pub detail: String,
}

impl Entry {
    pub fn new(actor: &Actor, change: Change, target: Target, detail: impl Into<String>) -> Entry {
        Entry {
            actor: actor.clone(),
            change,
            target,
            detail: detail.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_names_what_was_changed_as_before() {
        let t = Target::NewBan(BanKind::Email, BanId(3));
        assert_eq!(t.to_string(), "email ban 3");
        assert_eq!(Target::Comment(CommentId(7)).to_string(), "comment 7");
        assert_eq!(Change::Decided(Decision::Spam).as_str(), "spam");
        assert_eq!(Actor::CommandLine.name(), "command line");
        let p = Target::Provider(ProviderId::parse("gitlab").unwrap());
        assert_eq!(p.to_string(), "provider gitlab");
        assert_eq!(Target::Identity(4).to_string(), "identity 4");
    }
}
