//! `natter threads remap OLD NEW`: a page changed its address, and its
//! thread follows it.

use super::{Common, db_err, open_db};
use crate::domain::PageRef;
use crate::error::StartupError;
use crate::store::{self, admins, moderation, threads};
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
    let old_page = PageRef::parse(old).map_err(StartupError::Usage)?;
    let new_page = PageRef::parse(new).map_err(StartupError::Usage)?;
    let db = open_db(common)?;
    let (old_s, new_s) = (old.to_string(), new.to_string());
    let result = db.write_blocking(move |c| {
        let sites = store::sites::list(c)?;
        let site = sites
            .iter()
            .find(|s| s.origins.contains(&old_page.origin))
            .ok_or_else(|| {
                format!(
                    "{} is on no registered site; `natter site list` shows the sites",
                    old_page.origin
                )
            });
        let site = match site {
            Ok(s) => s,
            Err(m) => return Ok(Err(m)),
        };
        if !site.origins.contains(&new_page.origin) {
            return Ok(Err(format!("{new_s} is not on the same site as {old_s}")));
        }
        let old_key = old_page.thread_key(&site.settings.keep_query);
        let Some(thread) = threads::find(c, &site.id, &old_key)? else {
            return Ok(Err(format!("there is no thread at {old_s}")));
        };
        let new_key = new_page.thread_key(&site.settings.keep_query);
        if !moderation::remap_thread(c, thread.id, &new_key, &new_page.canonical())? {
            return Ok(Err(format!("there is already a thread at {new_s}")));
        }
        admins::audit(
            c,
            crate::domain::now(),
            "command line",
            "remap",
            &format!("thread {}", thread.id),
            &new_s,
        )?;
        store::mark_changed(c)?;
        Ok::<_, store::StoreError>(Ok(format!(
            "moved the thread of {old_s} to {new_s}; a running natter shows it within 5 seconds"
        )))
    });
    db.close();
    match result.map_err(db_err(&db))? {
        Ok(message) => {
            println!("{message}");
            Ok(())
        }
        Err(message) => Err(StartupError::Usage(message)),
    }
}
