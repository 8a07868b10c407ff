//! The registered sites: kept in memory, reloaded when the command line
//! changes them, and saved from the admin page through the site's checks.

use super::session::AdminSession;
use super::{App, audit, blocking};
use crate::domain::audit::{Actor, Change, Entry, Target};
use crate::domain::net::Cidr;
use crate::domain::{Origin, Site, SiteId, SiteSettings, now};
use crate::error::Error;
use crate::store::{self, StoreError};
use serde::Serialize;
use std::sync::{Arc, RwLock};

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

#[derive(Debug, Serialize)]
pub struct SiteView {
    pub id: String,
    pub name: String,
    pub origins: Vec<String>,
    pub settings: SiteSettings,
}

fn site_view(s: &Site) -> SiteView {
    SiteView {
        id: s.id.to_string(),
        name: s.name.clone(),
        origins: s.origins.iter().map(|o| o.to_string()).collect(),
        settings: s.settings.clone(),
    }
}

impl App {
    pub fn admin_sites(&self) -> Vec<SiteView> {
        self.sites.all().iter().map(|s| site_view(s)).collect()
    }

    /// Creates or updates a site from the admin page.
    pub async fn save_site(&self, s: &AdminSession, site: Site) -> Result<SiteView, Error> {
        self.save_site_as(s.actor(), site.clone()).await?;
        Ok(site_view(&site))
    }

    /// Saves a site checked by [`Site::new`], once its webhooks are checked
    /// to go where the operator allows, and writes who did it to the log.
    pub async fn save_site_as(&self, actor: Actor, site: Site) -> Result<(), Error> {
        if let Some(id) = site
            .settings
            .sign_in
            .iter()
            .find(|id| self.providers.get(id).is_none())
        {
            return Err(Error::validation(
                "settings.sign_in",
                format!(
                    "No sign-in provider has the id {id:?}: add it under Providers first, or take it off the list."
                ),
            ));
        }
        let (checked, allow) = (site.clone(), self.config.webhook_allow_private.clone());
        // Resolving a webhook's host name blocks.
        blocking::run(move || check_webhooks(&checked, &allow))
            .await?
            .map_err(|m| Error::validation("settings.webhooks", m))?;
        self.db
            .write(move |c| {
                store::sites::upsert(c, &site)?;
                let target = Target::Site(site.id.clone());
                audit::record(c, now(), &Entry::new(&actor, Change::SaveSite, target, ""))
            })
            .await?;
        self.reload_sites().await?;
        Ok(())
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
            .read(|c| Ok((store::sites::list(c)?, store::settings::changed_counter(c)?)))
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
}

/// Whether each webhook of a site goes where the operator allows
/// (`notify::target`); resolving a host name blocks.
pub(super) fn check_webhooks(site: &Site, allow: &[Cidr]) -> Result<(), String> {
    site.settings
        .webhooks
        .iter()
        .try_for_each(|w| crate::notify::target::check_url(&w.url, allow))
}

impl App {
    /// Removes a site with its threads and comments (the command line's
    /// `natter site remove`); [`Error::NotFound`] for an unknown id.
    pub async fn remove_site(&self, id: SiteId) -> Result<(), Error> {
        self.db.write(move |c| store::sites::remove(c, &id)).await?;
        Ok(self.reload_sites().await?)
    }

    /// Tells every running natter that the command line changed the
    /// database: they reload their sites and empty their caches within
    /// five seconds ([`App::pick_up_changes`]).
    pub async fn announce_change(&self) -> Result<(), Error> {
        Ok(self.db.write(store::settings::mark_changed).await?)
    }
}
