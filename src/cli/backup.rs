//! `natter backup FILE`: a consistent copy of the database, even while a
//! natter serves from it; an existing file is never overwritten.

use super::{Common, load};
use crate::error::StartupError;
use clap::Args;
use std::path::PathBuf;

/// The arguments of `natter backup`.
#[derive(Args)]
pub(super) struct BackupArgs {
    #[command(flatten)]
    common: Common,
    file: PathBuf,
}

/// Copies the configured database to the file named.
pub(super) fn run(args: BackupArgs) -> Result<(), StartupError> {
    let file = &args.file;
    if file.exists() {
        return Err(StartupError::Usage(format!(
            "{} already exists; choose a new file name so that no backup is overwritten",
            file.display()
        )));
    }
    let config = load(&args.common, None, Vec::new())?;
    if !config.database.exists() {
        return Err(StartupError::Usage(format!(
            "there is no database {}",
            config.database.display()
        )));
    }
    crate::app::export::backup(&config, file).map_err(|e| StartupError::Database {
        path: config.database.display().to_string(),
        message: e.to_string(),
    })?;
    println!("backed up to {}", file.display());
    Ok(())
}
