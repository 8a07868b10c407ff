//! A moderator's emailed approve or delete link (DESIGN §6): it shows the
//! comment, and changes it once, only while it is still as the email found it.

use super::App;
use crate::domain::{CommentId, Decision, SiteId};
use crate::error::Error;
use crate::notify::page::Page;
use crate::notify::strings::Words;
use crate::notify::{author_name, page_name};
use crate::store::{comments, threads, used_links};

fn moderated_since() -> Error {
    Error::Conflict(
        "This comment was already moderated after this email was sent, so the link changed nothing. Open the admin page to see it."
            .into(),
    )
}

impl App {
    /// The comment a moderator's link is about, with the button that acts.
    pub(super) async fn moderation_page(
        &self,
        id: CommentId,
        decision: Decision,
    ) -> Result<Page, Error> {
        let (row, thread) = self
            .db
            .read(move |c| {
                let row = comments::get(c, id)?;
                let thread = threads::get(c, row.thread_id)?;
                Ok((row, thread))
            })
            .await?;
        if !decision.link_applies(row.status) {
            return Err(moderated_since());
        }
        let site = self.site(&thread.site_id)?;
        let w = Words::new(&site.settings.language);
        let label = match decision {
            Decision::Approve => w.t("mod_approve", &[]),
            _ => w.t("mod_delete", &[]),
        };
        let (author, page) = (author_name(&row, w), page_name(&thread));
        Ok(Page::new(w, &w.t("page_mod_title", &[]))
            .para(&w.t("mod_wrote", &[("author", &author), ("page", &page)]))
            .quote(&row.text)
            .button(&label, "do", decision.as_str()))
    }

    /// Does what a moderator's link says, once; returns the comment's site.
    pub(super) async fn moderate_by_link(
        &self,
        id: CommentId,
        decision: Decision,
        nonce: &str,
    ) -> Result<SiteId, Error> {
        let nonce = nonce.to_string();
        let n = nonce.clone();
        let (row, thread, used) = self
            .db
            .read(move |c| {
                let row = comments::get(c, id)?;
                let thread = threads::get(c, row.thread_id)?;
                Ok((row, thread, used_links::is_used(c, &n)?))
            })
            .await?;
        if used {
            return Err(Error::LinkUsed);
        }
        if !decision.link_applies(row.status) {
            return Err(moderated_since());
        }
        self.moderate_as(
            crate::domain::audit::Actor::EmailLink,
            vec![id],
            decision,
            Some(nonce),
        )
        .await?;
        Ok(thread.site_id)
    }
}
