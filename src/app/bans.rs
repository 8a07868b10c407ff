//! Bans of an address, an email or a signed-in reader's identity (DESIGN
//! §5, §15), given directly or as the author of a comment.

use super::session::AdminSession;
use super::{App, audit};
use crate::domain::audit::{Change, Entry, Target};
use crate::domain::{Author, BanId, BanKind, CommentId, NewBan, now};
use crate::error::Error;
use crate::store::{StoreError, bans, bans::BanRow, comments};

/// Whom a ban is of.
#[derive(Debug, Clone)]
pub enum BanOf {
    /// The value itself: an IP hash or an email address.
    Value(String),
    /// The author of this comment.
    AuthorOf(CommentId),
}

impl App {
    pub async fn bans(&self) -> Result<Vec<BanRow>, Error> {
        Ok(self.db.read(|c| bans::list(c, now())).await?)
    }

    /// Bans an IP hash or an email, given directly or as a comment's
    /// author, for `days` or without end; returns the ban's id.
    pub async fn ban(
        &self,
        s: &AdminSession,
        kind: BanKind,
        of: Option<BanOf>,
        reason: &str,
        days: Option<u32>,
    ) -> Result<BanId, Error> {
        let row = match &of {
            Some(BanOf::AuthorOf(id)) => {
                let id = *id;
                Some(self.db.read(move |c| comments::get(c, id)).await?)
            }
            _ => None,
        };
        let value = match &of {
            Some(BanOf::Value(v)) => Some(v.as_str()),
            _ => None,
        };
        let author = row.as_ref().map(|r| Author {
            ip_hash: r.ip_hash.as_deref(),
            email: r.email.as_deref(),
            identity: r.identity,
        });
        let ban = NewBan::new(kind, value, author, reason, days, now())?;
        let actor = s.actor();
        let id = self
            .db
            .write(move |c| {
                let id = bans::add(
                    c,
                    ban.kind.as_str(),
                    &ban.value,
                    &ban.reason,
                    ban.created,
                    ban.expires,
                    actor.name(),
                )?;
                let target = Target::NewBan(ban.kind, id);
                let entry = Entry::new(&actor, Change::Ban, target, ban.reason);
                audit::record(c, ban.created, &entry)?;
                Ok::<_, StoreError>(id)
            })
            .await?;
        Ok(id)
    }

    pub async fn unban(&self, s: &AdminSession, id: BanId) -> Result<(), Error> {
        let actor = s.actor();
        self.db
            .write(move |c| {
                bans::remove(c, id)?;
                let entry = Entry::new(&actor, Change::Unban, Target::Ban(id), "");
                audit::record(c, now(), &entry)
            })
            .await?;
        Ok(())
    }
}
