//! The public calls on comments (DESIGN §3, §4).

use super::cache::{Answer, PageKey};
use super::view::{BuiltThread, CommentView, Sort, ThreadAnswer, ThreadInfo, comment_view};
use super::{App, blocking};
use crate::domain::comment::{Signals, Verdict, judge, validate_text};
use crate::domain::{CommentId, ModerationMode, NewComment, Site, Status, now, rfc3339};
use crate::error::Error;
use crate::keys::{FormTiming, constant_time_eq, hash_token, new_token};
use crate::notify::{Subscribed, Wants};
use crate::store::{StoreError, admins, comments, moderation, threads, votes};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Which page a call is about: `?url=…[&page_id=…]`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PageQuery {
    pub url: Option<String>,
    pub page_id: Option<String>,
}

/// Who is asking: the address key the limits use (an IPv6 client's /64),
/// and the browser's `Origin` header, if any.
#[derive(Debug, Clone)]
pub struct Client {
    pub ip_key: String,
    pub origin: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ThreadParams {
    pub sort: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

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

#[derive(Debug, Serialize)]
pub struct VoteCounts {
    pub likes: i64,
    pub dislikes: i64,
    pub value: i8,
}

/// What the widget needs to know about a site.
#[derive(Debug, Serialize)]
pub struct SiteConfigView {
    pub site: String,
    pub name: String,
    pub moderation: &'static str,
    pub edit_window_seconds: u32,
    pub max_depth: u8,
    pub require_name: bool,
    pub require_email: bool,
    pub email_notifications: bool,
    pub limits: Limits,
}

#[derive(Debug, Serialize)]
pub struct Limits {
    pub text_max: u32,
    pub name_max: u32,
    pub email_max: u32,
    pub website_max: u32,
}

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 200;
/// How long the same text in the same thread counts as a repeat.
const DUPLICATE_WINDOW: i64 = 10 * 60;
const MAX_COUNT_URLS: usize = 100;

impl App {
    /// `GET /api/comments`: a page of the thread. The thread is built once
    /// per version and each page cut from that build; both are cached under
    /// the normalised request, and only for threads that exist.
    pub async fn thread(&self, q: &PageQuery, p: &ThreadParams) -> Result<Arc<Answer>, Error> {
        let page = self.locate(q)?;
        let sort = Sort::parse(p.sort.as_deref()).map_err(|m| Error::validation("sort", m))?;
        let limit = p.limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > MAX_PAGE {
            return Err(Error::validation(
                "limit",
                format!("limit must be between 1 and {MAX_PAGE}"),
            ));
        }
        // A cursor counts top-level comments, so it fits in a u32; checked
        // here, the sums below cannot overflow.
        let offset: usize = match p.cursor.as_deref() {
            None | Some("") => 0,
            Some(c) => c.parse::<u32>().map(|n| n as usize).map_err(|_| {
                Error::validation(
                    "cursor",
                    "cursor is not one this server gave; start again without it",
                )
            })?,
        };
        let asked = PageKey {
            sort,
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
            limit,
        };
        if let Some(hit) = self.cache.page(&page.site.id, &page.key, &asked) {
            return Ok(hit);
        }
        let Some(built) = self.built_thread(&page).await? else {
            return Ok(Arc::new(Answer::encode(&ThreadAnswer {
                thread: ThreadInfo {
                    key: page.key.to_string(),
                    url: None,
                    title: None,
                    count: 0,
                    locked: false,
                },
                comments: Vec::new(),
                next_cursor: None,
            })));
        };
        // Past the end every cursor and limit gives the same page.
        let top = built.top_level();
        let offset = offset.min(top);
        let limit = (limit as usize).min(top - offset);
        let key = PageKey {
            sort,
            offset: offset as u32,
            limit: limit as u32,
        };
        if let Some(hit) = self.cache.page(&page.site.id, &page.key, &key) {
            return Ok(hit);
        }
        let answer = Arc::new(Answer::encode(&built.page(sort, offset, limit)));
        self.cache
            .put_page(&page.site.id, &page.key, &built, key, answer.clone());
        Ok(answer)
    }

    /// The thread's public comments as built for paging, from the cache or
    /// built now (off the async workers); `None` when the page has no thread.
    async fn built_thread(&self, page: &super::Page) -> Result<Option<Arc<BuiltThread>>, Error> {
        if let Some(hit) = self.cache.built(&page.site.id, &page.key) {
            return Ok(Some(hit));
        }
        let generation = self.cache.generation();
        let (site, key) = (page.site.id.clone(), page.key.clone());
        let (keys, max_depth) = (self.keys.clone(), page.site.settings.max_depth);
        let built = self
            .db
            .read(move |c| {
                let Some(t) = threads::find(c, &site, &key)? else {
                    return Ok(None);
                };
                let rows = comments::public_in_thread(c, t.id)?;
                let info = ThreadInfo {
                    key: t.key.to_string(),
                    url: t.url,
                    title: t.title,
                    count: 0,
                    locked: t.locked,
                };
                Ok(Some(Arc::new(BuiltThread::build(
                    info, &rows, max_depth, &keys,
                ))))
            })
            .await?;
        if let Some(b) = &built {
            self.cache
                .put_built(&page.site.id, &page.key, generation, b.clone());
        }
        Ok(built)
    }

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
        let stored = row.edit_hash.as_deref().ok_or(Error::InvalidToken)?;
        if !constant_time_eq(hash_token(token).as_bytes(), stored.as_bytes()) {
            return Err(Error::InvalidToken);
        }
        if row.edit_until.is_none_or(|until| now() > until) {
            return Err(Error::EditWindowClosed);
        }
        Ok((row, thread, site))
    }

    /// Refuses a banned client, or the author of a comment whose address is
    /// banned, as posting does: 403 without saying why.
    async fn refuse_banned(&self, client: &Client, email: Option<String>) -> Result<(), Error> {
        let (ip_hash, at) = (self.keys.ip_hash(&client.ip_key), now());
        let banned = self
            .db
            .read(move |c| admins::is_banned(c, &ip_hash, email.as_deref(), at))
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
                let known_author = s.settings.moderation == ModerationMode::First
                    && comments::author_known(
                        c,
                        &s.id,
                        comments::Author {
                            key: before.voter_hash.as_deref(),
                            email: before.email.as_deref().zip(email_hash.as_deref()),
                        },
                    )?;
                let signals = Signals {
                    known_author,
                    ..Signals::default()
                };
                let held = judge(&html, &s.settings, signals) != Verdict::Publish;
                comments::update_text(c, id, &text, &html, edited)?;
                if held && before.status == Status::Published {
                    moderation::set_status(c, id, Status::Pending)?;
                }
                let row = comments::get(c, id)?;
                app.notifier.comment_edited(c, &s, &t, &row, edited)?;
                Ok::<_, Error>(row)
            })
            .await?;
        self.notifier.wake();
        self.cache.invalidate(&thread.site_id, &thread.key);
        Ok(comment_view(&row, &self.keys))
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

    /// `POST /api/comments/{id}/vote`.
    pub async fn vote(
        &self,
        id: CommentId,
        client: &Client,
        value: i8,
        voter: Option<&str>,
    ) -> Result<VoteCounts, Error> {
        if !(-1..=1).contains(&value) {
            return Err(Error::validation(
                "value",
                "value must be 1 (like), -1 (dislike) or 0 (take back)",
            ));
        }
        let voter = voter.map(check_voter).transpose()?.flatten();
        let ip_hash = self.keys.ip_hash(&client.ip_key);
        let (row, thread) = self
            .db
            .read(move |c| {
                Ok::<_, StoreError>({
                    let row = comments::get(c, id)?;
                    let thread = threads::get(c, row.thread_id)?;
                    (row, thread)
                })
            })
            .await?;
        if row.status != Status::Published {
            return Err(Error::NotFound);
        }
        let site = self.sites.by_id(&thread.site_id).ok_or(Error::NotFound)?;
        self.check_origin(&site, client)?;
        let key = voter.map(|v| self.keys.author_key(site.id.as_str(), v));
        // The author is known by the address too, so a new voter id does
        // not make their own comment someone else's.
        if row.ip_hash.as_deref() == Some(ip_hash.as_str())
            || key.is_some() && row.voter_hash == key
        {
            return Err(Error::OwnComment);
        }
        let voted = now();
        let (likes, dislikes) = self
            .db
            .write(move |c| {
                if admins::is_banned(c, &ip_hash, None, voted)? {
                    return Err(Error::Banned);
                }
                if threads::get(c, row.thread_id)?.locked {
                    return Err(Error::ThreadLocked);
                }
                let voter = votes::Voter {
                    ip_hash: &ip_hash,
                    key: key.as_deref(),
                };
                Ok(votes::set(c, id, voter, value, voted)?)
            })
            .await?;
        self.cache.invalidate(&thread.site_id, &thread.key);
        Ok(VoteCounts {
            likes,
            dislikes,
            value,
        })
    }

    /// `POST /api/preview`: the HTML a text would be stored as.
    pub async fn preview(&self, text: &str) -> Result<String, Error> {
        let limits = crate::domain::SiteSettings::default();
        let text = validate_text(text, &limits)?;
        Ok(blocking::render(text).await?.into_string())
    }

    /// `GET|POST /api/counts`: published counts of many pages at once. A URL
    /// on no registered site, or a page with no thread, counts 0. The answer
    /// is kept only when every URL is a thread that exists, so made-up
    /// addresses cost a read each and no memory.
    pub async fn counts(&self, urls: Vec<String>) -> Result<Arc<Answer>, Error> {
        if urls.is_empty() || urls.len() > MAX_COUNT_URLS {
            return Err(Error::validation(
                "url",
                format!("Ask for 1 to {MAX_COUNT_URLS} page addresses at once."),
            ));
        }
        let query = urls.join("\n");
        if let Some(hit) = self.cache.shared(&query) {
            return Ok(hit);
        }
        let generation = self.cache.generation();
        let lookups: Vec<_> = urls
            .iter()
            .map(|u| {
                self.locate(&PageQuery {
                    url: Some(u.clone()),
                    page_id: None,
                })
                .ok()
                .map(|p| (p.site.id.clone(), p.key))
            })
            .collect();
        let numbers = self
            .db
            .read(move |c| {
                lookups
                    .iter()
                    .map(|l| match l {
                        Some((site, key)) if threads::find(c, site, key)?.is_some() => Ok(Some(
                            threads::published_counts(c, site, std::slice::from_ref(key))?[0],
                        )),
                        _ => Ok(None),
                    })
                    .collect::<Result<Vec<Option<u64>>, StoreError>>()
            })
            .await?;
        let all_threads = numbers.iter().all(Option::is_some);
        let counts: serde_json::Map<String, serde_json::Value> = urls
            .into_iter()
            .zip(numbers)
            .map(|(u, n)| (u, n.unwrap_or(0).into()))
            .collect();
        let answer = Arc::new(Answer::encode(&serde_json::json!({ "counts": counts })));
        if all_threads {
            self.cache.put_shared(query, generation, answer.clone());
        }
        Ok(answer)
    }

    /// `GET /api/config`.
    pub fn site_config(&self, q: &PageQuery) -> Result<SiteConfigView, Error> {
        let page = self.locate(q)?;
        let s = &page.site.settings;
        Ok(SiteConfigView {
            site: page.site.id.to_string(),
            name: page.site.name.clone(),
            moderation: s.moderation.as_str(),
            edit_window_seconds: s.edit_window_seconds,
            max_depth: s.max_depth,
            require_name: s.require_name,
            require_email: s.require_email,
            email_notifications: self.notifier.email_on(),
            limits: Limits {
                text_max: s.text_max,
                name_max: s.name_max,
                email_max: s.email_max,
                website_max: s.website_max,
            },
        })
    }

    /// The signed timestamp a form sends back with its comment; made once
    /// a second, as every thread answer carries it.
    pub fn form_token(&self) -> String {
        let t = now();
        let mut last = self.form_token.lock().unwrap_or_else(|p| p.into_inner());
        if last.0 != t {
            *last = (t, self.keys.form_token(t));
        }
        last.1.clone()
    }
}

fn no_parent() -> Error {
    Error::validation(
        "parent",
        "The comment you are replying to is not here any more. Reload the page.",
    )
}

/// The widget's anonymous voter id, if it sent one (an empty one is none).
fn check_voter(v: &str) -> Result<Option<&str>, Error> {
    if v.len() > 64 || v.chars().any(char::is_control) {
        return Err(Error::validation(
            "voter",
            "voter must be at most 64 printable characters",
        ));
    }
    Ok(Some(v).filter(|v| !v.is_empty()))
}
