//! `[[site]]`, and the short form `ID=ORIGIN[,ORIGIN…]` of `NATTER_SITES`
//! and `--site`. Each site is made by the domain's [`Site::new`], the one
//! place its rules are written; where its webhooks may go is checked by
//! `notify::target`.

use super::Overrides;
use super::env::Vars;
use super::file::SiteFile;
use crate::domain::net::Cidr;
use crate::domain::site::parse_duration;
use crate::domain::{ModerationMode, Site, SiteId, SiteSettings};

/// The configured sites: the file's, then the short forms of the variables
/// and the flags, a later one replacing an earlier one of the same id.
pub(super) fn load(
    file: Vec<SiteFile>,
    vars: &Vars,
    flags: &Overrides,
    webhook_allow: &[Cidr],
) -> Result<Vec<Site>, String> {
    let mut sites = file
        .into_iter()
        .map(from_file)
        .collect::<Result<Vec<_>, _>>()?;
    let short = vars.list("NATTER_SITES", ';').unwrap_or_default();
    for spec in short.iter().chain(flags.sites.iter()) {
        let site = from_spec(spec)?;
        sites.retain(|s| s.id != site.id);
        sites.push(site);
    }
    let mut ids: Vec<&SiteId> = sites.iter().map(|s| &s.id).collect();
    ids.sort();
    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("site {:?} is defined twice", w[0].as_str()));
    }
    for site in &sites {
        for hook in &site.settings.webhooks {
            crate::notify::target::check_url(&hook.url, webhook_allow)
                .map_err(|m| format!("site {}: {m}", site.id))?;
        }
    }
    Ok(sites)
}

/// A `[[site]]`; settings not given keep their defaults.
fn from_file(s: SiteFile) -> Result<Site, String> {
    let mut settings = SiteSettings::default();
    if let Some(m) = s.moderation {
        settings.moderation = ModerationMode::parse(&m)?;
    }
    if let Some(w) = s.edit_window {
        settings.edit_window_seconds = parse_duration(&w)?;
    }
    if let Some(d) = s.max_depth {
        settings.max_depth = d;
    }
    settings.require_name = s.require_name.unwrap_or(false);
    settings.require_email = s.require_email.unwrap_or(false);
    settings.keep_query = s.keep_query.unwrap_or_default();
    if let Some(l) = s.max_links {
        settings.max_links = l;
    }
    settings.block_words = s.block_words.unwrap_or_default();
    if let Some(l) = s.language {
        settings.language = l;
    }
    settings.moderator_emails = s.moderator_emails.unwrap_or_default();
    settings.webhooks = s.webhook;
    settings.sign_in = s.sign_in.unwrap_or_default();
    settings.guests = s.guests.unwrap_or(true);
    settings.own_edits_seconds = match s.own_edits.as_deref().map(str::trim) {
        None | Some("always") => None,
        Some(d) => Some(parse_duration(d).map_err(|e| format!("site {:?}: own_edits: {e}", s.id))?),
    };
    if let Some(b) = s.team_badge {
        settings.team_badge = b;
    }
    settings.feed = s.feed;
    if let Some(e) = s.feed_every {
        settings.feed_every_seconds =
            parse_duration(&e).map_err(|e| format!("site {:?}: feed_every: {e}", s.id))?;
    }
    let name = s.name.as_deref().unwrap_or(&s.id);
    Site::new(&s.id, name, &s.origins, settings).map_err(|e| format!("site {:?}: {e}", s.id))
}

/// Parses `ID=ORIGIN[,ORIGIN…]`, a site with default settings.
fn from_spec(spec: &str) -> Result<Site, String> {
    let (id, origins_list) = spec
        .split_once('=')
        .ok_or_else(|| format!("site {spec:?}: write it as ID=https://blog.example.org"))?;
    let list: Vec<String> = origins_list.split(',').map(str::to_string).collect();
    Site::new(id, id.trim(), &list, SiteSettings::default())
        .map_err(|e| format!("site {:?}: {e}", id.trim()))
}
