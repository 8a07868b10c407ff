//! One typed configuration, loaded once at start from `natter.toml`, then
//! `NATTER_*` variables, then flags, each overriding the one before.
//!
//! `file` reads the file's shape; `env` the variables; each section is
//! parsed into its type in its own file (`server`, `outbound`, `limits`,
//! `sites`). Sites are made by the domain's `Site::new`, webhook
//! targets by `notify::target`: the configuration writes no rule of its own
//! for what those check. The notification settings' types are notify's.

mod env;
mod file;
mod limits;
mod outbound;
mod providers;
mod server;
mod sites;
#[cfg(test)]
mod tests;

pub use crate::domain::net::Cidr;
pub use crate::notify::{Outbox, Smtp, SmtpTls};
pub use limits::Limits;

use crate::domain::{Provider, Site};
use crate::error::StartupError;
use env::Vars;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Everything natter needs to run, checked and parsed.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database: PathBuf,
    /// How browsers reach natter; decides the demo site's origin.
    pub public_url: Option<url::Url>,
    /// Peers whose `X-Forwarded-For` header is believed.
    pub trusted_proxies: Vec<Cidr>,
    /// Sites from the configuration; `natter site add` keeps others in the database.
    pub sites: Vec<Site>,
    pub rate_limit: bool,
    /// A form sent sooner than this after its GET is held; 0 turns it off.
    pub spam_min_seconds: u32,
    pub smtp: Option<Smtp>,
    pub log_json: bool,
    /// The first admin's password (`NATTER_ADMIN_PASSWORD`), used when there is no admin yet.
    pub admin_password: Option<String>,
    pub outbox: Outbox,
    /// Who may read `/metrics`, besides loopback.
    pub metrics_from: Vec<Cidr>,
    /// Private ranges webhooks may reach (`[webhooks] allow_private`);
    /// public addresses are always allowed, others only when listed here.
    pub webhook_allow_private: Vec<Cidr>,
    /// Connection timeouts and cap, from `[limits]`.
    pub limits: Limits,
    /// Sign-in providers from `[[provider]]`; the admin page keeps others
    /// in the database.
    pub providers: Vec<Provider>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: PathBuf::from("natter.db"),
            public_url: None,
            trusted_proxies: Vec::new(),
            sites: Vec::new(),
            rate_limit: true,
            spam_min_seconds: 3,
            smtp: None,
            log_json: false,
            admin_password: None,
            outbox: Outbox::default(),
            metrics_from: Vec::new(),
            limits: Limits::default(),
            webhook_allow_private: Vec::new(),
            providers: Vec::new(),
        }
    }
}

/// Values given on the command line, which win over everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<String>,
    pub database: Option<PathBuf>,
    /// `ID=ORIGIN[,ORIGIN…]`, from `--site`.
    pub sites: Vec<String>,
}

/// The variables natter reads, so tests and `check-config` can pass their own.
pub type Env = Vec<(String, String)>;

/// Reads the process's `NATTER_*` variables.
pub fn process_env() -> Env {
    std::env::vars()
        .filter(|(k, _)| k.starts_with("NATTER_"))
        .collect()
}

impl Config {
    /// Loads the file (the given one, else `natter.toml` if it exists), then
    /// applies `env` and `flags`.
    pub fn load(file: Option<&Path>, env: &Env, flags: &Overrides) -> Result<Config, StartupError> {
        let vars = Vars(env);
        let (path, parsed) = file::read(file, &vars)?;
        Config::from_parts(parsed, &vars, flags).map_err(|message| StartupError::Config {
            path: path.map_or("configuration".to_string(), |p| p.display().to_string()),
            message,
        })
    }

    /// Each section in turn, the file's value overridden by the variables'
    /// and the flags'; the error says what to write instead.
    fn from_parts(mut f: file::File, vars: &Vars, flags: &Overrides) -> Result<Config, String> {
        let mut config = Config::default();
        server::apply(&mut config, &mut f, vars, flags)?;
        outbound::apply(&mut config, &mut f, vars)?;
        if let Some(l) = f.limits.take() {
            config.limits = l.parse()?;
        }
        config.providers = providers::load(std::mem::take(&mut f.provider), vars)?;
        config.sites = sites::load(f.site, vars, flags, &config.webhook_allow_private)?;
        providers::check_sites(&config.sites, &config.providers)?;
        Ok(config)
    }
}
