//! Sign-in providers managed in the admin page's Sites section (DESIGN
//! §15): listed beside those of `natter.toml` (shown, never changed here),
//! added, changed and deleted, each checked by `Provider::new`. A client
//! secret is write-only: answers say whether one is set, and a change that
//! leaves it empty keeps the old one.

use super::session::AdminSession;
use super::{App, audit};
use crate::domain::audit::{Change, Entry, Target};
use crate::domain::{FieldMap, Provider, ProviderSpec, Site, now};
use crate::error::Error;
use crate::store::{StoreError, providers, providers::ProviderRow};
use serde::Serialize;

/// A provider as the admin page shows it: everything but its secret.
#[derive(Debug, Serialize)]
pub struct ProviderView {
    pub id: String,
    pub kind: &'static str,
    pub name: String,
    pub issuer: Option<String>,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
    pub userinfo_url: Option<String>,
    pub fields: FieldMap,
    pub client_secret_set: bool,
    /// From `natter.toml`: shown, but changed only there.
    pub from_config: bool,
}

fn provider_view(p: &Provider, from_config: bool) -> ProviderView {
    ProviderView {
        id: p.id.to_string(),
        kind: p.kind.as_str(),
        name: p.name.clone(),
        issuer: p.issuer.clone(),
        client_id: p.client_id.clone(),
        scopes: p.scopes.clone(),
        authorize_url: p.authorize_url.clone(),
        token_url: p.token_url.clone(),
        userinfo_url: p.userinfo_url.clone(),
        fields: p.fields.clone(),
        client_secret_set: !p.client_secret.is_empty(),
        from_config,
    }
}

/// The stored providers that still pass `Provider::new` (a row written by
/// an older natter that no longer does is left out, and logged).
pub(super) fn checked(rows: &[ProviderRow]) -> Vec<Provider> {
    rows.iter()
        .filter_map(|r| match Provider::new(r.spec.clone()) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::warn!(provider = %r.id, error = %e.message, "stored provider left out");
                None
            }
        })
        .collect()
}

/// Provider names by id, to name a comment's provider as its button does.
pub(super) struct ProviderNames(Vec<(String, String)>);

impl ProviderNames {
    /// The provider's name, or its id when it is gone.
    pub(super) fn name_of(&self, id: &str) -> String {
        self.0
            .iter()
            .find(|(i, _)| i == id)
            .map_or_else(|| id.to_string(), |(_, n)| n.clone())
    }
}

/// Whether a provider is offered by a site: then it may not be deleted.
fn offered_by(sites: &[std::sync::Arc<Site>], id: &str) -> Option<String> {
    sites
        .iter()
        .find(|s| s.settings.sign_in.iter().any(|p| p == id))
        .map(|s| s.id.to_string())
}

impl App {
    /// The names of the providers natter knows now.
    pub(super) fn provider_names(&self) -> ProviderNames {
        ProviderNames(self.providers.names())
    }

    /// Hands the stored providers to the sign-in registry, after a change.
    async fn reload_providers(&self) -> Result<(), Error> {
        self.providers
            .replace_stored(self.stored_providers().await?);
        Ok(())
    }

    /// The providers added in the admin page, checked: what the sign-in
    /// registry serves besides those of `natter.toml`.
    pub async fn stored_providers(&self) -> Result<Vec<Provider>, Error> {
        let rows = self.db.read(providers::list).await?;
        Ok(checked(&rows))
    }

    /// `GET /admin/api/providers`: those of `natter.toml`, then the stored.
    pub async fn admin_providers(&self) -> Result<Vec<ProviderView>, Error> {
        let stored = self.stored_providers().await?;
        let config = self.config.providers.iter().map(|p| provider_view(p, true));
        Ok(config
            .chain(stored.iter().map(|p| provider_view(p, false)))
            .collect())
    }

    /// Adds a provider (`create`) or changes a stored one; an empty secret
    /// on a change keeps the one stored.
    pub async fn save_provider(
        &self,
        s: &AdminSession,
        mut spec: ProviderSpec,
        create: bool,
    ) -> Result<ProviderView, Error> {
        spec.id = spec.id.trim().to_string();
        if self.providers.is_configured(&spec.id) {
            return Err(Error::validation(
                "provider.id",
                format!(
                    "Provider {} comes from natter.toml: change it there, or give this one another id.",
                    spec.id
                ),
            ));
        }
        let id = spec.id.clone();
        let before = self.db.read(move |c| providers::find(c, &id)).await?;
        match (&before, create) {
            (Some(_), true) => {
                return Err(Error::validation(
                    "provider.id",
                    format!(
                        "There is a provider {} already: give the new one another id, or change that one.",
                        spec.id
                    ),
                ));
            }
            (None, false) => return Err(Error::NotFound),
            _ => {}
        }
        if spec.client_secret.as_deref().is_none_or(str::is_empty) {
            spec.client_secret = before.and_then(|b| b.spec.client_secret);
        }
        let provider = Provider::new(spec.clone())?;
        let actor = s.actor();
        let detail = if create { "added" } else { "changed" };
        let target = Target::Provider(provider.id.clone());
        self.db
            .write(move |c| {
                let at = now();
                providers::save(c, &spec, at)?;
                audit::record(
                    c,
                    at,
                    &Entry::new(&actor, Change::SaveProvider, target, detail),
                )
            })
            .await?;
        self.reload_providers().await?;
        Ok(provider_view(&provider, false))
    }

    /// Deletes a stored provider that no site offers.
    pub async fn delete_provider(&self, s: &AdminSession, id: &str) -> Result<(), Error> {
        let pid = crate::domain::ProviderId::parse(id)?;
        if self.providers.is_configured(pid.as_str()) {
            return Err(Error::validation(
                "provider.id",
                format!("Provider {pid} comes from natter.toml: remove it there."),
            ));
        }
        if let Some(site) = offered_by(&self.sites.all(), pid.as_str()) {
            return Err(Error::validation(
                "provider.id",
                format!(
                    "Site {site} offers sign-in with {pid}: take it off that site's sign-in list first."
                ),
            ));
        }
        let actor = s.actor();
        self.db
            .write(move |c| {
                providers::delete(c, pid.as_str())?;
                let entry = Entry::new(&actor, Change::DeleteProvider, Target::Provider(pid), "");
                audit::record(c, now(), &entry)?;
                Ok::<_, StoreError>(())
            })
            .await?;
        self.reload_providers().await
    }
}
