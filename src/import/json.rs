//! natter's own JSON: `natter export` writes it, `natter import json` reads
//! it back without loss (threads, comments with their status, authors,
//! emails, IP hashes, times and vote counts).

use super::{ImportError, Incoming, Ip, Sink, Summary};
use crate::config::Cidr;
use crate::domain::{
    CommentId, Origin, PageRef, Site, SiteId, SiteSettings, Status, ThreadKey, rfc3339,
};
use crate::keys::Keys;
use crate::render::{SafeHtml, render};
use crate::store::{Connection, StoreError, comments, moderation, sites, threads};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The version of the format this natter writes.
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    pub natter_export: u32,
    pub exported: String,
    pub sites: Vec<ExportSite>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportSite {
    pub id: String,
    pub name: String,
    pub origins: Vec<String>,
    pub settings: SiteSettings,
    pub threads: Vec<ExportThread>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportThread {
    pub key: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub locked: bool,
    pub comments: Vec<ExportComment>,
}

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

/// Everything of one site, or of all sites.
pub fn export(conn: &Connection, site: Option<&SiteId>) -> Result<Export, StoreError> {
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
        exported: rfc3339(crate::domain::now()),
        sites: out,
    })
}

/// Reads a natter export into the database. A site it creates passes the
/// same checks as one saved on the admin page, and each thread's address
/// must be a page address; anything else refuses the whole file, naming
/// the entry.
pub fn import(
    conn: &Connection,
    keys: &Keys,
    path: &Path,
    only: Option<&SiteId>,
    known: &[Site],
    webhook_allow: &[Cidr],
) -> Result<Summary, ImportError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ImportError::Io(format!("cannot read {}: {e}", path.display())))?;
    let export: Export = serde_json::from_str(&text).map_err(|e| ImportError::Malformed {
        line: e.line() as u64,
        reason: format!("not a natter export: {e}"),
    })?;
    if export.natter_export != VERSION {
        return Err(ImportError::Invalid(format!(
            "this export is version {}; this natter reads version {VERSION}",
            export.natter_export
        )));
    }
    let chosen: Vec<(&ExportSite, SiteId)> = match only {
        Some(id) => {
            let s = match export.sites.iter().find(|s| s.id == id.as_str()) {
                Some(s) => s,
                None if export.sites.len() == 1 => &export.sites[0],
                None => {
                    return Err(ImportError::Invalid(format!(
                        "the file has no site {id} and more than one site; leave out --site to import them all"
                    )));
                }
            };
            vec![(s, id.clone())]
        }
        None => export
            .sites
            .iter()
            .map(|s| {
                SiteId::parse(&s.id)
                    .map(|id| (s, id))
                    .map_err(ImportError::Invalid)
            })
            .collect::<Result<_, _>>()?,
    };
    let mut total = Summary::default();
    for (file_site, id) in chosen {
        let site = match known.iter().find(|s| s.id == id) {
            Some(s) => s.clone(),
            None => {
                let site = site_from_file(file_site, &id, webhook_allow)?;
                sites::upsert(conn, &site)?;
                total
                    .notes
                    .push(format!("site {id} was created from the file"));
                site
            }
        };
        let mut sink = Sink::new(conn, &site, keys, "json");
        for t in &file_site.threads {
            let key = ThreadKey::from_page_id(&t.key)
                .map_err(|e| ImportError::Invalid(format!("thread key {:?}: {e}", t.key)))?;
            if let Some(url) = &t.url {
                PageRef::parse(url).map_err(|e| {
                    ImportError::Invalid(format!("site {id}, thread {}: {e}", t.key))
                })?;
            }
            let url = t.url.clone().unwrap_or_default();
            let thread = sink.thread(&key, &url, t.title.as_deref())?;
            if t.locked {
                moderation::set_thread_locked(conn, thread, true)?;
            }
            let incoming = t
                .comments
                .iter()
                .map(to_incoming)
                .collect::<Result<Vec<_>, _>>()?;
            sink.comments(thread, &t.key, incoming)?;
        }
        merge(&mut total, sink.summary);
    }
    Ok(total)
}

/// A site the file creates, checked as the admin page checks one.
fn site_from_file(
    file_site: &ExportSite,
    id: &SiteId,
    webhook_allow: &[Cidr],
) -> Result<Site, ImportError> {
    let bad = |m: String| ImportError::Invalid(format!("site {id} in the file: {m}"));
    let site = Site {
        id: id.clone(),
        name: file_site.name.trim().to_string(),
        origins: file_site
            .origins
            .iter()
            .map(|o| Origin::parse(o))
            .collect::<Result<_, _>>()
            .map_err(bad)?,
        settings: file_site.settings.clone(),
    };
    site.check().map_err(|(_, m)| bad(m))?;
    for hook in &site.settings.webhooks {
        crate::notify::target::check_url(&hook.url, webhook_allow).map_err(bad)?;
    }
    Ok(site)
}

fn to_incoming(c: &ExportComment) -> Result<Incoming, ImportError> {
    let time = |s: &str| {
        super::parse_time(s).ok_or_else(|| {
            ImportError::Invalid(format!("comment {}: time {s:?} is not RFC 3339", c.id))
        })
    };
    // Stored HTML is never trusted: natter's own text is rendered again, and
    // HTML from elsewhere passes the allow-list again.
    let html: SafeHtml = if c.status == Status::Deleted && c.text.is_empty() {
        crate::render::render_legacy_html("")
    } else if render(&c.text).as_str() == c.html {
        render(&c.text)
    } else {
        crate::render::render_legacy_html(&c.html)
    };
    Ok(Incoming {
        id: c.id.to_string(),
        parent: c.parent.map(|p| p.to_string()),
        status: c.status,
        name: c.name.clone(),
        email: c.email.clone(),
        website: c.website.clone(),
        ip: c.ip_hash.clone().map(Ip::Hashed),
        text: c.text.clone(),
        html,
        created: time(&c.created)?,
        edited: c.edited.as_deref().map(time).transpose()?,
        likes: c.likes,
        dislikes: c.dislikes,
        preferred_id: Some(CommentId(c.id).0),
    })
}

fn merge(total: &mut Summary, part: Summary) {
    total.threads_created += part.threads_created;
    total.threads_existing += part.threads_existing;
    for (k, v) in part.imported {
        *total.imported.entry(k).or_default() += v;
    }
    for (k, v) in part.skipped {
        *total.skipped.entry(k).or_default() += v;
    }
    total.orphans += part.orphans;
    total.notes.extend(part.notes);
}
