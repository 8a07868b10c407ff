//! The command line: `natter serve`, `site`, `admin`, `import`, `export`,
//! `backup`, `threads`, `check-config`, `healthcheck`. This file parses the
//! arguments and hands each subcommand to its own file; a subcommand that
//! fails says why on standard error and exits 1.

mod admin;
mod backup;
mod check;
mod export;
mod import;
mod serve;
mod site;
mod threads;

use crate::app::App;
use crate::config::{self, Config, Overrides};
use crate::error::{Error, StartupError};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "natter",
    version,
    about = "A self-hosted comment service for any web page."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The options every subcommand takes: where the configuration and the
/// database are.
#[derive(Args, Clone, Default)]
struct Common {
    /// Configuration file (default: natter.toml when it exists).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// SQLite database file (default: natter.db).
    #[arg(long, global = true)]
    database: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the widget, the API and the demo page.
    Serve(serve::ServeArgs),
    /// Add, list or remove sites in the database.
    Site {
        #[command(subcommand)]
        action: site::SiteAction,
    },
    /// Add, list or remove moderators, or change a password.
    Admin {
        #[command(subcommand)]
        action: admin::AdminAction,
    },
    /// Bring comments in from WordPress, Disqus, Isso or a natter export.
    Import(import::ImportArgs),
    /// Write every thread and comment (of one site, or all) as JSON.
    Export(export::ExportArgs),
    /// Copy the database to FILE, safely, even while natter is serving.
    Backup(backup::BackupArgs),
    /// Look after threads.
    Threads {
        #[command(subcommand)]
        action: threads::ThreadsAction,
    },
    /// Load and check the configuration, then say what it holds.
    CheckConfig {
        #[command(flatten)]
        common: Common,
    },
    /// Ask a running natter whether it is healthy (exit 0 if so).
    Healthcheck(check::HealthArgs),
}

/// Runs the command line and returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("natter: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), StartupError> {
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Site { action } => site::run(action),
        Command::Admin { action } => admin::run(action),
        Command::Import(args) => import::run(args),
        Command::Export(args) => export::run(args),
        Command::Backup(args) => backup::run(args),
        Command::Threads { action } => threads::run(action),
        Command::CheckConfig { common } => check::config(&common),
        Command::Healthcheck(args) => check::health(args),
    }
}

/// Loads the configuration the way every subcommand does: the file, the
/// environment, then the flags given.
fn load(
    common: &Common,
    listen: Option<String>,
    sites: Vec<String>,
) -> Result<Config, StartupError> {
    let flags = Overrides {
        listen,
        database: common.database.clone(),
        sites,
    };
    Config::load(common.config.as_deref(), &config::process_env(), &flags)
}

/// Opens natter for one command: the configured database, with the
/// configured sites registered in it.
fn open_app(config: Config) -> Result<App, StartupError> {
    let path = config.database.display().to_string();
    App::for_command(config).map_err(|e| StartupError::Database {
        path,
        message: e.to_string(),
    })
}

/// Runs one use case of `app` to its end, then closes the database.
fn run_app<T, Fut>(app: App, f: impl FnOnce(App) -> Fut) -> Result<T, StartupError>
where
    Fut: Future<Output = Result<T, StartupError>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| StartupError::Usage(format!("cannot start the runtime: {e}")))?;
    let result = runtime.block_on(f(app.clone()));
    app.db.close();
    result
}

/// [`run_app`] on the database the command's options name.
fn with_app<T, Fut>(common: &Common, f: impl FnOnce(App) -> Fut) -> Result<T, StartupError>
where
    Fut: Future<Output = Result<T, StartupError>>,
{
    run_app(open_app(load(common, None, Vec::new())?)?, f)
}

/// A use case's refusal as the operator reads it: what to change, or
/// what the database said.
fn refused(app: &App, e: Error) -> StartupError {
    let database = |message: String| StartupError::Database {
        path: app.db.path().display().to_string(),
        message,
    };
    match e {
        Error::Internal(m) => database(m),
        Error::DiskFull(m) => database(format!("disk full: {m}")),
        Error::DatabaseLocked(m) => database(format!("database locked: {m}")),
        Error::NotFound => database("not found".into()),
        other => StartupError::Usage(other.to_string()),
    }
}

/// Reads an optional `--site ID`.
fn site_id(site: Option<&str>) -> Result<Option<crate::domain::SiteId>, StartupError> {
    site.map(crate::domain::SiteId::parse)
        .transpose()
        .map_err(StartupError::Usage)
}
