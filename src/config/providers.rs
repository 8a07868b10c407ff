//! `[[provider]]`: the sign-in providers (DESIGN §15). A secret may come
//! from `NATTER_PROVIDER_{ID}_SECRET` instead of the file.

use super::env::Vars;
use crate::domain::{Provider, ProviderSpec, Site};

/// The file's providers, each checked by [`Provider::new`].
pub(super) fn load(file: Vec<ProviderSpec>, vars: &Vars) -> Result<Vec<Provider>, String> {
    let mut out: Vec<Provider> = Vec::new();
    for mut spec in file {
        let var = format!(
            "NATTER_PROVIDER_{}_SECRET",
            spec.id.trim().to_ascii_uppercase().replace('-', "_")
        );
        if let Some(secret) = vars.get(&var) {
            spec.client_secret = Some(secret);
        }
        let id = spec.id.clone();
        let p = Provider::new(spec).map_err(|e| format!("provider {id:?}: {}", e.message))?;
        if out.iter().any(|o| o.id == p.id) {
            return Err(format!("provider {:?} is defined twice", p.id.as_str()));
        }
        out.push(p);
    }
    Ok(out)
}

/// Each provider a site offers must be one of the file's.
pub(super) fn check_sites(sites: &[Site], providers: &[Provider]) -> Result<(), String> {
    for site in sites {
        for id in &site.settings.sign_in {
            if !providers.iter().any(|p| p.id.as_str() == id) {
                return Err(format!(
                    "site {:?} offers sign-in with {id:?}, which no [[provider]] defines: add one with id = {id:?}",
                    site.id.as_str()
                ));
            }
        }
    }
    Ok(())
}
