//! Moving discussions in and out (DESIGN §7): WordPress, Disqus, Isso and
//! natter's own JSON. Every import runs in one transaction: a bad file
//! leaves nothing behind, and each comment remembers its source id so that
//! importing the same file again adds nothing twice.

pub mod disqus;
pub mod isso;
pub mod json;
pub mod wordpress;
mod xml;

use crate::domain::{CommentId, PageRef, Site, Status, ThreadKey, UnixTime, now};
use crate::keys::Keys;
use crate::render::SafeHtml;
use crate::store::{Connection, StoreError, comments, threads};
use std::collections::{BTreeMap, HashMap};
use thiserror::Error;

/// Why an import stopped; nothing of it was kept.
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("{0}")]
    Io(String),
    #[error("line {line}: {reason}")]
    Malformed { line: u64, reason: String },
    #[error("{0}")]
    Invalid(String),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    /// Not an error: a dry run rolls back on purpose.
    #[error("dry run")]
    DryRun(Box<Summary>),
}

/// What an import did, for the person running it.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub threads_created: u64,
    pub threads_existing: u64,
    pub imported: BTreeMap<&'static str, u64>,
    pub skipped: BTreeMap<String, u64>,
    /// Replies whose parent was not in the file, kept at top level.
    pub orphans: u64,
    pub notes: Vec<String>,
}

impl Summary {
    pub fn skip(&mut self, reason: impl Into<String>) {
        *self.skipped.entry(reason.into()).or_default() += 1;
    }

    pub fn total_imported(&self) -> u64 {
        self.imported.values().sum()
    }

    /// The summary as lines of plain text.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "threads: {} new, {} already there",
            self.threads_created, self.threads_existing
        )];
        let by_status: Vec<String> = self
            .imported
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        out.push(format!(
            "comments imported: {}{}",
            self.total_imported(),
            if by_status.is_empty() {
                String::new()
            } else {
                format!(" ({})", by_status.join(", "))
            }
        ));
        for (reason, n) in &self.skipped {
            out.push(format!("skipped: {n} {reason}"));
        }
        if self.orphans > 0 {
            out.push(format!(
                "{} replies whose parent is not in the file were kept as top-level comments",
                self.orphans
            ));
        }
        out.extend(self.notes.iter().cloned());
        out
    }
}

/// A client address as the source gives it.
#[derive(Debug, Clone)]
pub enum Ip {
    /// An address in the clear: natter stores only its keyed hash.
    Raw(String),
    /// Already natter's keyed hash (from a natter export).
    Hashed(String),
}

/// A comment read from a source, before it is stored.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The comment's id in the source, unique within the file.
    pub id: String,
    pub parent: Option<String>,
    pub status: Status,
    pub name: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub ip: Option<Ip>,
    pub text: String,
    pub html: SafeHtml,
    pub created: UnixTime,
    pub edited: Option<UnixTime>,
    pub likes: i64,
    pub dislikes: i64,
    /// The id to keep, when natter's own export is read into a database
    /// where it is free.
    pub preferred_id: Option<i64>,
}

/// Writes what the parsers read, inside the import's transaction.
pub struct Sink<'a> {
    pub conn: &'a Connection,
    pub site: &'a Site,
    pub keys: &'a Keys,
    /// Names the source in each comment's import key (`wordpress`, …).
    pub source: &'static str,
    pub summary: Summary,
}

impl<'a> Sink<'a> {
    pub fn new(conn: &'a Connection, site: &'a Site, keys: &'a Keys, source: &'static str) -> Self {
        Sink {
            conn,
            site,
            keys,
            source,
            summary: Summary::default(),
        }
    }

    /// The thread key of a page address: its path on the site, whatever
    /// host the old system wrote (sites move between domains).
    pub fn key_of(&mut self, url: &str) -> Result<(ThreadKey, String), ImportError> {
        let parsed = PageRef::parse(url).or_else(|_| {
            let origin = self.site.origins.first().map_or("", |o| o.as_str());
            PageRef::parse(&format!("{origin}/{}", url.trim_start_matches('/')))
        });
        let page =
            parsed.map_err(|e| ImportError::Invalid(format!("page address {url:?}: {e}")))?;
        if !self.site.origins.contains(&page.origin) {
            let note = format!(
                "pages on {} are not on this site's origins: their threads were keyed by path, so they show on the same paths here",
                page.origin
            );
            if !self.summary.notes.contains(&note) {
                self.summary.notes.push(note);
            }
        }
        Ok((
            page.thread_key(&self.site.settings.keep_query),
            page.canonical(),
        ))
    }

    /// Finds or makes the thread of a page.
    pub fn thread(
        &mut self,
        key: &ThreadKey,
        url: &str,
        title: Option<&str>,
    ) -> Result<i64, ImportError> {
        if let Some(t) = threads::find(self.conn, &self.site.id, key)? {
            self.summary.threads_existing += 1;
            return Ok(t.id);
        }
        let t = threads::find_or_create(
            self.conn,
            &self.site.id,
            key,
            url,
            title.filter(|t| !t.trim().is_empty()),
            now(),
        )?;
        self.summary.threads_created += 1;
        Ok(t.id)
    }

    /// Stores one thread's comments, parents before replies, whatever the
    /// order of the file and however deep the replies go: each comment's
    /// line of parents is followed with a loop (never recursion, DESIGN
    /// §14) up to the first one stored, then stored from the top down. A
    /// reply whose parent is not in the file, or that is part of a cycle of
    /// parents, is kept at top level.
    ///
    /// `source_thread` names the thread in the source (a WordPress post id,
    /// a Disqus thread id, an Isso page): a comment is known by it and its
    /// source id together, since sources number comments per thread.
    pub fn comments(
        &mut self,
        thread_id: i64,
        source_thread: &str,
        incoming: Vec<Incoming>,
    ) -> Result<(), ImportError> {
        let index: HashMap<&str, usize> = incoming
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        // The parent each comment names: `Err(())` for one not in the file.
        let parent_of: Vec<Option<Result<usize, ()>>> = incoming
            .iter()
            .map(|c| {
                c.parent
                    .as_deref()
                    .filter(|p| !p.is_empty() && *p != "0")
                    .map(|p| index.get(p).copied().ok_or(()))
            })
            .collect();
        let mut stored: Vec<Option<CommentId>> = vec![None; incoming.len()];
        let mut on_path = vec![false; incoming.len()];
        for first in 0..incoming.len() {
            if stored[first].is_some() {
                continue;
            }
            let mut path = vec![first];
            on_path[first] = true;
            let mut top_parent = None;
            loop {
                let at = *path.last().expect("the path starts with one comment");
                match parent_of[at] {
                    None => break,
                    Some(Ok(j)) if stored[j].is_some() => {
                        top_parent = stored[j];
                        break;
                    }
                    Some(Ok(j)) if !on_path[j] => {
                        on_path[j] = true;
                        path.push(j);
                    }
                    // Not in the file, or a cycle back onto this path.
                    Some(_) => {
                        self.summary.orphans += 1;
                        break;
                    }
                }
            }
            let mut parent = top_parent;
            for &i in path.iter().rev() {
                let id = self.store(&incoming[i], thread_id, source_thread, parent)?;
                stored[i] = Some(id);
                on_path[i] = false;
                parent = Some(id);
            }
        }
        Ok(())
    }

    /// Stores one comment under `parent` (already stored); returns its
    /// natter id, or the id it got when this file was imported before.
    fn store(
        &mut self,
        c: &Incoming,
        thread_id: i64,
        source_thread: &str,
        parent: Option<CommentId>,
    ) -> Result<CommentId, ImportError> {
        let import_key = format!("{}:{}:{source_thread}:{}", self.site.id, self.source, c.id);
        // Imports before threads were part of the key named the comment
        // alone: such a comment is this one only if it is in this thread.
        let earlier_key = format!("{}:{}:{}", self.site.id, self.source, c.id);
        let found = match comments::by_import_key(self.conn, &import_key)? {
            Some(found) => Some(found),
            None => comments::by_import_key(self.conn, &earlier_key)?
                .filter(|(_, thread)| *thread == thread_id),
        };
        if let Some((existing, _)) = found {
            self.summary.skip("already imported");
            return Ok(existing);
        }
        let ip_hash = c.ip.as_ref().map(|ip| match ip {
            Ip::Raw(raw) => self.keys.ip_hash(raw.trim()),
            Ip::Hashed(h) => h.clone(),
        });
        let email = c.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
        let website = c
            .website
            .as_deref()
            .map(str::trim)
            .filter(|w| w.starts_with("http://") || w.starts_with("https://"));
        let name = c.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let id = comments::insert_imported(
            self.conn,
            &comments::Imported {
                thread_id,
                parent,
                status: c.status,
                name,
                email,
                website,
                text: &c.text,
                html: &c.html,
                ip_hash: ip_hash.as_deref(),
                created: c.created,
                edited: c.edited,
                likes: c.likes,
                dislikes: c.dislikes,
                import_key: &import_key,
                preferred_id: c.preferred_id,
            },
        )?;
        *self.summary.imported.entry(c.status.as_str()).or_default() += 1;
        Ok(id)
    }
}

/// Reads the peak memory of this process (Linux), for the summary.
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

/// The sources natter reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Wordpress,
    Disqus,
    Isso,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "wordpress" => Some(Format::Wordpress),
            "disqus" => Some(Format::Disqus),
            "isso" => Some(Format::Isso),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Imports a file into a site, all or nothing.
pub fn run(
    db: &crate::store::Db,
    format: Format,
    file: &std::path::Path,
    site: Option<&crate::domain::SiteId>,
    dry_run: bool,
    webhook_allow: &[crate::config::Cidr],
) -> Result<Summary, ImportError> {
    if !file.exists() {
        return Err(ImportError::Io(format!(
            "there is no file {}",
            file.display()
        )));
    }
    let file = file.to_path_buf();
    let site = site.cloned();
    let webhook_allow = webhook_allow.to_vec();
    db.write_blocking(move |conn| {
        let secret = crate::store::init_setting(conn, "secret", &Keys::generate_secret())?;
        let keys = Keys::new(secret.into_bytes());
        let sites = crate::store::sites::list(conn)?;
        let find = |id: &crate::domain::SiteId| {
            sites.iter().find(|s| &s.id == id).cloned().ok_or_else(|| {
                ImportError::Invalid(format!(
                    "there is no site {id}; add it first with `natter site add {id} --origin https://…`"
                ))
            })
        };
        // Isso's generic format is a JSON array, whichever name it comes under.
        let generic = matches!(format, Format::Json | Format::Isso) && isso::is_generic(&file)?;
        let summary = match (format, &site) {
            (Format::Json, _) if !generic => json::import(conn, &keys, &file, site.as_ref(), &sites, &webhook_allow)?,
            (_, None) => return Err(ImportError::Invalid("say which site the comments belong to with --site ID".into())),
            (Format::Wordpress, Some(id)) => wordpress::import(&mut Sink::new(conn, &find(id)?, &keys, "wordpress"), &file)?,
            (Format::Disqus, Some(id)) => disqus::import(&mut Sink::new(conn, &find(id)?, &keys, "disqus"), &file)?,
            (Format::Isso, Some(id)) if !generic => isso::import(&mut Sink::new(conn, &find(id)?, &keys, "isso"), &file)?,
            (Format::Isso | Format::Json, Some(id)) => isso::import_generic(&mut Sink::new(conn, &find(id)?, &keys, "isso-generic"), &file)?,
        };
        if dry_run {
            return Err(ImportError::DryRun(Box::new(summary)));
        }
        crate::store::mark_changed(conn)?;
        Ok(summary)
    })
}

/// Parses `YYYY-MM-DD HH:MM:SS` (as UTC) or RFC 3339.
pub fn parse_time(s: &str) -> Option<UnixTime> {
    let s = s.trim();
    if let Ok(t) = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Some(t.unix_timestamp());
    }
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(s, &format)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}
