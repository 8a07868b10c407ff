//! The file's shape: every section `natter.toml` may have, as written
//! there. Unknown keys are errors; the values are parsed into their types
//! by the section's own file.

use super::Smtp;
use super::env::Vars;
use crate::domain::Webhook;
use crate::error::StartupError;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct File {
    pub(super) listen: Option<String>,
    pub(super) database: Option<PathBuf>,
    pub(super) public_url: Option<String>,
    pub(super) trusted_proxies: Option<Vec<String>>,
    #[serde(default)]
    pub(super) site: Vec<SiteFile>,
    pub(super) rate_limit: Option<RateLimitFile>,
    pub(super) spam: Option<SpamFile>,
    pub(super) smtp: Option<Smtp>,
    pub(super) log_format: Option<String>,
    pub(super) outbox: Option<OutboxFile>,
    pub(super) metrics: Option<MetricsFile>,
    pub(super) webhooks: Option<WebhooksFile>,
    pub(super) limits: Option<super::limits::LimitsFile>,
    #[serde(default)]
    pub(super) provider: Vec<crate::domain::ProviderSpec>,
}

/// `[webhooks]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WebhooksFile {
    #[serde(default)]
    pub(super) allow_private: Vec<String>,
}

/// `[outbox]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OutboxFile {
    pub(super) first_retry: Option<String>,
    pub(super) max_retry: Option<String>,
    pub(super) attempts: Option<u32>,
}

/// `[metrics]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MetricsFile {
    pub(super) allow: Vec<String>,
}

/// One `[[site]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SiteFile {
    pub(super) id: String,
    pub(super) name: Option<String>,
    pub(super) origins: Vec<String>,
    pub(super) moderation: Option<String>,
    pub(super) edit_window: Option<String>,
    pub(super) max_depth: Option<u8>,
    pub(super) require_name: Option<bool>,
    pub(super) require_email: Option<bool>,
    pub(super) keep_query: Option<Vec<String>>,
    pub(super) max_links: Option<u32>,
    pub(super) block_words: Option<Vec<String>>,
    pub(super) language: Option<String>,
    pub(super) moderator_emails: Option<Vec<String>>,
    #[serde(default)]
    pub(super) webhook: Vec<Webhook>,
    pub(super) sign_in: Option<Vec<String>>,
    pub(super) guests: Option<bool>,
    pub(super) own_edits: Option<String>,
    pub(super) team_badge: Option<String>,
    pub(super) feed: Option<String>,
    pub(super) feed_every: Option<String>,
}

/// `[rate_limit]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RateLimitFile {
    pub(super) enabled: bool,
}

/// `[spam]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SpamFile {
    pub(super) min_seconds: u32,
}

/// Reads the file given, else the one `NATTER_CONFIG` names, else
/// `natter.toml` if there is one; no file is an empty one. Also returns
/// the path read, which errors name.
pub(super) fn read(
    file: Option<&Path>,
    vars: &Vars,
) -> Result<(Option<PathBuf>, File), StartupError> {
    let path = file
        .map(Path::to_path_buf)
        .or_else(|| vars.get("NATTER_CONFIG").map(PathBuf::from))
        .or_else(|| Some(PathBuf::from("natter.toml")).filter(|p| p.exists()));
    let Some(p) = &path else {
        return Ok((None, File::default()));
    };
    let bad = |message: String| StartupError::Config {
        path: p.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(p).map_err(|e| bad(format!("cannot read it: {e}")))?;
    let parsed = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
    Ok((path, parsed))
}
