//! The server's own settings: where it listens, its database, how
//! browsers reach it, whom it trusts, its spam timer and its log.

use super::env::{Vars, cidrs, parse_bool};
use super::file::File;
use super::{Config, Overrides};
use std::path::PathBuf;

/// Applies the server settings of the file, the variables and the flags.
pub(super) fn apply(
    config: &mut Config,
    f: &mut File,
    vars: &Vars,
    flags: &Overrides,
) -> Result<(), String> {
    let listen = flags.listen.clone().or_else(|| vars.get("NATTER_LISTEN"));
    if let Some(l) = listen.or(f.listen.take()) {
        config.listen = l
            .parse()
            .map_err(|_| format!("listen {l:?} is not an address; write it like 127.0.0.1:8080"))?;
    }
    let database = flags
        .database
        .clone()
        .or_else(|| vars.get("NATTER_DATABASE").map(PathBuf::from));
    if let Some(d) = database.or(f.database.take()) {
        config.database = d;
    }
    if let Some(u) = vars.get("NATTER_PUBLIC_URL").or(f.public_url.take()) {
        let url = url::Url::parse(&u)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| format!("public_url {u:?} must be an http or https address"))?;
        config.public_url = Some(url);
    }
    let proxies = vars
        .list("NATTER_TRUSTED_PROXIES", ',')
        .or(f.trusted_proxies.take())
        .unwrap_or_default();
    config.trusted_proxies = cidrs(&proxies, "trusted_proxies")?;
    if let Some(m) = f.metrics.take() {
        config.metrics_from = cidrs(&m.allow, "[metrics] allow")?;
    }
    spam(config, f, vars)?;
    config.admin_password = vars.get("NATTER_ADMIN_PASSWORD").filter(|p| !p.is_empty());
    let log_format = vars
        .get("NATTER_LOG_FORMAT")
        .or(f.log_format.take())
        .unwrap_or_else(|| "text".into());
    config.log_json = match log_format.as_str() {
        "text" => false,
        "json" => true,
        other => return Err(format!("log_format {other:?}: use text or json")),
    };
    Ok(())
}

/// The rate limit and the spam timer.
fn spam(config: &mut Config, f: &mut File, vars: &Vars) -> Result<(), String> {
    if let Some(r) = f.rate_limit.take() {
        config.rate_limit = r.enabled;
    }
    if let Some(v) = vars.get("NATTER_RATE_LIMIT") {
        config.rate_limit =
            parse_bool(&v).ok_or_else(|| format!("NATTER_RATE_LIMIT={v:?}: use true or false"))?;
    }
    if let Some(s) = f.spam.take() {
        config.spam_min_seconds = s.min_seconds;
    }
    if let Some(v) = vars.get("NATTER_SPAM_MIN_SECONDS") {
        config.spam_min_seconds = v
            .parse()
            .map_err(|_| format!("NATTER_SPAM_MIN_SECONDS={v:?}: use a whole number of seconds"))?;
    }
    Ok(())
}
