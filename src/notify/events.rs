//! The comment events: what each change to a comment queues, in the
//! same transaction as the change.

use super::Notifier;
use crate::domain::{Site, Status, UnixTime};
use crate::store::comments::{self, CommentRow};
use crate::store::subscriptions;
use crate::store::threads::ThreadRow;
use crate::store::{Conn, StoreError};

impl Notifier {
    /// A new comment, held or published: moderators and webhooks hear of it,
    /// and readers too if it is published.
    pub fn comment_created(
        &self,
        c: &Conn,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        self.webhooks(c, site, thread, row, "comment.created", now)?;
        if self.email {
            self.tell_moderators(c, site, thread, row, false, now)?;
        }
        if row.status == Status::Published {
            self.comment_published(c, site, thread, row, now)?;
        }
        Ok(())
    }

    /// An author changed a comment: webhooks hear of it, and moderators too
    /// when the change left it held for them (DESIGN §14).
    pub fn comment_edited(
        &self,
        c: &Conn,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        self.webhooks(c, site, thread, row, "comment.edited", now)?;
        if self.email && row.status == Status::Pending {
            self.tell_moderators(c, site, thread, row, true, now)?;
        }
        Ok(())
    }

    /// A comment is on the page: followers of the thread and of the parent
    /// comment hear of it once, whatever happens to it later.
    pub fn comment_published(
        &self,
        c: &Conn,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        if !comments::announce(c, row.id, now)? {
            return Ok(());
        }
        self.webhooks(c, site, thread, row, "comment.published", now)?;
        if !self.email {
            return Ok(());
        }
        let author = row.email.as_deref().map(|e| self.keys.email_hash(e));
        for r in subscriptions::recipients(c, thread.id, row.parent)? {
            if author.as_deref() == Some(r.email_hash.as_str()) {
                continue;
            }
            let mail = self.reader_email(site, thread, row, &r, now);
            let topic = if r.reply { "reply" } else { "thread" };
            self.queue_email(c, site, topic, &r.email, &mail, now)?;
        }
        Ok(())
    }

    /// A comment was deleted: webhooks hear of it.
    pub fn comment_deleted(
        &self,
        c: &Conn,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        self.webhooks(c, site, thread, row, "comment.deleted", now)
    }
}
