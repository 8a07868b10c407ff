//! What moderators do to comments (DESIGN §5): list the queue, approve,
//! mark spam, delete, restore and edit. Each change is written to the
//! audit log in the same transaction.

use super::session::AdminSession;
use super::threads::{AdminThread, thread_view};
use super::{App, blocking};
use crate::domain::{CommentId, SiteSettings, Status, now, rfc3339};
use crate::error::Error;
use crate::store::moderation::{self, Filter};
use crate::store::{StoreError, admins, comments, threads};
use serde::{Deserialize, Serialize};

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
}

#[derive(Debug, Serialize)]
pub struct CommentList {
    pub comments: Vec<AdminComment>,
    pub total: u64,
}

/// What a moderator does to many comments at once.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Approve,
    Spam,
    Delete,
    Restore,
}

impl Action {
    fn status(self) -> Status {
        match self {
            Action::Approve | Action::Restore => Status::Published,
            Action::Spam => Status::Spam,
            Action::Delete => Status::Deleted,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Action::Approve => "approve",
            Action::Spam => "spam",
            Action::Delete => "delete",
            Action::Restore => "restore",
        }
    }
}

fn comment_view(c: comments::CommentRow, t: &threads::ThreadRow) -> AdminComment {
    AdminComment {
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
    pub async fn admin_comments(&self, filter: Filter) -> Result<CommentList, Error> {
        let (rows, total) = self
            .db
            .read(move |c| moderation::search(c, &filter))
            .await?;
        let comments = rows
            .into_iter()
            .map(|l| comment_view(l.comment, &l.thread))
            .collect();
        Ok(CommentList { comments, total })
    }

    /// Approves, marks as spam, deletes or restores comments; returns how
    /// many changed.
    pub async fn moderate(
        &self,
        s: &AdminSession,
        ids: Vec<CommentId>,
        action: Action,
    ) -> Result<u32, Error> {
        if ids.is_empty() || ids.len() > 500 {
            return Err(Error::validation("ids", "Choose 1 to 500 comments."));
        }
        self.moderate_as(s.username.clone(), ids, action, None)
            .await
    }

    /// Moderates as `user` (a moderator, or an emailed link); with a link's
    /// nonce, the change happens only if the link was not used before, and
    /// uses it up. Readers and webhooks hear of what changed.
    pub(super) async fn moderate_as(
        &self,
        user: String,
        ids: Vec<CommentId>,
        action: Action,
        nonce: Option<String>,
    ) -> Result<u32, Error> {
        let app = self.clone();
        let touched = self
            .db
            .write(move |c| {
                let at = now();
                if let Some(n) = &nonce
                    && !crate::store::subscriptions::use_link(c, n, at)?
                {
                    return Err(Error::LinkUsed);
                }
                let mut touched = Vec::new();
                for id in ids {
                    let row = comments::get(c, id)?;
                    if row.status == action.status()
                        || row.text.is_empty() && action.status() == Status::Published
                    {
                        // Already so, or an author's own deletion, which kept nothing to restore.
                        continue;
                    }
                    moderation::set_status(c, id, action.status())?;
                    admins::audit(
                        c,
                        at,
                        &user,
                        action.name(),
                        &format!("comment {id}"),
                        row.status.as_str(),
                    )?;
                    let thread = threads::get(c, row.thread_id)?;
                    if let Some(site) = app.sites.by_id(&thread.site_id) {
                        let row = comments::get(c, id)?;
                        match action.status() {
                            Status::Published => app
                                .notifier
                                .comment_published(c, &site, &thread, &row, at)?,
                            Status::Deleted => {
                                app.notifier.comment_deleted(c, &site, &thread, &row, at)?
                            }
                            Status::Pending | Status::Spam => {}
                        }
                    }
                    touched.push(thread);
                }
                Ok::<_, Error>(touched)
            })
            .await?;
        self.notifier.wake();
        for t in &touched {
            self.cache.invalidate(&t.site_id, &t.key);
        }
        Ok(touched.len() as u32)
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
        let user = s.username.clone();
        let (row, thread) = self
            .db
            .write(move |c| {
                comments::update_text(c, id, &text, &html, now())?;
                admins::audit(c, now(), &user, "edit", &format!("comment {id}"), "")?;
                let row = comments::get(c, id)?;
                let thread = threads::get(c, row.thread_id)?;
                Ok::<_, StoreError>((row, thread))
            })
            .await?;
        self.cache.invalidate(&thread.site_id, &thread.key);
        Ok(comment_view(row, &thread))
    }
}
