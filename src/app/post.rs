//! A reader posts a comment (DESIGN §3, §5): checked, judged, rendered and
//! stored in one write; subscriptions asked for are made in the same one.

use super::view::{CommentView, comment_view};
use super::{App, Client, PageQuery, blocking};
use crate::domain::judge::{Signals, judge};
use crate::domain::{CommentId, ModerationMode, NewComment, Status, now, rfc3339};
use crate::error::Error;
use crate::keys::{FormTiming, new_token};
use crate::notify::{Subscribed, Wants};
use crate::store::{admins, comments, threads};
use serde::{Deserialize, Serialize};

/// The body of `POST /api/comments`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostBody {
    pub text: String,
    pub parent: Option<CommentId>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub title: Option<String>,
    pub notify: Option<Notify>,
    pub form_token: Option<String>,
    pub voter: Option<String>,
    /// The honeypot: a field people never see, so never fill in.
    pub homepage: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    #[serde(default)]
    pub replies: bool,
    #[serde(default)]
    pub thread: bool,
}

/// The answer to a new comment.
#[derive(Debug, Serialize)]
pub struct Posted {
    pub comment: CommentView,
    pub edit_token: String,
    pub edit_until: String,
    /// Whether notifications are on for the address, or wait for its
    /// owner to confirm it (absent when none were asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify: Option<Subscribed>,
}

/// How long the same text in the same thread counts as a repeat.
const DUPLICATE_WINDOW: i64 = 10 * 60;

fn no_parent() -> Error {
    Error::validation(
        "parent",
        "The comment you are replying to is not here any more. Reload the page.",
    )
}

/// The widget's anonymous voter id, if it sent one (an empty one is none).
pub(super) fn check_voter(v: &str) -> Result<Option<&str>, Error> {
    if v.len() > 64 || v.chars().any(char::is_control) {
        return Err(Error::validation(
            "voter",
            "voter must be at most 64 printable characters",
        ));
    }
    Ok(Some(v).filter(|v| !v.is_empty()))
}

impl App {
    /// `POST /api/comments`: checks, renders and stores a new comment.
    pub async fn post(
        &self,
        q: &PageQuery,
        client: &Client,
        body: PostBody,
    ) -> Result<Posted, Error> {
        let result = self.post_checked(q, client, body).await;
        let status = result.as_ref().ok().map(|p| p.comment.status);
        self.metrics.comment(status);
        result
    }

    async fn post_checked(
        &self,
        q: &PageQuery,
        client: &Client,
        body: PostBody,
    ) -> Result<Posted, Error> {
        let page = self.locate(q)?;
        self.check_origin(&page.site, client)?;
        let created = now();
        let too_fast = self.check_form_timing(body.form_token.as_deref(), created)?;
        let honeypot = body
            .homepage
            .as_deref()
            .is_some_and(|h| !h.trim().is_empty());
        let voter = body
            .voter
            .as_deref()
            .map(check_voter)
            .transpose()?
            .flatten();
        let wants = self.check_notify(body.notify.as_ref(), body.email.as_deref())?;
        let new = NewComment {
            text: body.text,
            parent: body.parent,
            name: body.name,
            email: body.email,
            website: body.website,
            title: body.title,
        }
        .validate(&page.site.settings)?;
        let html = blocking::render(new.text.clone()).await?;
        let ip_hash = self.keys.ip_hash(&client.ip_key);
        let voter_hash = voter.map(|v| self.keys.author_key(page.site.id.as_str(), v));
        let email_hash = new.email.as_deref().map(|e| self.keys.email_hash(e));
        let (token, token_hash) = new_token();
        let edit_until = created + i64::from(page.site.settings.edit_window_seconds);
        let site = page.site.clone();
        let key = page.key.clone();
        let app = self.clone();
        let (row, notify) = self
            .db
            .write(move |c| {
                if admins::is_banned(c, &ip_hash, new.email.as_deref(), created)? {
                    return Err(Error::Banned);
                }
                let thread = threads::find_or_create(
                    c,
                    &site.id,
                    &key,
                    &page.canonical,
                    new.title.as_deref(),
                    created,
                )?;
                if thread.locked {
                    return Err(Error::ThreadLocked);
                }
                if let Some(parent) = new.parent {
                    let p = comments::get(c, parent).map_err(|_| no_parent())?;
                    if p.thread_id != thread.id || p.status != Status::Published {
                        return Err(no_parent());
                    }
                }
                if comments::recent_duplicate(c, thread.id, &new.text, created - DUPLICATE_WINDOW)?
                {
                    return Err(Error::Duplicate);
                }
                // Only "first" moderation asks who the author is.
                let known_author = site.settings.moderation == ModerationMode::First
                    && comments::author_known(
                        c,
                        &site.id,
                        comments::Author {
                            key: voter_hash.as_deref(),
                            email: new.email.as_deref().zip(email_hash.as_deref()),
                        },
                    )?;
                let verdict = judge(
                    &html,
                    &site.settings,
                    Signals {
                        honeypot,
                        too_fast,
                        known_author,
                    },
                );
                let id = comments::insert(
                    c,
                    &comments::Insert {
                        thread_id: thread.id,
                        parent: new.parent,
                        status: verdict.status(),
                        name: new.name.as_deref(),
                        email: new.email.as_deref(),
                        website: new.website.as_deref(),
                        text: &new.text,
                        html: &html,
                        ip_hash: &ip_hash,
                        voter_hash: voter_hash.as_deref(),
                        edit_hash: &token_hash,
                        edit_until,
                        created,
                    },
                )?;
                let row = comments::get(c, id)?;
                app.notifier
                    .comment_created(c, &site, &thread, &row, created)?;
                let notify = match (&row.email, wants) {
                    (Some(email), Some(wants)) if row.status != Status::Spam => {
                        let by = voter_hash.as_deref();
                        Some(
                            app.notifier
                                .subscribe(c, &site, &thread, email, by, id, wants, created)?,
                        )
                    }
                    _ => None,
                };
                Ok((row, notify))
            })
            .await?;
        self.notifier.wake();
        if row.status == Status::Published {
            self.cache.invalidate(&page.site.id, &page.key);
        }
        tracing::debug!(comment = %row.id, site = %page.site.id, status = row.status.as_str(), "comment posted");
        Ok(Posted {
            comment: comment_view(&row, &self.keys),
            edit_token: token,
            edit_until: rfc3339(edit_until),
            notify,
        })
    }

    /// What a comment's author asked to follow, if anything; asking needs
    /// an email address and a server that sends email.
    fn check_notify(
        &self,
        notify: Option<&Notify>,
        email: Option<&str>,
    ) -> Result<Option<Wants>, Error> {
        let Some(n) = notify.filter(|n| n.replies || n.thread) else {
            return Ok(None);
        };
        if !self.notifier.email_on() {
            return Err(Error::validation(
                "notify",
                "This site does not send emails. Post without asking for notifications.",
            ));
        }
        if email.is_none_or(|e| e.trim().is_empty()) {
            return Err(Error::validation(
                "email",
                "Give your email address to get notifications, or untick the boxes.",
            ));
        }
        Ok(Some(Wants {
            replies: n.replies,
            thread: n.thread,
        }))
    }

    /// Whether the form was sent too soon after it was loaded; a missing or
    /// forged token is refused while the timing check is on.
    fn check_form_timing(&self, token: Option<&str>, now: i64) -> Result<bool, Error> {
        let min = self.config.spam_min_seconds;
        if min == 0 {
            return Ok(false);
        }
        match token.map(|t| self.keys.check_form_token(t, now, min)) {
            Some(FormTiming::Human) => Ok(false),
            Some(FormTiming::TooFast) => Ok(true),
            Some(FormTiming::Invalid) | None => Err(Error::validation(
                "form_token",
                "This form has expired or was not loaded from the page. Reload the page and send it again.",
            )),
        }
    }
}
