//! An author changes or takes back their own comment, with the edit key
//! given when it was posted and within the site's edit window.

use super::post::known_author;
use super::view::{CommentView, comment_view};
use super::{App, Client, blocking};
use crate::domain::comment::validate_text;
use crate::domain::judge::{HeldReason, Signals, Verdict, judge};
use crate::domain::moderation::after_edit;
use crate::domain::{CommentId, Site, Status, now};
use crate::error::Error;
use crate::keys::{constant_time_eq, hash_token};
use crate::store::{StoreError, bans, comments, threads};
use std::sync::Arc;

impl App {
    /// Finds a comment and checks the author's edit token and window.
    async fn own_comment(
        &self,
        id: CommentId,
        token: Option<&str>,
        client: &Client,
    ) -> Result<(comments::CommentRow, threads::ThreadRow, Arc<Site>), Error> {
        let token = token.ok_or(Error::MissingToken)?;
        let (row, thread) = self
            .db
            .read(move |c| {
                let row = comments::get(c, id)?;
                let thread = threads::get(c, row.thread_id)?;
                Ok::<_, StoreError>((row, thread))
            })
            .await?;
        if matches!(row.status, Status::Deleted | Status::Spam) {
            return Err(Error::NotFound);
        }
        let site = self.sites.by_id(&thread.site_id).ok_or(Error::NotFound)?;
        self.check_origin(&site, client)?;
        let by_key = row.edit_hash.as_deref().is_some_and(|stored| {
            constant_time_eq(hash_token(token).as_bytes(), stored.as_bytes())
        });
        if by_key && row.edit_until.is_some_and(|until| now() <= until) {
            return Ok((row, thread, site));
        }
        // A signed-in reader's own comment, for as long as the site allows.
        if let Some(identity) = row.identity
            && let Ok(reader) = self.reader(token).await
            && reader.identity.id == identity
        {
            let open = site
                .settings
                .own_edits_seconds
                .is_none_or(|s| now() <= row.created + i64::from(s));
            return if open {
                Ok((row, thread, site))
            } else {
                Err(Error::EditWindowClosed)
            };
        }
        Err(if by_key {
            Error::EditWindowClosed
        } else {
            Error::InvalidToken
        })
    }

    /// Refuses a banned client, or the author of a comment whose address is
    /// banned, as posting does: 403 without saying why.
    async fn refuse_banned(&self, client: &Client, email: Option<String>) -> Result<(), Error> {
        let (ip_hash, at) = (self.keys.ip_hash(&client.ip_key), now());
        let banned = self
            .db
            .read(move |c| bans::is_banned(c, &ip_hash, email.as_deref(), at))
            .await?;
        if banned {
            return Err(Error::Banned);
        }
        Ok(())
    }

    /// `PATCH /api/comments/{id}`: the author changes the text. The edit is
    /// judged again like a new comment (DESIGN §14): a published comment the
    /// rules or the site's mode would hold goes back to the queue; a held
    /// one stays held. The answer carries the status it now has.
    pub async fn edit(
        &self,
        id: CommentId,
        token: Option<&str>,
        client: &Client,
        text: &str,
    ) -> Result<CommentView, Error> {
        let (row, thread, site) = self.own_comment(id, token, client).await?;
        let email_hash = row.email.as_deref().map(|e| self.keys.email_hash(e));
        self.refuse_banned(client, row.email).await?;
        let text = validate_text(text, &site.settings)?;
        let html = blocking::render(text.clone()).await?;
        let edited = now();
        let (app, t, s) = (self.clone(), thread.clone(), site.clone());
        let row = self
            .db
            .write(move |c| {
                let before = comments::get(c, id)?;
                let email = before.email.as_deref().zip(email_hash.as_deref());
                let signals = Signals {
                    known_author: known_author(c, &s, before.voter_hash.as_deref(), email)?,
                    ..Signals::default()
                };
                let held = judge(&html, &s.settings, signals) != Verdict::Publish;
                comments::update_text(c, id, &text, &html, edited)?;
                let status = after_edit(before.status, held);
                if status != before.status {
                    comments::set_status(c, id, status)?;
                    comments::set_held_reason(c, id, Some(HeldReason::Edit.as_str()))?;
                }
                let row = comments::get(c, id)?;
                app.notifier.comment_edited(c, &s, &t, &row, edited)?;
                Ok::<_, Error>(row)
            })
            .await?;
        self.notifier.wake();
        self.cache.invalidate(&thread.site_id, &thread.key);
        Ok(comment_view(&row, &self.keys, &self.look(&site)))
    }

    /// `DELETE /api/comments/{id}`: the author takes the comment back.
    pub async fn delete(
        &self,
        id: CommentId,
        token: Option<&str>,
        client: &Client,
    ) -> Result<(), Error> {
        let (_, thread, site) = self.own_comment(id, token, client).await?;
        let (app, t) = (self.clone(), thread.clone());
        self.db
            .write(move |c| {
                comments::mark_deleted(c, id)?;
                app.notifier
                    .comment_deleted(c, &site, &t, &comments::get(c, id)?, now())
            })
            .await?;
        self.notifier.wake();
        self.cache.invalidate(&thread.site_id, &thread.key);
        Ok(())
    }
}
