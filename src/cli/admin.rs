//! `natter admin add|passwd|list|remove`: the moderators who sign in to the
//! admin page. Passwords are read from standard input, never from flags.

use super::{Common, db_err, open_db};
use crate::error::StartupError;
use crate::store::{self, Db, admins};
use clap::Subcommand;

#[derive(Subcommand)]
pub(super) enum AdminAction {
    /// Add a moderator; the password is read from standard input.
    Add {
        #[command(flatten)]
        common: Common,
        username: String,
    },
    /// Set a new password (read from standard input) and end every session.
    Passwd {
        #[command(flatten)]
        common: Common,
        username: String,
    },
    /// List the moderators.
    List {
        #[command(flatten)]
        common: Common,
    },
    /// Remove a moderator.
    Remove {
        #[command(flatten)]
        common: Common,
        username: String,
    },
}

/// Runs one `natter admin` action.
pub(super) fn run(action: AdminAction) -> Result<(), StartupError> {
    match action {
        AdminAction::Add { common, username } => add(&common, &username),
        AdminAction::Passwd { common, username } => passwd(&common, &username),
        AdminAction::List { common } => list(&common),
        AdminAction::Remove { common, username } => remove(&common, &username),
    }
}

fn hash(password: &str) -> Result<String, StartupError> {
    crate::keys::hash_password(password).map_err(StartupError::Usage)
}

fn add(common: &Common, username: &str) -> Result<(), StartupError> {
    let username = username.trim().to_string();
    if username.is_empty()
        || username.chars().count() > 64
        || username.chars().any(char::is_whitespace)
    {
        return Err(StartupError::Usage(
            "a username has 1 to 64 characters and no spaces".into(),
        ));
    }
    let password_hash = hash(&read_password()?)?;
    let db = open_db(common)?;
    let name = username.clone();
    let added = db
        .write_blocking(move |c| admins::insert(c, &name, &password_hash, crate::domain::now()))
        .map_err(db_err(&db));
    db.close();
    if !added? {
        return Err(StartupError::Usage(format!(
            "there is already an admin {username:?}; use `natter admin passwd {username}` to change the password"
        )));
    }
    println!("admin {username} added");
    Ok(())
}

fn passwd(common: &Common, username: &str) -> Result<(), StartupError> {
    let password_hash = hash(&read_password()?)?;
    let db = open_db(common)?;
    let name = username.to_string();
    let result = db.write_blocking(move |c| admins::set_password(c, &name, &password_hash));
    db.close();
    admin_result(&db, username, result)?;
    println!("password of {username} changed; their sessions have ended");
    Ok(())
}

fn list(common: &Common) -> Result<(), StartupError> {
    let db = open_db(common)?;
    let list = db.write_blocking(admins::list).map_err(db_err(&db));
    db.close();
    for a in list? {
        println!(
            "{}\tsince {}",
            a.username,
            crate::domain::rfc3339(a.created)
        );
    }
    Ok(())
}

fn remove(common: &Common, username: &str) -> Result<(), StartupError> {
    let db = open_db(common)?;
    let name = username.to_string();
    let result = db.write_blocking(move |c| admins::remove(c, &name));
    db.close();
    admin_result(&db, username, result)?;
    println!("admin {username} removed");
    Ok(())
}

/// Reads a new password from standard input (one line).
fn read_password() -> Result<String, StartupError> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        eprint!("New password (at least 10 characters; it will show as you type): ");
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| StartupError::Usage(format!("cannot read the password: {e}")))?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.chars().count() < 10 {
        return Err(StartupError::Usage(
            "the password must have at least 10 characters; send it on standard input, \
             like: printf '%s' 'my long password' | natter admin add jo"
                .into(),
        ));
    }
    Ok(password)
}

/// A change to one admin: an unknown name is the operator's mistake, not the database's.
fn admin_result(
    db: &Db,
    username: &str,
    result: Result<(), store::StoreError>,
) -> Result<(), StartupError> {
    match result {
        Ok(()) => Ok(()),
        Err(store::StoreError::NotFound) => Err(StartupError::Usage(format!(
            "there is no admin {username:?}; `natter admin list` shows them"
        ))),
        Err(e) => Err(db_err(db)(e)),
    }
}
