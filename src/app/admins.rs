//! The moderators' accounts, as the command line keeps them: add one,
//! change a password (which ends every session), list, remove.

use super::{App, session::hash_blocking};
use crate::domain::{UnixTime, now};
use crate::error::Error;
use crate::store::{admins, sessions};

/// A moderator's account, without its password hash.
#[derive(Debug, Clone)]
pub struct Moderator {
    pub username: String,
    /// When the account was made.
    pub created: UnixTime,
}

/// A username as natter keeps it: trimmed, 1 to 64 characters, no spaces.
pub fn check_username(username: &str) -> Result<String, Error> {
    let username = username.trim();
    if username.is_empty()
        || username.chars().count() > 64
        || username.chars().any(char::is_whitespace)
    {
        return Err(Error::validation(
            "username",
            "a username has 1 to 64 characters and no spaces",
        ));
    }
    Ok(username.to_string())
}

impl App {
    /// Adds a moderator; [`Error::Conflict`] when the name is taken.
    pub async fn add_moderator(&self, username: &str, password: String) -> Result<(), Error> {
        let username = check_username(username)?;
        let hash = hash_blocking(password).await?;
        let added = self
            .db
            .write(move |c| admins::insert(c, &username, &hash, now()))
            .await?;
        match added {
            true => Ok(()),
            false => Err(Error::Conflict(
                "there is already an admin by that name".into(),
            )),
        }
    }

    /// Sets a moderator's password and ends their sessions;
    /// [`Error::NotFound`] for an unknown name.
    pub async fn set_moderator_password(
        &self,
        username: &str,
        password: String,
    ) -> Result<(), Error> {
        let hash = hash_blocking(password).await?;
        let username = username.to_string();
        Ok(self
            .db
            .write(move |c| {
                // A new password ends every session of the old one.
                let id = admins::set_password(c, &username, &hash)?;
                sessions::end_all(c, id)
            })
            .await?)
    }

    /// The moderators, by name.
    pub async fn moderators(&self) -> Result<Vec<Moderator>, Error> {
        let rows = self.db.read(admins::list).await?;
        Ok(rows
            .into_iter()
            .map(|a| Moderator {
                username: a.username,
                created: a.created,
            })
            .collect())
    }

    /// Removes a moderator; [`Error::NotFound`] for an unknown name.
    pub async fn remove_moderator(&self, username: &str) -> Result<(), Error> {
        let username = username.to_string();
        Ok(self.db.write(move |c| admins::remove(c, &username)).await?)
    }
}
