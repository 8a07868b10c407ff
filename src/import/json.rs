//! natter's own JSON: `natter export` writes it, `natter import json` reads
//! it back without loss (threads, comments with their status, authors,
//! emails, IP hashes, times and vote counts).

use super::{ImportError, Incoming, Ip, Sink, Staging, Summary};
use crate::config::Cidr;
use crate::domain::{
    CommentId, Origin, PageRef, Site, SiteId, SiteSettings, Status, ThreadKey, rfc3339,
};
use crate::keys::Keys;
use crate::render::{SafeHtml, render};
use crate::store::{Conn, StoreError, comments, sites, threads};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
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
pub fn export(conn: &Conn, site: Option<&SiteId>) -> Result<Export, StoreError> {
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
/// the entry. The file is read as a stream: each thread is staged as soon
/// as it is read, so memory holds one thread, not the file.
pub fn import(
    conn: &Conn,
    keys: &Keys,
    path: &Path,
    only: Option<&SiteId>,
    known: &[Site],
    webhook_allow: &[Cidr],
) -> Result<Summary, ImportError> {
    let file = std::fs::File::open(path)
        .map_err(|e| ImportError::Io(format!("cannot read {}: {e}", path.display())))?;
    let staging = Staging::new(conn)?;
    let mut reader = serde_json::Deserializer::from_reader(std::io::BufReader::new(file));
    let mut heads = Vec::new();
    let version = FileSeed {
        staging: &staging,
        sites: &mut heads,
    }
    .deserialize(&mut reader)
    .and_then(|v| reader.end().map(|()| v))
    .map_err(|e| ImportError::Malformed {
        line: e.line() as u64,
        reason: format!("not a natter export: {e}"),
    })?;
    if version != VERSION {
        return Err(ImportError::Invalid(format!(
            "this export is version {version}; this natter reads version {VERSION}"
        )));
    }
    let chosen: Vec<(usize, SiteId)> = match only {
        Some(id) => {
            let at = match heads.iter().position(|s| s.id == id.as_str()) {
                Some(at) => at,
                None if heads.len() == 1 => 0,
                None => {
                    return Err(ImportError::Invalid(format!(
                        "the file has no site {id} and more than one site; leave out --site to import them all"
                    )));
                }
            };
            vec![(at, id.clone())]
        }
        None => heads
            .iter()
            .enumerate()
            .map(|(at, s)| {
                SiteId::parse(&s.id)
                    .map(|id| (at, id))
                    .map_err(ImportError::Invalid)
            })
            .collect::<Result<_, _>>()?,
    };
    let staged = staging.threads()?;
    let mut total = Summary::default();
    for (at, id) in chosen {
        let site = match known.iter().find(|s| s.id == id) {
            Some(s) => s.clone(),
            None => {
                let site = site_from_file(&heads[at], &id, webhook_allow)?;
                sites::upsert(conn, &site)?;
                total
                    .notes
                    .push(format!("site {id} was created from the file"));
                site
            }
        };
        let mut sink = Sink::new(conn, &site, keys, "json");
        let prefix = format!("{at}:");
        for name in staged.iter().filter(|n| n.starts_with(&prefix)) {
            for t in staging.take::<ExportThread>(name)? {
                import_thread(&mut sink, &id, &t)?;
            }
        }
        total.absorb(sink.summary);
    }
    staging.finish()?;
    Ok(total)
}

fn import_thread(sink: &mut Sink<'_>, id: &SiteId, t: &ExportThread) -> Result<(), ImportError> {
    let key = ThreadKey::from_page_id(&t.key)
        .map_err(|e| ImportError::Invalid(format!("thread key {:?}: {e}", t.key)))?;
    if let Some(url) = &t.url {
        PageRef::parse(url)
            .map_err(|e| ImportError::Invalid(format!("site {id}, thread {}: {e}", t.key)))?;
    }
    let url = t.url.clone().unwrap_or_default();
    let thread = sink.thread(&key, &url, t.title.as_deref())?;
    if t.locked {
        threads::set_locked(sink.conn, thread, true)?;
    }
    let incoming = t
        .comments
        .iter()
        .map(to_incoming)
        .collect::<Result<Vec<_>, _>>()?;
    sink.comments(thread, &t.key, incoming)
}

/// A site of the file without its threads (they are staged).
#[derive(Default)]
struct SiteHead {
    id: String,
    name: String,
    origins: Vec<String>,
    settings: SiteSettings,
}

/// Reads the whole file: its version, each site's head, and each thread
/// into the staging table as it comes.
struct FileSeed<'s, 'c> {
    staging: &'s Staging<'c>,
    sites: &'s mut Vec<SiteHead>,
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_, '_> {
    type Value = u32;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u32, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_, '_> {
    type Value = u32;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object with natter_export, exported and sites")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u32, A::Error> {
        let mut version = None;
        let mut sites_seen = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "natter_export" => version = Some(map.next_value::<u32>()?),
                "exported" => {
                    map.next_value::<String>()?;
                }
                "sites" => {
                    map.next_value_seed(SitesSeed {
                        staging: self.staging,
                        sites: &mut *self.sites,
                    })?;
                    sites_seen = true;
                }
                other => {
                    return Err(de::Error::unknown_field(
                        other,
                        &["natter_export", "exported", "sites"],
                    ));
                }
            }
        }
        if !sites_seen {
            return Err(de::Error::missing_field("sites"));
        }
        version.ok_or_else(|| de::Error::missing_field("natter_export"))
    }
}

struct SitesSeed<'s, 'c> {
    staging: &'s Staging<'c>,
    sites: &'s mut Vec<SiteHead>,
}

impl<'de> DeserializeSeed<'de> for SitesSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SitesSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of sites")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let at = self.sites.len();
            let seed = SiteSeed {
                staging: self.staging,
                at,
            };
            match seq.next_element_seed(seed)? {
                Some(head) => self.sites.push(head),
                None => return Ok(()),
            }
        }
    }
}

struct SiteSeed<'s, 'c> {
    staging: &'s Staging<'c>,
    at: usize,
}

impl<'de> DeserializeSeed<'de> for SiteSeed<'_, '_> {
    type Value = SiteHead;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<SiteHead, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SiteSeed<'_, '_> {
    type Value = SiteHead;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a site with id, name, origins, settings and threads")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SiteHead, A::Error> {
        let mut head = SiteHead::default();
        let mut seen = [false; 5];
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => (head.id, seen[0]) = (map.next_value()?, true),
                "name" => (head.name, seen[1]) = (map.next_value()?, true),
                "origins" => (head.origins, seen[2]) = (map.next_value()?, true),
                "settings" => (head.settings, seen[3]) = (map.next_value()?, true),
                "threads" => {
                    map.next_value_seed(ThreadsSeed {
                        staging: self.staging,
                        at: self.at,
                    })?;
                    seen[4] = true;
                }
                other => return Err(de::Error::unknown_field(other, SITE_FIELDS)),
            }
        }
        match seen.iter().position(|s| !s) {
            Some(missing) => Err(de::Error::missing_field(SITE_FIELDS[missing])),
            None => Ok(head),
        }
    }
}

const SITE_FIELDS: &[&str] = &["id", "name", "origins", "settings", "threads"];

struct ThreadsSeed<'s, 'c> {
    staging: &'s Staging<'c>,
    at: usize,
}

impl<'de> DeserializeSeed<'de> for ThreadsSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ThreadsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of threads")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0usize;
        while let Some(thread) = seq.next_element::<ExportThread>()? {
            // One staged row per thread, named site then thread in file order.
            let name = format!("{}:{n:012}", self.at);
            self.staging
                .put(&name, &thread)
                .map_err(|e| de::Error::custom(e.to_string()))?;
            n += 1;
        }
        Ok(())
    }
}

/// A site the file creates, checked as the admin page checks one.
fn site_from_file(
    file_site: &SiteHead,
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
    site.check().map_err(|e| bad(e.message))?;
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
