//! `natter admin add|passwd|list|remove`: the moderators who sign in to the
//! admin page. Passwords are read from standard input, never from flags.

use super::{Common, refused, with_app};
use crate::app::{App, check_username};
use crate::error::{Error, StartupError};
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

fn add(common: &Common, username: &str) -> Result<(), StartupError> {
    let username = check_username(username).map_err(|e| StartupError::Usage(e.to_string()))?;
    let password = read_password()?;
    let taken = format!(
        "there is already an admin {username:?}; use `natter admin passwd {username}` to change the password"
    );
    let name = username.clone();
    with_app(common, |app| async move {
        match app.add_moderator(&name, password).await {
            Err(Error::Conflict(_)) => Err(StartupError::Usage(taken)),
            other => other.map_err(|e| refused(&app, e)),
        }
    })?;
    println!("admin {username} added");
    Ok(())
}

fn passwd(common: &Common, username: &str) -> Result<(), StartupError> {
    let password = read_password()?;
    let name = username.to_string();
    with_app(common, |app| async move {
        let result = app.set_moderator_password(&name, password).await;
        known(&app, &name, result)
    })?;
    println!("password of {username} changed; their sessions have ended");
    Ok(())
}

fn list(common: &Common) -> Result<(), StartupError> {
    let list = with_app(common, |app| async move {
        app.moderators().await.map_err(|e| refused(&app, e))
    })?;
    for a in list {
        println!(
            "{}\tsince {}",
            a.username,
            crate::domain::rfc3339(a.created)
        );
    }
    Ok(())
}

fn remove(common: &Common, username: &str) -> Result<(), StartupError> {
    let name = username.to_string();
    with_app(common, |app| async move {
        let result = app.remove_moderator(&name).await;
        known(&app, &name, result)
    })?;
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
fn known(app: &App, username: &str, result: Result<(), Error>) -> Result<(), StartupError> {
    match result {
        Err(Error::NotFound) => Err(StartupError::Usage(format!(
            "there is no admin {username:?}; `natter admin list` shows them"
        ))),
        other => other.map_err(|e| refused(app, e)),
    }
}
