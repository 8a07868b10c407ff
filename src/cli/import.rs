//! `natter import FORMAT FILE`: comments from WordPress, Disqus, Isso or a
//! natter export, all or nothing, with a summary of what happened.

use super::{Common, load, open_app, site_id};
use crate::app::bulk::ImportError;
use crate::config::Config;
use crate::domain::SiteId;
use crate::error::StartupError;
use crate::import::{Format, Options};
use clap::Args;
use std::path::PathBuf;

/// The arguments of `natter import`.
#[derive(Args)]
pub(super) struct ImportArgs {
    #[command(flatten)]
    common: Common,
    /// wordpress, disqus, isso or json.
    format: String,
    /// The export file (for isso, its SQLite database).
    file: PathBuf,
    /// The site the comments belong to (optional for json).
    #[arg(long)]
    site: Option<String>,
    /// Read and check everything, report, and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Query parameters that tell the site's pages apart, comma
    /// separated (WordPress's plain links /?p=4: p,page_id); the site
    /// keeps them from now on.
    #[arg(long, value_delimiter = ',')]
    keep_query: Vec<String>,
}

/// Imports the file and prints the summary, the time taken and the peak
/// memory.
pub(super) fn run(args: ImportArgs) -> Result<(), StartupError> {
    let format = Format::parse(&args.format).ok_or_else(|| {
        StartupError::Usage(format!(
            "cannot import {:?}: use wordpress, disqus, isso or json",
            args.format
        ))
    })?;
    let site = site_id(args.site.as_deref())?;
    let options = Options {
        dry_run: args.dry_run,
        keep_query: args.keep_query,
    };
    let config = load(&args.common, None, Vec::new())?;
    check_configured(&config, site.as_ref(), &options)?;
    let app = open_app(config)?;
    let started = std::time::Instant::now();
    let file = &args.file;
    let result = crate::import::run(&app, format, file, site.as_ref(), &options);
    app.db.close();
    let (summary, dry) = match result {
        Ok(s) => (s, false),
        Err(ImportError::DryRun(s)) => (*s, true),
        Err(e) => {
            return Err(StartupError::Usage(format!(
                "import of {} failed, and nothing was imported: {e}",
                file.display()
            )));
        }
    };
    for line in summary.lines() {
        println!("{line}");
    }
    println!("took {:.1} s", started.elapsed().as_secs_f64());
    if let Some(kib) = crate::import::peak_memory_kib() {
        println!("peak memory: {} MiB", kib / 1024);
    }
    if dry {
        println!("dry run: nothing was changed");
    }
    Ok(())
}

/// natter.toml sets its sites again at every start: a query parameter
/// kept only in the database would be lost there.
fn check_configured(
    config: &Config,
    site: Option<&SiteId>,
    options: &Options,
) -> Result<(), StartupError> {
    let Some(configured) = config.sites.iter().find(|s| site == Some(&s.id)) else {
        return Ok(());
    };
    let missing: Vec<String> = options
        .keep_query
        .iter()
        .filter(|q| !configured.settings.keep_query.contains(q))
        .map(|q| format!("\"{q}\""))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(StartupError::Usage(format!(
        "site {} is set in natter.toml: add keep_query = [{}] to it there, then import again",
        configured.id,
        missing.join(", ")
    )))
}
