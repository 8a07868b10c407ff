//! `natter export`: every thread and comment of one site, or of all, as
//! natter's JSON, which `natter import json` reads back without loss.

use super::{Common, refused, site_id, with_app};
use crate::error::StartupError;
use clap::Args;
use std::path::PathBuf;

/// The arguments of `natter export`.
#[derive(Args)]
pub(super) struct ExportArgs {
    #[command(flatten)]
    common: Common,
    #[arg(long)]
    site: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
}

/// Writes the export to the file named, or to standard output.
pub(super) fn run(args: ExportArgs) -> Result<(), StartupError> {
    let site = site_id(args.site.as_deref())?;
    let asked = site.clone();
    let export = with_app(&args.common, |app| async move {
        app.export(site).await.map_err(|e| refused(&app, e))
    })?;
    if let Some(id) = asked
        && export.sites.is_empty()
    {
        return Err(StartupError::Usage(format!(
            "there is no site {id}; `natter site list` shows the sites"
        )));
    }
    let json =
        serde_json::to_string_pretty(&export).map_err(|e| StartupError::Usage(e.to_string()))?;
    match &args.output {
        Some(path) => std::fs::write(path, json + "\n")
            .map_err(|e| StartupError::Usage(format!("cannot write {}: {e}", path.display())))?,
        None => println!("{json}"),
    }
    Ok(())
}
