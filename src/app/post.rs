//! A reader posts a comment (DESIGN §3, §5): checked, judged, rendered and
//! stored in one write; subscriptions asked for are made in the same one.

use super::view::{CommentView, comment_view};
use super::{App, Client, Located, PageQuery, blocking};
use crate::domain::judge::{Signals, judge_why};
use crate::domain::{ModerationMode, NewComment, Site, Status, UnixTime, Validated, now, rfc3339};
use crate::error::Error;
use crate::keys::{FormTiming, new_token};
use crate::notify::{Subscribed, Wants};
use crate::render::SafeHtml;
use crate::store::identities::{self, IdentityRow};
use crate::store::{
    Conn, StoreError, bans, comments, comments::CommentRow, comments_checks, threads,
};
use serde::Serialize;

/// What comes with a new comment besides its fields.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// What the author asked to be emailed about.
    pub asked: Wants,
    /// The signed time the form was loaded at.
    pub form_token: Option<String>,
    /// The widget's anonymous voter id, which also keys the author.
    pub voter: Option<String>,
    /// The honeypot was filled in: a field people never see.
    pub honeypot: bool,
    /// A signed-in reader's token (`Authorization: Bearer`).
    pub reader: Option<String>,
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

/// A new comment checked and rendered: all its write needs.
struct Ready {
    page: Located,
    new: Validated,
    html: SafeHtml,
    ip_hash: String,
    voter_hash: Option<String>,
    email_hash: Option<String>,
    token_hash: String,
    edit_until: UnixTime,
    created: UnixTime,
    /// What was known before the write (the honeypot, the form's timing).
    signals: Signals,
    wants: Option<Wants>,
    /// The signed-in reader posting, if any.
    reader: Option<IdentityRow>,
}

/// Whether the author has an approved comment on the site, by their
/// author key or an address they confirmed (DESIGN §14). Only "first"
/// moderation asks, so other sites pay no lookup.
pub(super) fn known_author(
    c: &Conn,
    site: &Site,
    key: Option<&str>,
    email: Option<(&str, &str)>,
) -> Result<bool, StoreError> {
    if site.settings.moderation != ModerationMode::First {
        return Ok(false);
    }
    comments_checks::author_known(c, &site.id, comments_checks::Author { key, email })
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

/// A signed-in reader's comment is posted under their identity: the name,
/// address and website they signed in with, whatever the form said.
fn as_reader(mut new: NewComment, reader: Option<&IdentityRow>) -> NewComment {
    if let Some(r) = reader {
        new.name = Some(r.name.clone());
        new.email = r.email.clone();
        new.website = r.profile_url.clone();
    }
    new
}

impl App {
    /// The signed-in reader behind a post, checked against the site; a
    /// site that takes no guests refuses a post without one.
    async fn posting_reader(
        &self,
        site: &Site,
        token: Option<&str>,
    ) -> Result<Option<IdentityRow>, Error> {
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            if !site.settings.guests {
                return Err(Error::SignInRequired);
            }
            return Ok(None);
        };
        let reader = self.reader(token).await?;
        if reader.identity.site_id != site.id {
            return Err(Error::SignedOut);
        }
        Ok(Some(reader.identity))
    }

    /// In the write: a guest may not take the name of a signed-in reader of
    /// the site; a signed-in reader's provider-verified address counts as
    /// confirmed (their notifications start at once, and `first`
    /// moderation knows them by it).
    fn check_author(&self, c: &Conn, site: &Site, r: &Ready) -> Result<(), Error> {
        match &r.reader {
            None => {
                if let Some(name) = &r.new.name
                    && identities::name_taken(c, &site.id, name, None)?
                {
                    return Err(Error::validation(
                        "name",
                        "This name belongs to a reader who signs in on this site. Sign in to use it, or choose another name.",
                    ));
                }
            }
            Some(i) => {
                if let (Some(email), true, Some(key)) =
                    (&i.email, i.email_verified, r.voter_hash.as_deref())
                {
                    self.notifier
                        .verified_owner(c, site, email, key, r.created)?;
                }
            }
        }
        Ok(())
    }

    /// `POST /api/comments`: checks, renders and stores a new comment.
    pub async fn post(
        &self,
        q: &PageQuery,
        client: &Client,
        new: NewComment,
        extras: Extras,
    ) -> Result<Posted, Error> {
        let page = self.locate(q)?;
        self.check_origin(&page.site, client)?;
        let created = now();
        let signals = Signals {
            honeypot: extras.honeypot,
            too_fast: self.check_form_timing(extras.form_token.as_deref(), created)?,
            known_author: false,
        };
        let voter = extras.voter.as_deref().map(check_voter).transpose()?;
        let reader = self
            .posting_reader(&page.site, extras.reader.as_deref())
            .await?;
        let new = as_reader(new, reader.as_ref());
        let wants = self.check_notify(extras.asked, new.email.as_deref())?;
        let new = new.validate(&page.site.settings)?;
        let (token, token_hash) = new_token();
        let edit_until = created + i64::from(page.site.settings.edit_window_seconds);
        let ready = Ready {
            html: blocking::render(new.text.clone()).await?,
            ip_hash: self.keys.ip_hash(&client.ip_key),
            voter_hash: match &reader {
                Some(r) => Some(
                    self.keys
                        .author_key(page.site.id.as_str(), &format!("identity:{}", r.id)),
                ),
                None => voter
                    .flatten()
                    .map(|v| self.keys.author_key(page.site.id.as_str(), v)),
            },
            email_hash: new.email.as_deref().map(|e| self.keys.email_hash(e)),
            edit_until,
            new,
            page: page.clone(),
            token_hash,
            created,
            signals,
            wants,
            reader,
        };
        let app = self.clone();
        let (row, notify) = self.db.write(move |c| app.store_new(c, &ready)).await?;
        self.notifier.wake();
        if row.status == Status::Published {
            self.cache.invalidate(&page.site.id, &page.key);
        }
        tracing::debug!(comment = %row.id, site = %page.site.id, status = row.status.as_str(), "comment posted");
        Ok(Posted {
            edit_until: rfc3339(edit_until),
            comment: comment_view(&row, &self.keys, &self.look(&page.site)),
            edit_token: token,
            notify,
        })
    }

    /// Stores a checked comment in the write transaction: refused when its
    /// client is banned, its thread locked, its parent gone or its text a
    /// repeat; judged; then readers, webhooks and subscriptions are queued.
    fn store_new(&self, c: &Conn, r: &Ready) -> Result<(CommentRow, Option<Subscribed>), Error> {
        let (site, new) = (&r.page.site, &r.new);
        if bans::is_banned(c, &r.ip_hash, new.email.as_deref(), r.created)? {
            return Err(Error::Banned);
        }
        if let Some(reader) = &r.reader
            && bans::identity_banned(c, reader.id, r.created)?
        {
            return Err(Error::Banned);
        }
        let title = new.title.as_deref();
        let thread = threads::find_or_create(
            c,
            &site.id,
            &r.page.key,
            &r.page.canonical,
            title,
            r.created,
        )?;
        if thread.locked {
            return Err(Error::ThreadLocked);
        }
        self.check_author(c, site, r)?;
        if let Some(parent) = new.parent {
            let p = comments::get(c, parent).map_err(|_| no_parent())?;
            if p.thread_id != thread.id || p.status != Status::Published {
                return Err(no_parent());
            }
        }
        if comments_checks::recent_duplicate(c, thread.id, &new.text, r.created - DUPLICATE_WINDOW)?
        {
            return Err(Error::Duplicate);
        }
        let email = new.email.as_deref().zip(r.email_hash.as_deref());
        let signals = Signals {
            known_author: known_author(c, site, r.voter_hash.as_deref(), email)?,
            ..r.signals
        };
        let (verdict, reason) = judge_why(&r.html, &site.settings, signals);
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
                html: &r.html,
                ip_hash: &r.ip_hash,
                voter_hash: r.voter_hash.as_deref(),
                edit_hash: &r.token_hash,
                edit_until: r.edit_until,
                created: r.created,
                identity: r.reader.as_ref().map(|i| i.id),
                team: r.reader.as_ref().is_some_and(|i| i.admin_id.is_some()),
                held_reason: reason.map(|r| r.as_str()),
            },
        )?;
        let row = comments::get(c, id)?;
        self.notifier
            .comment_created(c, site, &thread, &row, r.created)?;
        let notify = match (&row.email, r.wants) {
            (Some(email), Some(wants)) if row.status != Status::Spam => {
                let by = r.voter_hash.as_deref();
                let n = &self.notifier;
                Some(n.subscribe(c, site, &thread, email, by, id, wants, r.created)?)
            }
            _ => None,
        };
        Ok((row, notify))
    }

    /// What a comment's author asked to follow, if anything; asking needs
    /// an email address and a server that sends email.
    fn check_notify(&self, asked: Wants, email: Option<&str>) -> Result<Option<Wants>, Error> {
        if !(asked.replies || asked.thread) {
            return Ok(None);
        }
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
        Ok(Some(asked))
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
