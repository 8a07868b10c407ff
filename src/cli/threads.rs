//! `natter threads remap OLD NEW`: a page changed its address, and its
//! thread follows it.

use super::{Common, refused, with_app};
use crate::domain::PageRef;
use crate::domain::audit::Actor;
use crate::error::{Error, StartupError};
use clap::Subcommand;

#[derive(Subcommand)]
pub(super) enum ThreadsAction {
    /// Move the thread of the page at OLD to the page at NEW (a changed address).
    Remap {
        #[command(flatten)]
        common: Common,
        old: String,
        new: String,
    },
}

/// Runs one `natter threads` action.
pub(super) fn run(action: ThreadsAction) -> Result<(), StartupError> {
    match action {
        ThreadsAction::Remap { common, old, new } => remap(&common, &old, &new),
    }
}

fn remap(common: &Common, old: &str, new: &str) -> Result<(), StartupError> {
    // Addresses that are not page addresses are refused before the database
    // opens; after, a refusal of the address can only be about its site.
    PageRef::parse(old).map_err(StartupError::Usage)?;
    PageRef::parse(new).map_err(StartupError::Usage)?;
    let (from, to) = (old.to_string(), new.to_string());
    with_app(common, |app| async move {
        let moved = async {
            app.move_thread(Actor::CommandLine, &from, &to).await?;
            app.announce_change().await
        };
        match moved.await {
            Ok(()) => Ok(()),
            Err(Error::UnknownSite { origin }) => Err(format!(
                "{origin} is on no registered site; `natter site list` shows the sites"
            )),
            Err(Error::Validation { .. }) => Err(format!("{to} is not on the same site as {from}")),
            Err(Error::NotFound) => Err(format!("there is no thread at {from}")),
            Err(Error::Conflict(_)) => Err(format!("there is already a thread at {to}")),
            Err(e) => return Err(refused(&app, e)),
        }
        .map_err(StartupError::Usage)
    })?;
    println!("moved the thread of {old} to {new}; a running natter shows it within 5 seconds");
    Ok(())
}
