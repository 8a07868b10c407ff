//! What moderators do to comments (DESIGN §5): list the queue, approve,
//! mark spam, delete, restore and edit. Each change is written to the
//! audit log in the same transaction.

use super::audit;
use super::providers_admin::ProviderNames;
use super::session::AdminSession;
use super::threads::{AdminThread, thread_view};
use super::{App, blocking};
use crate::domain::audit::{Actor, Change, Entry, Target};
use crate::domain::judge::HeldReason;
use crate::domain::moderation::Search;
use crate::domain::{CommentId, Decision, SiteSettings, Status, ThreadId, UnixTime, now, rfc3339};
use crate::error::Error;
use crate::store::{
    Conn, StoreError, comments, comments::CommentRow, comments_search, threads, threads::ThreadRow,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry as Entry_;

#[derive(Debug, Serialize)]
pub struct AdminAuthor {
    pub name: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AdminComment {
    pub id: CommentId,
    pub parent: Option<CommentId>,
    pub status: Status,
    pub author: AdminAuthor,
    pub ip_hash: Option<String>,
    pub text: String,
    pub html: String,
    pub created: String,
    pub edited: Option<String>,
    pub likes: i64,
    pub dislikes: i64,
    pub thread: AdminThread,
    /// The signed-in reader's identity who wrote it, if one did.
    pub identity: Option<i64>,
    /// Written by a signed-in reader: the verified mark.
    pub verified: bool,
    /// The name of the provider they signed in with.
    pub provider: Option<String>,
    /// Written by a moderator: it carries the site's team badge.
    pub team: bool,
    pub pinned: bool,
    /// Which rule held it (`domain::judge::HeldReason`), and that in words.
    pub held_reason: Option<String>,
    pub held_because: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct CommentList {
    pub comments: Vec<AdminComment>,
    pub total: u64,
}

pub(super) fn admin_comment(c: CommentRow, t: &ThreadRow, names: &ProviderNames) -> AdminComment {
    let reason = c.held_reason.as_deref().and_then(HeldReason::parse);
    AdminComment {
        identity: c.identity,
        verified: c.identity.is_some(),
        provider: c.provider.as_deref().map(|p| names.name_of(p)),
        team: c.team,
        pinned: c.pinned,
        held_because: reason.map(HeldReason::words),
        held_reason: c.held_reason,
        id: c.id,
        parent: c.parent,
        status: c.status,
        author: AdminAuthor {
            name: c.name,
            email: c.email,
            website: c.website,
        },
        ip_hash: c.ip_hash,
        text: c.text,
        html: c.html.into_string(),
        created: rfc3339(c.created),
        edited: c.edited.map(rfc3339),
        likes: c.likes,
        dislikes: c.dislikes,
        thread: thread_view(t),
    }
}

impl App {
    /// Comments for the moderation page, newest first.
    pub async fn admin_comments(&self, filter: Search) -> Result<CommentList, Error> {
        let (rows, total) = self
            .db
            .read(move |c| comments_search::search(c, &filter))
            .await?;
        let names = self.provider_names();
        let comments = rows
            .into_iter()
            .map(|l| admin_comment(l.comment, &l.thread, &names))
            .collect();
        Ok(CommentList { comments, total })
    }

    /// Approves, marks as spam, deletes or restores comments; returns how
    /// many changed.
    pub async fn moderate(
        &self,
        s: &AdminSession,
        ids: Vec<CommentId>,
        decision: Decision,
    ) -> Result<u32, Error> {
        if ids.is_empty() || ids.len() > 500 {
            return Err(Error::validation("ids", "Choose 1 to 500 comments."));
        }
        self.moderate_as(s.actor(), ids, decision, None).await
    }

    /// Moderates as `actor` (a moderator, or an emailed link); with a
    /// link's nonce, the change happens only if the link was not used
    /// before, and uses it up. Readers and webhooks hear of what changed;
    /// each thread's cached answers are dropped once.
    pub(super) async fn moderate_as(
        &self,
        actor: Actor,
        ids: Vec<CommentId>,
        decision: Decision,
        nonce: Option<String>,
    ) -> Result<u32, Error> {
        let app = self.clone();
        let (changed, touched) = self
            .db
            .write(move |c| {
                let at = now();
                if let Some(n) = &nonce
                    && !crate::store::used_links::use_link(c, n, at)?
                {
                    return Err(Error::LinkUsed);
                }
                let mut touched: BTreeMap<ThreadId, ThreadRow> = BTreeMap::new();
                let mut changed = 0;
                for id in ids {
                    let mut row = comments::get(c, id)?;
                    // An author's own deletion kept no text to publish again.
                    if !decision.changes(row.status, row.text.is_empty()) {
                        continue;
                    }
                    comments::set_status(c, id, decision.status())?;
                    let change = Change::Decided(decision);
                    let entry =
                        Entry::new(&actor, change, Target::Comment(id), row.status.as_str());
                    audit::record(c, at, &entry)?;
                    row.status = decision.status();
                    changed += 1;
                    let thread = match touched.entry(row.thread_id) {
                        Entry_::Occupied(t) => t.into_mut(),
                        Entry_::Vacant(v) => v.insert(threads::get(c, row.thread_id)?),
                    };
                    app.tell_readers(c, thread, &row, at)?;
                }
                Ok::<_, Error>((changed, touched))
            })
            .await?;
        self.notifier.wake();
        for t in touched.values() {
            self.cache.invalidate(&t.site_id, &t.key);
        }
        Ok(changed)
    }

    /// Queues what readers and webhooks hear of a comment a moderator
    /// published or deleted.
    fn tell_readers(
        &self,
        c: &Conn,
        thread: &ThreadRow,
        row: &CommentRow,
        at: UnixTime,
    ) -> Result<(), StoreError> {
        let Some(site) = self.sites.by_id(&thread.site_id) else {
            return Ok(());
        };
        match row.status {
            Status::Published => self.notifier.comment_published(c, &site, thread, row, at),
            Status::Deleted => self.notifier.comment_deleted(c, &site, thread, row, at),
            Status::Pending | Status::Spam => Ok(()),
        }
    }

    /// A moderator's edit: the text is rendered again through `render`.
    pub async fn admin_edit(
        &self,
        s: &AdminSession,
        id: CommentId,
        text: &str,
    ) -> Result<AdminComment, Error> {
        let text = crate::domain::comment::validate_text(text, &SiteSettings::default())?;
        let html = blocking::render(text.clone()).await?;
        let actor = s.actor();
        let (row, thread) = self
            .db
            .write(move |c| {
                comments::update_text(c, id, &text, &html, now())?;
                let entry = Entry::new(&actor, Change::Edit, Target::Comment(id), "");
                audit::record(c, now(), &entry)?;
                let row = comments::get(c, id)?;
                let thread = threads::get(c, row.thread_id)?;
                Ok::<_, StoreError>((row, thread))
            })
            .await?;
        self.cache.invalidate(&thread.site_id, &thread.key);
        Ok(admin_comment(row, &thread, &self.provider_names()))
    }
}
