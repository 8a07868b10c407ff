//! A moderator pins a comment to the top of its thread (DESIGN §15): top
//! level and published only; pinned comments come first in every sort.

use super::moderation::{AdminComment, admin_comment};
use super::session::AdminSession;
use super::{App, audit};
use crate::domain::audit::{Change, Entry, Target};
use crate::domain::{CommentId, Status, now};
use crate::error::Error;
use crate::store::{comments, threads};

impl App {
    /// `POST /admin/api/comments/{id}/pin`: pins or unpins a comment.
    pub async fn pin(
        &self,
        s: &AdminSession,
        id: CommentId,
        pinned: bool,
    ) -> Result<AdminComment, Error> {
        let actor = s.actor();
        let (row, thread) = self
            .db
            .write(move |c| {
                let row = comments::get(c, id)?;
                if pinned && row.parent.is_some() {
                    return Err(Error::validation(
                        "pinned",
                        "Only a top-level comment can be pinned. Pin the comment this one replies to.",
                    ));
                }
                if pinned && row.status != Status::Published {
                    return Err(Error::validation(
                        "pinned",
                        "Only a published comment can be pinned. Approve it first.",
                    ));
                }
                comments::set_pinned(c, id, pinned)?;
                let change = if pinned { Change::Pin } else { Change::Unpin };
                audit::record(c, now(), &Entry::new(&actor, change, Target::Comment(id), ""))?;
                let row = comments::get(c, id)?;
                let thread = threads::get(c, row.thread_id)?;
                Ok((row, thread))
            })
            .await?;
        self.cache.invalidate(&thread.site_id, &thread.key);
        Ok(admin_comment(row, &thread, &self.provider_names()))
    }
}
