//! Bulk work for imports (DESIGN §7): one write transaction for a whole
//! file, so that a bad file leaves nothing behind. [`App::bulk`] opens it
//! and hands the parser a [`Bulk`]: the sites, the staging table, and a
//! [`Sink`] per site that finds or makes threads, locks them and stores
//! comments, counting all of it in a [`Summary`]. The parsers in
//! `import/` only read their formats into [`Incoming`] comments.

mod isso;
mod pages;
mod sink;
mod staging;
mod summary;

pub use isso::{IssoComment, IssoThread, each_isso_thread};
pub use sink::Sink;
pub use staging::Staging;
pub use summary::{Skipped, Summary};

use super::App;
use crate::config::Cidr;
use crate::domain::{Site, SiteId, Status, UnixTime};
use crate::keys::Keys;
use crate::render::SafeHtml;
use crate::store::{self, Conn, StoreError, Trouble, WriteFailure};
use thiserror::Error;

/// Why an import stopped; nothing of it was kept.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("{0}")]
    Io(String),
    /// The file is not well formed at this line.
    #[error("line {line}: {reason}")]
    Malformed { line: u64, reason: String },
    /// The file is well formed but natter cannot take it; the text says why.
    #[error("{0}")]
    Invalid(String),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    /// Not an error: a dry run rolls back on purpose.
    #[error("dry run")]
    DryRun(Box<Summary>),
}

impl WriteFailure for ImportError {
    fn trouble(&self) -> Option<Trouble> {
        match self {
            ImportError::Store(e) => e.trouble(),
            _ => None,
        }
    }
}

/// A client address as the source gives it.
#[derive(Debug, Clone)]
pub enum Ip {
    /// An address in the clear: natter stores only its keyed hash.
    Raw(String),
    /// Already natter's keyed hash (from a natter export).
    Hashed(String),
}

/// A comment read from a source, before it is stored.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The comment's id in the source, unique within the file.
    pub id: String,
    pub parent: Option<String>,
    pub status: Status,
    pub name: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub ip: Option<Ip>,
    pub text: String,
    pub html: SafeHtml,
    pub created: UnixTime,
    pub edited: Option<UnixTime>,
    pub likes: i64,
    pub dislikes: i64,
    /// The id to keep, when natter's own export is read into a database
    /// where it is free.
    pub preferred_id: Option<i64>,
}

/// What a bulk job may do inside its transaction.
pub struct Bulk<'a> {
    conn: &'a Conn,
    keys: &'a Keys,
    webhook_allow: &'a [Cidr],
    sites: Vec<Site>,
}

impl App {
    /// Runs `f` in one write transaction: an error from it (a dry run's
    /// too) undoes everything it wrote; success tells running servers.
    pub fn bulk<T, F>(&self, f: F) -> Result<T, ImportError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Bulk<'_>) -> Result<T, ImportError> + Send + 'static,
    {
        let keys = self.keys.clone();
        let allow = self.config.webhook_allow_private.clone();
        self.db.write_blocking(move |conn| {
            let mut bulk = Bulk {
                conn,
                keys: &keys,
                webhook_allow: &allow,
                sites: store::sites::list(conn)?,
            };
            let done = f(&mut bulk)?;
            store::settings::mark_changed(conn)?;
            Ok(done)
        })
    }
}

impl<'a> Bulk<'a> {
    /// The registered sites, as the transaction sees them.
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// The site with this id, or an error saying how to add it.
    pub fn site(&self, id: &SiteId) -> Result<Site, ImportError> {
        self.sites
            .iter()
            .find(|s| &s.id == id)
            .cloned()
            .ok_or_else(|| {
                ImportError::Invalid(format!(
                    "there is no site {id}; add it first with `natter site add {id} --origin https://…`"
                ))
            })
    }

    /// Makes the site keep these query parameters in its page addresses
    /// from now on; says so when any is new to it.
    pub fn keep_query(
        &mut self,
        id: &SiteId,
        params: &[String],
    ) -> Result<Option<String>, ImportError> {
        let mut site = self.site(id)?;
        let mut added = Vec::new();
        for q in params {
            if !site.settings.keep_query.contains(q) {
                site.settings.keep_query.push(q.clone());
                added.push(q.as_str());
            }
        }
        if added.is_empty() {
            return Ok(None);
        }
        let note = format!(
            "site {id} now keeps the query parameter {} in its page addresses",
            added.join(", ")
        );
        self.save_site(site)?;
        Ok(Some(note))
    }

    /// Whether the webhooks of a site a file brings go where the operator
    /// allows, as the admin page checks them.
    pub fn check_webhooks(&self, site: &Site) -> Result<(), String> {
        super::sites::check_webhooks(site, self.webhook_allow)
    }

    /// Registers a site a file brings, once [`Site::new`] and [`Bulk::check_webhooks`] passed.
    pub fn add_site(&mut self, site: Site) -> Result<(), ImportError> {
        self.save_site(site)
    }

    fn save_site(&mut self, site: Site) -> Result<(), ImportError> {
        store::sites::upsert(self.conn, &site)?;
        match self.sites.iter_mut().find(|s| s.id == site.id) {
            Some(known) => *known = site,
            None => self.sites.push(site),
        }
        Ok(())
    }

    /// The staging table, empty.
    pub fn staging(&self) -> Result<Staging<'a>, ImportError> {
        Staging::new(self.conn)
    }

    /// A sink for comments of `site`; `source` names the format in each
    /// comment's import key (`wordpress`, …).
    pub fn sink<'s>(&self, site: &'s Site, source: &'static str) -> Sink<'s>
    where
        'a: 's,
    {
        Sink::new(self.conn, site, self.keys, source)
    }
}
