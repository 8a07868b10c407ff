//! A moderator answers a reader from the admin page (DESIGN §15): the
//! reply is published at once under the moderator's name, carries the
//! site's team badge, and readers hear of it as of any reply.

use super::moderation::{AdminComment, admin_comment};
use super::session::AdminSession;
use super::{App, audit, blocking};
use crate::domain::audit::{Change, Entry, Target};
use crate::domain::comment::validate_text;
use crate::domain::{CommentId, Status, now};
use crate::error::Error;
use crate::keys::new_token;
use crate::store::{comments, threads};

fn not_published() -> Error {
    Error::validation(
        "parent",
        "You can only reply to a published comment. Approve it first.",
    )
}

impl App {
    /// `POST /admin/api/comments/{id}/reply`: posts a published reply to
    /// comment `parent` as the signed-in moderator.
    pub async fn admin_reply(
        &self,
        s: &AdminSession,
        parent: CommentId,
        text: &str,
    ) -> Result<AdminComment, Error> {
        let (p, thread) = self
            .db
            .read(move |c| {
                let p = comments::get(c, parent)?;
                let thread = threads::get(c, p.thread_id)?;
                Ok::<_, crate::store::StoreError>((p, thread))
            })
            .await?;
        if p.status != Status::Published {
            return Err(not_published());
        }
        let site = self.sites.by_id(&thread.site_id).ok_or(Error::NotFound)?;
        let text = validate_text(text, &site.settings)?;
        let html = blocking::render(text.clone()).await?;
        // Nobody holds the key: a moderator changes it from the admin page.
        let (_, edit_hash) = new_token();
        let (actor, name) = (s.actor(), s.username.clone());
        let app = self.clone();
        let (row, thread) = self
            .db
            .write(move |c| {
                let at = now();
                if comments::get(c, parent)?.status != Status::Published {
                    return Err(not_published());
                }
                let id = comments::insert(
                    c,
                    &comments::Insert {
                        thread_id: thread.id,
                        parent: Some(parent),
                        status: Status::Published,
                        name: Some(&name),
                        email: None,
                        website: None,
                        text: &text,
                        html: &html,
                        ip_hash: "",
                        voter_hash: None,
                        edit_hash: &edit_hash,
                        edit_until: at,
                        created: at,
                        identity: None,
                        team: true,
                        held_reason: None,
                    },
                )?;
                let row = comments::get(c, id)?;
                app.notifier
                    .comment_published(c, &site, &thread, &row, at)?;
                audit::record(
                    c,
                    at,
                    &Entry::new(&actor, Change::Reply, Target::Comment(id), ""),
                )?;
                Ok::<_, Error>((row, thread))
            })
            .await?;
        self.notifier.wake();
        self.cache.invalidate(&thread.site_id, &thread.key);
        Ok(admin_comment(row, &thread, &self.provider_names()))
    }
}
