//! What natter does, between the HTTP layer and the store: each public call
//! is one method on [`App`].

pub mod admin;
pub mod avatar;
mod blocking;
pub mod cache;
mod comments;
pub mod feed;
pub mod metrics;
pub mod notify;
pub mod signin;
pub mod view;

pub use comments::{Client, PageQuery, PostBody, Posted, ThreadParams, VoteCounts};

use crate::config::Config;
use crate::domain::{Origin, PageRef, Site, SiteId, ThreadKey};
use crate::error::Error;
use crate::keys::Keys;
use crate::store::{self, Db, StoreError};
use std::sync::{Arc, RwLock};

/// The running service: a handle on its shared state, cheap to clone (every
/// route holds one, and warp clones routes for each request).
#[derive(Clone)]
pub struct App(Arc<State>);

/// What the running service shares between requests.
pub struct State {
    pub config: Arc<Config>,
    pub db: Db,
    pub keys: Keys,
    pub sites: Sites,
    pub cache: cache::Cache,
    pub notifier: crate::notify::Notifier,
    pub metrics: metrics::Metrics,
    /// The limits on admin sign-in attempts and password checks.
    pub sign_in: signin::SignIn,
    /// The current form token and the second it was made for.
    form_token: std::sync::Mutex<(i64, String)>,
}

impl std::ops::Deref for App {
    type Target = State;

    fn deref(&self) -> &State {
        &self.0
    }
}

/// The registered sites, reloaded from the database now and then so that
/// `natter site add` takes effect in a running server.
#[derive(Clone, Default)]
pub struct Sites {
    list: Arc<RwLock<Arc<Vec<Arc<Site>>>>>,
}

impl Sites {
    pub fn replace(&self, sites: Vec<Site>) {
        let list = Arc::new(sites.into_iter().map(Arc::new).collect());
        *self.list.write().unwrap_or_else(|p| p.into_inner()) = list;
    }

    pub fn all(&self) -> Arc<Vec<Arc<Site>>> {
        self.list.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn by_origin(&self, origin: &Origin) -> Option<Arc<Site>> {
        self.all()
            .iter()
            .find(|s| s.origins.contains(origin))
            .cloned()
    }

    pub fn by_id(&self, id: &SiteId) -> Option<Arc<Site>> {
        self.all().iter().find(|s| &s.id == id).cloned()
    }

    /// Whether any site lists this origin (for CORS).
    pub fn knows_origin(&self, origin: &str) -> bool {
        self.all().iter().any(|s| s.allows_origin(origin))
    }
}

/// Opens the configured database and writes the sites of the configuration
/// into it, so that every command (not only `natter serve`) knows them.
/// Whatever opens the database opens it here.
pub fn open_database(config: &Config) -> Result<Db, StoreError> {
    let db = Db::open(&config.database)?;
    let configured = config.sites.clone();
    let synced = db.write_blocking(move |c| {
        configured
            .iter()
            .try_for_each(|site| store::sites::upsert(c, site))
    });
    if let Err(e) = synced {
        db.close();
        return Err(e);
    }
    Ok(db)
}

/// A page located on its site.
#[derive(Debug, Clone)]
pub struct Page {
    pub site: Arc<Site>,
    pub key: ThreadKey,
    pub canonical: String,
}

impl App {
    /// Opens the database, makes the server secret on first start, and
    /// registers the configured sites. `base` is how browsers reach natter,
    /// for the links in emails.
    pub fn open(config: Config, base: url::Url) -> Result<App, StoreError> {
        let db = open_database(&config)?;
        let secret =
            db.write_blocking(|c| store::init_setting(c, "secret", &Keys::generate_secret()))?;
        let sites = db.write_blocking(store::sites::list)?;
        let registry = Sites::default();
        registry.replace(sites);
        let keys = Keys::new(secret.into_bytes());
        let notifier = crate::notify::Notifier::new(keys.clone(), base, config.smtp.is_some());
        Ok(App(Arc::new(State {
            config: Arc::new(config),
            db,
            keys,
            notifier,
            metrics: Default::default(),
            sites: registry,
            cache: cache::Cache::default(),
            sign_in: Default::default(),
            form_token: Default::default(),
        })))
    }

    /// Reads the sites again from the database.
    pub async fn reload_sites(&self) -> Result<(), StoreError> {
        let sites = self.db.read(store::sites::list).await?;
        self.sites.replace(sites);
        Ok(())
    }

    /// Picks up changes made by the command line while serving: sites, and
    /// (when its counter moved) anything cached. Returns the counter seen.
    pub async fn pick_up_changes(&self, last: Option<String>) -> Result<String, StoreError> {
        let (sites, counter) = self
            .db
            .read(|c| Ok((store::sites::list(c)?, store::changed_counter(c)?)))
            .await?;
        self.sites.replace(sites);
        if last.is_some_and(|l| l != counter) {
            self.cache.clear();
        }
        Ok(counter)
    }

    /// Registers a site now (the demo site, for one).
    pub async fn add_site(&self, site: Site) -> Result<(), StoreError> {
        self.db
            .write(move |c| store::sites::upsert(c, &site))
            .await?;
        self.reload_sites().await
    }

    /// Finds the site and thread key of a page URL (or explicit page id).
    pub fn locate(&self, q: &PageQuery) -> Result<Page, Error> {
        let raw = q.url.as_deref().ok_or_else(|| {
            Error::validation(
                "url",
                "Add the page's address as ?url=https://… to the request.",
            )
        })?;
        let page = PageRef::parse(raw).map_err(|m| Error::validation("url", m))?;
        let site = self
            .sites
            .by_origin(&page.origin)
            .ok_or_else(|| Error::UnknownSite {
                origin: page.origin.clone(),
            })?;
        let key = match q.page_id.as_deref() {
            Some(id) => ThreadKey::from_page_id(id).map_err(|m| Error::validation("page_id", m))?,
            None => page.thread_key(&site.settings.keep_query),
        };
        Ok(Page {
            key,
            canonical: page.canonical(),
            site,
        })
    }

    /// A browser's `Origin` header, when present, must be one of the site's.
    pub fn check_origin(&self, site: &Site, client: &Client) -> Result<(), Error> {
        match &client.origin {
            Some(o) if !site.allows_origin(o) => Err(Error::ForbiddenOrigin { origin: o.clone() }),
            _ => Ok(()),
        }
    }

    /// Checks the database, for `/healthz`. After writes failed for a
    /// [`store::Trouble`] (a full disk, a lock), a probe write tells whether
    /// they work again; until one does, the trouble is the answer.
    pub async fn health(&self) -> Result<(), Error> {
        self.db.read(store::ping).await?;
        if self.db.trouble().is_some() {
            self.db.write(store::probe).await?;
        }
        Ok(())
    }
}
