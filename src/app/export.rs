//! `natter export` and `natter backup`: data out of natter. The export is
//! natter's own JSON (threads, comments with their status, authors, emails,
//! IP hashes, times and vote counts), which `natter import json` reads back
//! without loss; the backup a consistent copy of the database file.

use super::App;
use crate::config::Config;
use crate::domain::{SiteId, SiteSettings, Status, now, rfc3339};
use crate::error::Error;
use crate::store::{self, Conn, StoreError, comments, sites, threads};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The version of the format this natter writes.
pub const VERSION: u32 = 1;

/// A whole export file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    pub natter_export: u32,
    pub exported: String,
    pub sites: Vec<ExportSite>,
}

/// One site of an export, with its threads.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportSite {
    pub id: String,
    pub name: String,
    pub origins: Vec<String>,
    pub settings: SiteSettings,
    pub threads: Vec<ExportThread>,
}

/// One thread of an export, with its comments.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportThread {
    pub key: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub locked: bool,
    pub comments: Vec<ExportComment>,
}

/// One comment of an export, as stored (times in RFC 3339).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportComment {
    pub id: i64,
    pub parent: Option<i64>,
    pub status: Status,
    pub name: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub ip_hash: Option<String>,
    pub text: String,
    pub html: String,
    pub created: String,
    pub edited: Option<String>,
    pub likes: i64,
    pub dislikes: i64,
}

impl App {
    /// Everything of one site, or of all sites, read in one transaction
    /// (the writer's, so that the export is one moment's even while a
    /// natter serves).
    pub async fn export(&self, site: Option<SiteId>) -> Result<Export, Error> {
        let export = self.db.write(move |c| export_of(c, site.as_ref()));
        Ok(export.await?)
    }
}

/// Copies the configured database to `target`, safely even while a natter
/// serves from it.
pub fn backup(config: &Config, target: &Path) -> Result<(), StoreError> {
    store::backup(&config.database, target)
}

/// Everything of one site, or of all sites.
fn export_of(conn: &Conn, site: Option<&SiteId>) -> Result<Export, StoreError> {
    let mut out = Vec::new();
    for s in sites::list(conn)? {
        if site.is_some_and(|id| *id != s.id) {
            continue;
        }
        let mut threads_out = Vec::new();
        for t in threads::all_of_site(conn, &s.id)? {
            let comments = comments::all_in_thread(conn, t.id)?
                .into_iter()
                .map(|c| ExportComment {
                    id: c.id.0,
                    parent: c.parent.map(|p| p.0),
                    status: c.status,
                    name: c.name,
                    email: c.email,
                    website: c.website,
                    ip_hash: c.ip_hash,
                    text: c.text,
                    html: c.html.into_string(),
                    created: rfc3339(c.created),
                    edited: c.edited.map(rfc3339),
                    likes: c.likes,
                    dislikes: c.dislikes,
                })
                .collect();
            threads_out.push(ExportThread {
                key: t.key.to_string(),
                url: t.url,
                title: t.title,
                locked: t.locked,
                comments,
            });
        }
        out.push(ExportSite {
            id: s.id.to_string(),
            name: s.name,
            origins: s.origins.iter().map(|o| o.to_string()).collect(),
            settings: s.settings,
            threads: threads_out,
        });
    }
    Ok(Export {
        natter_export: VERSION,
        exported: rfc3339(now()),
        sites: out,
    })
}
