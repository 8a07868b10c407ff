//! Moderators sign in and out (DESIGN §5): a password checked off the
//! async workers, a session cookie, and the first admin made at start.

use super::{App, audit, blocking};
use crate::domain::audit::{Actor, Change, Entry, Target};
use crate::domain::{AdminId, now};
use crate::error::Error;
use crate::keys::{self, hash_token};
use crate::store::{admins, sessions};
use std::sync::LazyLock;

/// How long a moderator stays signed in.
const SESSION_SECONDS: i64 = 12 * 3600;

/// A signed-in moderator.
#[derive(Debug, Clone)]
pub struct AdminSession {
    pub admin_id: AdminId,
    pub username: String,
    pub token_hash: String,
    pub csrf: String,
}

impl AdminSession {
    /// The moderator, as the audit log names who made a change.
    pub fn actor(&self) -> Actor {
        Actor::Moderator(self.username.clone())
    }
}

/// A hash to check against when the username is unknown, so that a wrong
/// name takes as long as a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| keys::hash_password("not a real password").unwrap_or_default());

/// Hashes a password off the async runtime.
pub async fn hash_blocking(password: String) -> Result<String, Error> {
    blocking::run(move || keys::hash_password(&password))
        .await?
        .map_err(Error::Internal)
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
        let actor = Actor::Moderator(user.clone());
        self.db
            .write(move |c| {
                sessions::create(c, &th, id, created, created + SESSION_SECONDS)?;
                let entry = Entry::new(&actor, Change::Login, Target::Admin(user), "");
                audit::record(c, created, &entry)
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
            .read(move |c| sessions::admin(c, &th, now()))
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
        let actor = s.actor();
        self.db
            .write(move |c| {
                if everywhere {
                    sessions::end_all(c, id)?;
                } else {
                    sessions::end(c, &th)?;
                }
                let change = match everywhere {
                    true => Change::LogoutEverywhere,
                    false => Change::Logout,
                };
                let entry = Entry::new(&actor, change, Target::Admin(user), "");
                audit::record(c, now(), &entry)
            })
            .await?;
        Ok(())
    }
}
