//! What moderators do (DESIGN §5): sign in, go through the queue, approve,
//! mark spam, delete, restore, edit, ban, look after threads and sites. Each
//! change is written to the audit log in the same transaction.

use super::{App, blocking};
use crate::domain::{CommentId, Origin, Site, SiteId, SiteSettings, Status, now, rfc3339};
use crate::error::Error;
use crate::keys::{self, hash_token};
use crate::store::admins::{self, AuditRow, BanRow};
use crate::store::moderation::{self, Filter};
use crate::store::{StoreError, comments, threads};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// How long a moderator stays signed in.
const SESSION_SECONDS: i64 = 12 * 3600;

/// A signed-in moderator.
#[derive(Debug, Clone)]
pub struct AdminSession {
    pub admin_id: i64,
    pub username: String,
    pub token_hash: String,
    pub csrf: String,
}

#[derive(Debug, Serialize)]
pub struct AdminAuthor {
    pub name: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AdminThread {
    pub id: i64,
    pub site: String,
    pub key: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub locked: bool,
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

#[derive(Debug, Serialize)]
pub struct ThreadWithCount {
    #[serde(flatten)]
    pub thread: AdminThread,
    pub count: u64,
}

#[derive(Debug, Serialize)]
pub struct SiteView {
    pub id: String,
    pub name: String,
    pub origins: Vec<String>,
    pub settings: SiteSettings,
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

/// A new ban: of a value given, or of the author of a comment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BanRequest {
    pub kind: String,
    pub value: Option<String>,
    pub comment_id: Option<CommentId>,
    #[serde(default)]
    pub reason: String,
    /// Days until the ban ends; none for a ban without end.
    pub days: Option<u32>,
}

/// Changes to a thread; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadChange {
    pub title: Option<String>,
    pub locked: Option<bool>,
    /// Moves the thread to the page at this URL.
    pub url: Option<String>,
}

/// A site as the admin page sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    pub id: String,
    pub name: String,
    pub origins: Vec<String>,
    #[serde(default)]
    pub settings: SiteSettings,
}

/// A hash to check against when the username is unknown, so that a wrong
/// name takes as long as a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| keys::hash_password("not a real password").unwrap_or_default());

fn thread_view(t: &threads::ThreadRow) -> AdminThread {
    AdminThread {
        id: t.id,
        site: t.site_id.to_string(),
        key: t.key.to_string(),
        url: t.url.clone(),
        title: t.title.clone(),
        locked: t.locked,
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

fn site_view(s: &Site) -> SiteView {
    SiteView {
        id: s.id.to_string(),
        name: s.name.clone(),
        origins: s.origins.iter().map(|o| o.to_string()).collect(),
        settings: s.settings.clone(),
    }
}

impl App {
    /// Makes the first admin when there is none: `admin` with the password
    /// from `NATTER_ADMIN_PASSWORD`, or a generated one written once to the log.
    pub async fn ensure_first_admin(&self) -> Result<(), Error> {
        if self.db.read(admins::count).await? > 0 {
            return Ok(());
        }
        let (password, generated) = match &self.config.admin_password {
            Some(p) => (p.clone(), false),
            None => (keys::random_token(12), true),
        };
        let hash = hash_blocking(password.clone()).await?;
        let created = self
            .db
            .write(move |c| admins::insert(c, "admin", &hash, now()))
            .await?;
        if created && generated {
            tracing::warn!(
                "created the first admin: user \"admin\", password \"{password}\". \
                 It is shown only now; change it with `natter admin passwd admin`."
            );
        } else if created {
            tracing::info!("created the first admin \"admin\" from NATTER_ADMIN_PASSWORD");
        }
        Ok(())
    }

    /// Checks a username and password and opens a session; returns the
    /// cookie value and the session.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<(String, AdminSession), Error> {
        self.sign_in.check(username)?;
        let permit = self.sign_in.hash_permit()?;
        let name = username.trim().to_string();
        let admin = self.db.read(move |c| admins::by_username(c, &name)).await?;
        let stored = admin.as_ref().map(|a| a.password_hash.clone());
        let password = password.to_string();
        let ok = blocking::run(move || {
            let _permit = permit;
            keys::verify_password(&password, stored.as_deref().unwrap_or(&DUMMY_HASH))
        })
        .await?;
        let admin = match (admin, ok) {
            (Some(a), true) => a,
            _ => {
                self.sign_in.failed(username);
                return Err(Error::LoginFailed);
            }
        };
        self.sign_in.succeeded(username);
        let token = keys::random_token(32);
        let token_hash = hash_token(&token);
        let created = now();
        let (id, th, user) = (admin.id, token_hash.clone(), admin.username.clone());
        self.db
            .write(move |c| {
                admins::create_session(c, &th, id, created, created + SESSION_SECONDS)?;
                admins::audit(c, created, &user, "login", &user, "")
            })
            .await?;
        let csrf = self.keys.csrf_token(&token_hash);
        Ok((
            token,
            AdminSession {
                admin_id: admin.id,
                username: admin.username,
                token_hash,
                csrf,
            },
        ))
    }

    /// The session of a cookie value, if it is live.
    pub async fn admin_session(&self, cookie: Option<&str>) -> Result<AdminSession, Error> {
        let token = cookie.filter(|c| !c.is_empty()).ok_or(Error::NotSignedIn)?;
        let token_hash = hash_token(token);
        let th = token_hash.clone();
        let admin = self
            .db
            .read(move |c| admins::session_admin(c, &th, now()))
            .await?
            .ok_or(Error::NotSignedIn)?;
        let csrf = self.keys.csrf_token(&token_hash);
        Ok(AdminSession {
            admin_id: admin.id,
            username: admin.username,
            token_hash,
            csrf,
        })
    }

    /// Ends this session, or every session of this moderator.
    pub async fn logout(&self, s: &AdminSession, everywhere: bool) -> Result<(), Error> {
        let (id, th, user) = (s.admin_id, s.token_hash.clone(), s.username.clone());
        self.db
            .write(move |c| {
                if everywhere {
                    admins::end_all_sessions(c, id)?;
                } else {
                    admins::end_session(c, &th)?;
                }
                admins::audit(
                    c,
                    now(),
                    &user,
                    if everywhere {
                        "logout_everywhere"
                    } else {
                        "logout"
                    },
                    &user,
                    "",
                )
            })
            .await?;
        Ok(())
    }

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

    pub async fn bans(&self) -> Result<Vec<BanRow>, Error> {
        Ok(self.db.read(|c| admins::list_bans(c, now())).await?)
    }

    /// Bans an IP hash or an email, given directly or as a comment's author.
    pub async fn ban(&self, s: &AdminSession, req: BanRequest) -> Result<i64, Error> {
        if !matches!(req.kind.as_str(), "ip" | "email") {
            return Err(Error::validation(
                "kind",
                "kind must be \"ip\" or \"email\"",
            ));
        }
        let by_comment = match req.comment_id {
            Some(id) => Some(self.db.read(move |c| comments::get(c, id)).await?),
            None => None,
        };
        let value = match (
            req.kind.as_str(),
            &by_comment,
            req.value.as_deref().map(str::trim),
        ) {
            (_, None, Some(v)) if !v.is_empty() => v.to_lowercase(),
            ("ip", Some(row), _) => row.ip_hash.clone().ok_or_else(|| {
                Error::validation("comment_id", "That comment has no IP hash to ban.")
            })?,
            ("email", Some(row), _) => {
                row.email.clone().map(|e| e.to_lowercase()).ok_or_else(|| {
                    Error::validation(
                        "comment_id",
                        "That comment has no email address to ban. Ban its IP hash instead.",
                    )
                })?
            }
            _ => {
                return Err(Error::validation(
                    "value",
                    "Give the IP hash or email to ban, or the comment whose author to ban.",
                ));
            }
        };
        let created = now();
        let expires = req.days.map(|d| created + i64::from(d) * 86_400);
        let (user, kind, reason) = (
            s.username.clone(),
            req.kind.clone(),
            req.reason.chars().take(500).collect::<String>(),
        );
        let id = self
            .db
            .write(move |c| {
                let id = admins::add_ban(c, &kind, &value, &reason, created, expires, &user)?;
                admins::audit(
                    c,
                    created,
                    &user,
                    "ban",
                    &format!("{kind} ban {id}"),
                    &reason,
                )?;
                Ok::<_, StoreError>(id)
            })
            .await?;
        Ok(id)
    }

    pub async fn unban(&self, s: &AdminSession, id: i64) -> Result<(), Error> {
        let user = s.username.clone();
        self.db
            .write(move |c| {
                admins::remove_ban(c, id)?;
                admins::audit(c, now(), &user, "unban", &format!("ban {id}"), "")
            })
            .await?;
        Ok(())
    }

    pub async fn admin_threads(
        &self,
        site: Option<SiteId>,
        offset: u32,
    ) -> Result<Vec<ThreadWithCount>, Error> {
        let rows = self
            .db
            .read(move |c| moderation::threads(c, site.as_ref(), 100, offset))
            .await?;
        Ok(rows
            .into_iter()
            .map(|(t, count)| ThreadWithCount {
                thread: thread_view(&t),
                count,
            })
            .collect())
    }

    /// Retitles, locks or unlocks, or moves a thread to a new URL.
    pub async fn update_thread(
        &self,
        s: &AdminSession,
        id: i64,
        change: ThreadChange,
    ) -> Result<AdminThread, Error> {
        let thread = self.db.read(move |c| threads::get(c, id)).await?;
        let site = self.sites.by_id(&thread.site_id).ok_or(Error::NotFound)?;
        let remap = match change.url.as_deref() {
            Some(u) => {
                let page =
                    crate::domain::PageRef::parse(u).map_err(|m| Error::validation("url", m))?;
                if !site.origins.contains(&page.origin) {
                    return Err(Error::validation(
                        "url",
                        format!(
                            "The new address must be on one of the site's origins ({}).",
                            site.origins
                                .iter()
                                .map(Origin::as_str)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
                Some((page.thread_key(&site.settings.keep_query), page.canonical()))
            }
            None => None,
        };
        let user = s.username.clone();
        let old_key = thread.key.clone();
        let updated = self
            .db
            .write(move |c| {
                if let Some(title) = &change.title {
                    let title = title.trim();
                    moderation::set_thread_title(c, id, (!title.is_empty()).then_some(title))?;
                    admins::audit(c, now(), &user, "retitle", &format!("thread {id}"), title)?;
                }
                if let Some(locked) = change.locked {
                    moderation::set_thread_locked(c, id, locked)?;
                    admins::audit(
                        c,
                        now(),
                        &user,
                        if locked { "lock" } else { "unlock" },
                        &format!("thread {id}"),
                        "",
                    )?;
                }
                if let Some((key, url)) = &remap {
                    if !moderation::remap_thread(c, id, key, url)? {
                        return Err(Error::Conflict(
                            "Another thread already has that address. Move or delete it first."
                                .into(),
                        ));
                    }
                    admins::audit(c, now(), &user, "remap", &format!("thread {id}"), url)?;
                }
                Ok(threads::get(c, id)?)
            })
            .await?;
        self.cache.invalidate(&updated.site_id, &old_key);
        self.cache.invalidate(&updated.site_id, &updated.key);
        Ok(thread_view(&updated))
    }

    pub fn admin_sites(&self) -> Vec<SiteView> {
        self.sites.all().iter().map(|s| site_view(s)).collect()
    }

    /// Creates or updates a site from the admin page.
    pub async fn save_site(&self, s: &AdminSession, input: SiteInput) -> Result<SiteView, Error> {
        let id = SiteId::parse(input.id.trim()).map_err(|m| Error::validation("id", m))?;
        let origins = input
            .origins
            .iter()
            .map(|o| Origin::parse(o))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|m| Error::validation("origins", m))?;
        let site = Site {
            id,
            name: input.name.trim().to_string(),
            origins,
            settings: input.settings,
        };
        site.check()
            .map_err(|(field, m)| Error::validation(field, m))?;
        let hooks: Vec<String> = site
            .settings
            .webhooks
            .iter()
            .map(|w| w.url.clone())
            .collect();
        let allow = self.config.webhook_allow_private.clone();
        // Resolving a webhook's host name blocks.
        tokio::task::spawn_blocking(move || {
            hooks
                .iter()
                .try_for_each(|url| crate::notify::target::check_url(url, &allow))
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|m| Error::validation("settings.webhooks", m))?;
        let user = s.username.clone();
        let saved = site.clone();
        self.db
            .write(move |c| {
                crate::store::sites::upsert(c, &saved)?;
                admins::audit(
                    c,
                    now(),
                    &user,
                    "save_site",
                    &format!("site {}", saved.id),
                    "",
                )
            })
            .await?;
        self.reload_sites().await?;
        Ok(site_view(&site))
    }

    pub async fn audit_log(&self, before: Option<i64>) -> Result<Vec<AuditRow>, Error> {
        Ok(self
            .db
            .read(move |c| admins::audit_log(c, 100, before))
            .await?)
    }
}

/// Hashes a password off the async runtime.
pub async fn hash_blocking(password: String) -> Result<String, Error> {
    blocking::run(move || keys::hash_password(&password))
        .await?
        .map_err(Error::Internal)
}
