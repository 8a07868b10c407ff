//! The moderators' emails: a new comment, or an author's change to one.

use super::email::{Body, Email};
use super::links::Action;
use super::strings::Words;
use super::{Notifier, author_name, page_name};
use crate::domain::{Site, Status, UnixTime};
use crate::store::comments::CommentRow;
use crate::store::threads::ThreadRow;
use crate::store::{Conn, StoreError};

impl Notifier {
    /// Queues the moderators' email about a new or (`edited`) changed comment.
    pub(super) fn tell_moderators(
        &self,
        c: &Conn,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        edited: bool,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        for to in &site.settings.moderator_emails {
            let mail = self.moderator_email(site, thread, row, edited, now);
            self.queue_email(c, site, "moderator", to, &mail, now)?;
        }
        Ok(())
    }

    /// The email to a moderator about a new comment, or about an author's
    /// change to one (`edited`).
    pub(super) fn moderator_email(
        &self,
        site: &Site,
        thread: &ThreadRow,
        row: &CommentRow,
        edited: bool,
        now: UnixTime,
    ) -> Email {
        let w = Words::new(&site.settings.language);
        let page = page_name(thread);
        let author = author_name(row, w);
        let held = row.status != Status::Published;
        let wrote = if edited {
            "mod_edited_wrote"
        } else {
            "mod_wrote"
        };
        let mut body = Body::new(w)
            .para(&w.t(wrote, &[("author", &author), ("page", &page)]))
            .quote(&row.text);
        if let Some(url) = &thread.url {
            body = body.para(url);
        }
        body = body.para(&w.t(if held { "mod_held" } else { "mod_published" }, &[]));
        if held {
            body = body.link(
                &w.t("mod_approve", &[]),
                &self.link(&Action::Approve(row.id), now),
            );
        }
        let subject = match (edited, held) {
            (true, _) => "mod_subject_edited",
            (false, true) => "mod_subject_held",
            (false, false) => "mod_subject_published",
        };
        body.link(
            &w.t("mod_delete", &[]),
            &self.link(&Action::Delete(row.id), now),
        )
        .para(&w.t("mod_links", &[]))
        .footer(
            &w.t("mod_why", &[("site", &site.name)]),
            Some(("admin", &self.admin_page())),
        )
        .finish(&w.t(subject, &[("page", &page)]), None)
    }
}
