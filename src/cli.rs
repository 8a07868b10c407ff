//! The command line: `natter serve`, `site`, `check-config`, `healthcheck`.

use crate::config::{self, Config, Overrides};
use crate::domain::site::parse_duration;
use crate::domain::{ModerationMode, Origin, Site, SiteId, SiteSettings};
use crate::error::StartupError;
use crate::store::{self, Db, admins, audit, threads};
use clap::{Args, Parser, Subcommand};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

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
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address to listen on (default: 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<String>,
        /// A site as ID=ORIGIN[,ORIGIN…]; may be repeated.
        #[arg(long = "site")]
        sites: Vec<String>,
    },
    /// Add, list or remove sites in the database.
    Site {
        #[command(subcommand)]
        action: SiteAction,
    },
    /// Add, list or remove moderators, or change a password.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Bring comments in from WordPress, Disqus, Isso or a natter export.
    Import {
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
    },
    /// Write every thread and comment (of one site, or all) as JSON.
    Export {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        site: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Copy the database to FILE, safely, even while natter is serving.
    Backup {
        #[command(flatten)]
        common: Common,
        file: PathBuf,
    },
    /// Look after threads.
    Threads {
        #[command(subcommand)]
        action: ThreadsAction,
    },
    /// Load and check the configuration, then say what it holds.
    CheckConfig {
        #[command(flatten)]
        common: Common,
    },
    /// Ask a running natter whether it is healthy (exit 0 if so).
    Healthcheck {
        #[command(flatten)]
        common: Common,
        /// Address of the server (default: the configured listen address).
        #[arg(long)]
        listen: Option<String>,
    },
}

#[derive(Subcommand)]
enum ThreadsAction {
    /// Move the thread of the page at OLD to the page at NEW (a changed address).
    Remap {
        #[command(flatten)]
        common: Common,
        old: String,
        new: String,
    },
}

#[derive(Subcommand)]
enum AdminAction {
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

#[derive(Subcommand)]
enum SiteAction {
    /// Register a site, or update the one with this id.
    Add {
        #[command(flatten)]
        common: Common,
        id: String,
        /// An origin pages of the site are served from; may be repeated.
        #[arg(long = "origin", required = true)]
        origins: Vec<String>,
        #[arg(long)]
        name: Option<String>,
        /// none, first or all.
        #[arg(long, default_value = "none")]
        moderation: String,
        /// How long authors may edit, like 15m.
        #[arg(long, default_value = "15m")]
        edit_window: String,
        /// Query parameters that identify a page, comma separated (WordPress: p,page_id).
        #[arg(long, value_delimiter = ',')]
        keep_query: Vec<String>,
        /// The language of emails: en, de, fr, es, nl, pt or ar.
        #[arg(long, default_value = "en")]
        language: String,
        /// An address emailed about each new comment; may be repeated.
        #[arg(long = "moderator-email")]
        moderator_emails: Vec<String>,
    },
    /// List the registered sites.
    List {
        #[command(flatten)]
        common: Common,
    },
    /// Remove a site with all its threads and comments.
    Remove {
        #[command(flatten)]
        common: Common,
        id: String,
    },
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

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("NATTER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,warp::filters::trace=error"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn run(cli: Cli) -> Result<(), StartupError> {
    match cli.command {
        Command::Serve {
            common,
            listen,
            sites,
        } => {
            let config = load(&common, listen, sites)?;
            init_logging(config.log_json);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| StartupError::Usage(format!("cannot start the runtime: {e}")))?;
            runtime.block_on(crate::serve_until_signal(config))
        }
        Command::Site { action } => site(action),
        Command::Admin { action } => admin(action),
        Command::Import {
            common,
            format,
            file,
            site,
            dry_run,
            keep_query,
        } => import(
            &common,
            &format,
            &file,
            site.as_deref(),
            crate::import::Options {
                dry_run,
                keep_query,
            },
        ),
        Command::Export {
            common,
            site,
            output,
        } => export(&common, site.as_deref(), output.as_deref()),
        Command::Backup { common, file } => backup(&common, &file),
        Command::Threads {
            action: ThreadsAction::Remap { common, old, new },
        } => remap(&common, &old, &new),
        Command::CheckConfig { common } => {
            let config = load(&common, None, Vec::new())?;
            println!("configuration is valid");
            println!("listen: {}", config.listen);
            println!("database: {}", config.database.display());
            println!(
                "rate limits: {}",
                if config.rate_limit { "on" } else { "off" }
            );
            println!(
                "email notifications: {}",
                if config.smtp.is_some() { "on" } else { "off" }
            );
            if config.sites.is_empty() {
                println!(
                    "sites: none configured (the demo site is used unless the database has sites)"
                );
            }
            for s in &config.sites {
                let origins: Vec<&str> = s.origins.iter().map(Origin::as_str).collect();
                println!(
                    "site {}: {} (moderation {})",
                    s.id,
                    origins.join(", "),
                    s.settings.moderation.as_str()
                );
            }
            Ok(())
        }
        Command::Healthcheck { common, listen } => {
            let config = load(&common, listen, Vec::new())?;
            healthcheck(config.listen)
        }
    }
}

fn open_db(common: &Common) -> Result<Db, StartupError> {
    open_configured(&load(common, None, Vec::new())?)
}

fn open_configured(config: &Config) -> Result<Db, StartupError> {
    crate::app::open_database(config).map_err(|e| StartupError::Database {
        path: config.database.display().to_string(),
        message: e.to_string(),
    })
}

fn db_err(db: &Db) -> impl Fn(store::StoreError) -> StartupError + '_ {
    move |e| StartupError::Database {
        path: db.path().display().to_string(),
        message: e.to_string(),
    }
}

fn site(action: SiteAction) -> Result<(), StartupError> {
    match action {
        SiteAction::Add {
            common,
            id,
            origins,
            name,
            moderation,
            edit_window,
            keep_query,
            language,
            moderator_emails,
        } => {
            let settings = SiteSettings {
                moderation: ModerationMode::parse(&moderation).map_err(StartupError::Usage)?,
                edit_window_seconds: parse_duration(&edit_window).map_err(StartupError::Usage)?,
                keep_query,
                language,
                moderator_emails,
                ..SiteSettings::default()
            };
            settings
                .check_notifications()
                .map_err(|e| StartupError::Usage(e.message))?;
            let site = Site {
                id: SiteId::parse(&id).map_err(StartupError::Usage)?,
                name: name.unwrap_or_else(|| id.clone()),
                origins: origins
                    .iter()
                    .map(|o| Origin::parse(o))
                    .collect::<Result<_, _>>()
                    .map_err(StartupError::Usage)?,
                settings,
            };
            let db = open_db(&common)?;
            let result = db
                .write_blocking(move |c| {
                    store::sites::upsert(c, &site)?;
                    store::settings::mark_changed(c)
                })
                .map_err(db_err(&db));
            db.close();
            result?;
            println!("site {id} saved; a running natter picks it up within 5 seconds");
            Ok(())
        }
        SiteAction::List { common } => {
            let db = open_db(&common)?;
            let sites = db.write_blocking(store::sites::list).map_err(db_err(&db));
            db.close();
            for s in sites? {
                let origins: Vec<&str> = s.origins.iter().map(Origin::as_str).collect();
                println!(
                    "{}\t{}\t{}\tmoderation={}",
                    s.id,
                    s.name,
                    origins.join(","),
                    s.settings.moderation.as_str()
                );
            }
            Ok(())
        }
        SiteAction::Remove { common, id } => {
            let id = SiteId::parse(&id).map_err(StartupError::Usage)?;
            let db = open_db(&common)?;
            let shown = id.to_string();
            let result = db
                .write_blocking(move |c| {
                    store::sites::remove(c, &id)?;
                    store::settings::mark_changed(c)
                })
                .map_err(db_err(&db));
            db.close();
            match result {
                Err(StartupError::Database { message, .. }) if message == "not found" => {
                    Err(StartupError::Usage(format!(
                        "there is no site {shown}; `natter site list` shows the sites"
                    )))
                }
                other => other.map(|()| println!("site {shown} removed")),
            }
        }
    }
}

/// A plain HTTP/1.1 GET of `/healthz`, so the binary needs no HTTP client.
fn healthcheck(addr: std::net::SocketAddr) -> Result<(), StartupError> {
    let fail = |m: String| StartupError::Usage(format!("health check of {addr} failed: {m}"));
    let mut stream = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(3))
        .map_err(|e| fail(e.to_string()))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| fail(e.to_string()))?;
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| fail(e.to_string()))?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| fail(e.to_string()))?;
    let status = answer.lines().next().unwrap_or("");
    if status.split_whitespace().nth(1) == Some("200") {
        println!("healthy");
        Ok(())
    } else {
        Err(fail(format!("answer was {status:?}")))
    }
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

fn admin(action: AdminAction) -> Result<(), StartupError> {
    let hash = |p: &str| crate::keys::hash_password(p).map_err(StartupError::Usage);
    match action {
        AdminAction::Add { common, username } => {
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
            let db = open_db(&common)?;
            let name = username.clone();
            let added = db
                .write_blocking(move |c| {
                    admins::insert(c, &name, &password_hash, crate::domain::now())
                })
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
        AdminAction::Passwd { common, username } => {
            let password_hash = hash(&read_password()?)?;
            let db = open_db(&common)?;
            let name = username.clone();
            let result = db.write_blocking(move |c| admins::set_password(c, &name, &password_hash));
            db.close();
            admin_result(&db, &username, result)?;
            println!("password of {username} changed; their sessions have ended");
            Ok(())
        }
        AdminAction::List { common } => {
            let db = open_db(&common)?;
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
        AdminAction::Remove { common, username } => {
            let db = open_db(&common)?;
            let name = username.clone();
            let result = db.write_blocking(move |c| admins::remove(c, &name));
            db.close();
            admin_result(&db, &username, result)?;
            println!("admin {username} removed");
            Ok(())
        }
    }
}

fn import(
    common: &Common,
    format: &str,
    file: &std::path::Path,
    site: Option<&str>,
    options: crate::import::Options,
) -> Result<(), StartupError> {
    use crate::import::{Format, ImportError};
    let format = Format::parse(format).ok_or_else(|| {
        StartupError::Usage(format!(
            "cannot import {format:?}: use wordpress, disqus, isso or json"
        ))
    })?;
    let site = site
        .map(SiteId::parse)
        .transpose()
        .map_err(StartupError::Usage)?;
    let config = load(common, None, Vec::new())?;
    // natter.toml sets its sites again at every start: a query parameter
    // kept only in the database would be lost there.
    if let Some(configured) = config.sites.iter().find(|s| site.as_ref() == Some(&s.id)) {
        let missing: Vec<&str> = options
            .keep_query
            .iter()
            .filter(|q| !configured.settings.keep_query.contains(q))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(StartupError::Usage(format!(
                "site {} is set in natter.toml: add keep_query = [{}] to it there, then import again",
                configured.id,
                missing
                    .iter()
                    .map(|q| format!("\"{q}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let db = open_configured(&config)?;
    let started = std::time::Instant::now();
    let result = crate::import::run(
        &db,
        format,
        file,
        site.as_ref(),
        &options,
        &config.webhook_allow_private,
    );
    db.close();
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

fn export(
    common: &Common,
    site: Option<&str>,
    output: Option<&std::path::Path>,
) -> Result<(), StartupError> {
    let site = site
        .map(SiteId::parse)
        .transpose()
        .map_err(StartupError::Usage)?;
    let db = open_db(common)?;
    let asked = site.clone();
    let result = db
        .write_blocking(move |c| crate::import::json::export(c, site.as_ref()))
        .map_err(db_err(&db));
    db.close();
    let export = result?;
    if let Some(id) = asked
        && export.sites.is_empty()
    {
        return Err(StartupError::Usage(format!(
            "there is no site {id}; `natter site list` shows the sites"
        )));
    }
    let json =
        serde_json::to_string_pretty(&export).map_err(|e| StartupError::Usage(e.to_string()))?;
    match output {
        Some(path) => std::fs::write(path, json + "\n")
            .map_err(|e| StartupError::Usage(format!("cannot write {}: {e}", path.display())))?,
        None => println!("{json}"),
    }
    Ok(())
}

fn remap(common: &Common, old: &str, new: &str) -> Result<(), StartupError> {
    use crate::domain::PageRef;
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
        if !threads::remap(c, thread.id, &new_key, &new_page.canonical())? {
            return Ok(Err(format!("there is already a thread at {new_s}")));
        }
        audit::record(
            c,
            crate::domain::now(),
            "command line",
            "remap",
            &format!("thread {}", thread.id),
            &new_s,
        )?;
        store::settings::mark_changed(c)?;
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

fn backup(common: &Common, file: &std::path::Path) -> Result<(), StartupError> {
    if file.exists() {
        return Err(StartupError::Usage(format!(
            "{} already exists; choose a new file name so that no backup is overwritten",
            file.display()
        )));
    }
    let config = load(common, None, Vec::new())?;
    if !config.database.exists() {
        return Err(StartupError::Usage(format!(
            "there is no database {}",
            config.database.display()
        )));
    }
    store::backup(&config.database, file).map_err(|e| StartupError::Database {
        path: config.database.display().to_string(),
        message: e.to_string(),
    })?;
    println!("backed up to {}", file.display());
    Ok(())
}
