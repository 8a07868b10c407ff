//! The sign-in providers natter knows (DESIGN §15): natter.toml's, then
//! those saved in the admin page, and what discovery found for each
//! OpenID Connect issuer, kept for [`DISCOVERY_TTL`].

use crate::domain::Provider;
use openidconnect::core::CoreProviderMetadata;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How long a provider's discovery document and keys are trusted before
/// they are read again.
const DISCOVERY_TTL: Duration = Duration::from_secs(600);

/// The registry of providers.
#[derive(Default)]
pub struct Providers {
    configured: Vec<Arc<Provider>>,
    all: RwLock<Vec<Arc<Provider>>>,
    discovered: Mutex<HashMap<String, (Instant, Arc<CoreProviderMetadata>)>>,
}

impl Providers {
    /// The registry with natter.toml's providers.
    pub fn new(configured: Vec<Provider>) -> Providers {
        let configured: Vec<Arc<Provider>> = configured.into_iter().map(Arc::new).collect();
        Providers {
            all: RwLock::new(configured.clone()),
            configured,
            discovered: Mutex::default(),
        }
    }

    /// Sets the providers saved in the admin page; one with the id of a
    /// configured provider is ignored (natter.toml wins).
    pub fn replace_stored(&self, stored: Vec<Provider>) {
        let mut all = self.configured.clone();
        for p in stored {
            if !all.iter().any(|c| c.id == p.id) {
                all.push(Arc::new(p));
            }
        }
        *self.all.write().unwrap_or_else(|e| e.into_inner()) = all;
        self.discovered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Whether a provider comes from natter.toml (the admin page cannot
    /// change it).
    pub fn is_configured(&self, id: &str) -> bool {
        self.configured.iter().any(|p| p.id.as_str() == id)
    }

    pub fn get(&self, id: &str) -> Option<Arc<Provider>> {
        self.list().into_iter().find(|p| p.id.as_str() == id)
    }

    pub fn list(&self) -> Vec<Arc<Provider>> {
        self.all.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// (id, name) of every provider, for the marks on comments.
    pub fn names(&self) -> Vec<(String, String)> {
        self.list()
            .iter()
            .map(|p| (p.id.to_string(), p.name.clone()))
            .collect()
    }

    /// What discovery found for an issuer, if still fresh.
    pub(super) fn discovered(&self, issuer: &str) -> Option<Arc<CoreProviderMetadata>> {
        let map = self.discovered.lock().unwrap_or_else(|e| e.into_inner());
        map.get(issuer)
            .filter(|(at, _)| at.elapsed() < DISCOVERY_TTL)
            .map(|(_, m)| m.clone())
    }

    pub(super) fn remember(&self, issuer: &str, meta: Arc<CoreProviderMetadata>) {
        let mut map = self.discovered.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(issuer.to_string(), (Instant::now(), meta));
    }

    /// Forgets an issuer's discovery, so that its keys are read again (a
    /// token signed by a key natter has not seen yet).
    pub(super) fn forget(&self, issuer: &str) {
        let mut map = self.discovered.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(issuer);
    }
}
