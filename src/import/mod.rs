//! Moving discussions in and out (DESIGN §7): WordPress, Disqus, Isso and
//! natter's own JSON. Every import runs in one transaction: a bad file
//! leaves nothing behind, and each comment remembers its source id so that
//! importing the same file again adds nothing twice.

pub mod disqus;
pub mod isso;
pub mod json;
pub mod wordpress;
mod xml;

use crate::domain::{CommentId, PageRef, Site, Status, ThreadId, ThreadKey, UnixTime, now};
use crate::keys::Keys;
use crate::render::SafeHtml;
use crate::store::{
    Conn, StoreError, Trouble, WriteFailure, comments, comments_import, import_staged, threads,
};
use std::collections::{BTreeMap, HashMap, HashSet};
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

impl WriteFailure for ImportError {
    fn trouble(&self) -> Option<Trouble> {
        match self {
            ImportError::Store(e) => e.trouble(),
            _ => None,
        }
    }
}

/// What an import did, for the person running it.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub threads_created: u64,
    pub threads_existing: u64,
    /// Threads closed in the source, which arrived locked.
    pub threads_locked: u64,
    pub imported: BTreeMap<&'static str, u64>,
    pub skipped: BTreeMap<String, Skipped>,
    /// Comments the source published that arrive held, by why.
    pub held: BTreeMap<String, u64>,
    /// Replies whose parent was not in the file, kept at top level.
    pub orphans: u64,
    /// Replies whose parent was skipped (a pingback, a comment in the
    /// trash), kept at top level.
    pub under_skipped: u64,
    pub notes: Vec<String>,
}

/// How many entries were skipped for one reason, and the first lines.
#[derive(Debug, Default, Clone)]
pub struct Skipped {
    pub count: u64,
    pub lines: Vec<u64>,
}

/// How many lines of skipped entries a summary names per reason.
const LINES_NAMED: usize = 10;

impl Summary {
    pub fn skip(&mut self, reason: impl Into<String>) {
        self.skipped.entry(reason.into()).or_default().count += 1;
    }

    /// Counts an entry skipped because it could not be read, naming its line.
    pub fn skip_at(&mut self, reason: impl Into<String>, line: u64) {
        let entry = self.skipped.entry(reason.into()).or_default();
        entry.count += 1;
        if entry.lines.len() < LINES_NAMED {
            entry.lines.push(line);
        }
    }

    /// Adds another part's counts to this one.
    pub fn absorb(&mut self, part: Summary) {
        self.threads_created += part.threads_created;
        self.threads_existing += part.threads_existing;
        self.threads_locked += part.threads_locked;
        for (k, v) in part.imported {
            *self.imported.entry(k).or_default() += v;
        }
        for (k, v) in part.held {
            *self.held.entry(k).or_default() += v;
        }
        for (k, v) in part.skipped {
            let entry = self.skipped.entry(k).or_default();
            entry.count += v.count;
            let room = LINES_NAMED.saturating_sub(entry.lines.len());
            entry.lines.extend(v.lines.into_iter().take(room));
        }
        self.orphans += part.orphans;
        self.under_skipped += part.under_skipped;
        self.notes.extend(part.notes);
    }

    /// Counts a comment the source published that is kept held.
    pub fn hold(&mut self, reason: impl Into<String>) {
        *self.held.entry(reason.into()).or_default() += 1;
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
        if self.threads_locked > 0 {
            out.push(format!(
                "{} threads closed to new comments in the source arrived locked",
                self.threads_locked
            ));
        }
        for (reason, n) in &self.held {
            out.push(format!("held for moderation: {n} {reason}"));
        }
        for (reason, s) in &self.skipped {
            let lines = match s.lines.as_slice() {
                [] => String::new(),
                [one] if s.count == 1 => format!(" (line {one})"),
                many => format!(
                    " (lines {}{})",
                    many.iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    if s.count > many.len() as u64 {
                        ", …"
                    } else {
                        ""
                    }
                ),
            };
            out.push(format!("skipped: {} {reason}{lines}", s.count));
        }
        if self.orphans > 0 {
            out.push(format!(
                "{} replies whose parent is not in the file were kept as top-level comments",
                self.orphans
            ));
        }
        if self.under_skipped > 0 {
            out.push(format!(
                "{} replies to skipped entries (pingbacks, comments in the trash, …) were kept as top-level comments",
                self.under_skipped
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
    pub conn: &'a Conn,
    pub site: &'a Site,
    pub keys: &'a Keys,
    /// Names the source in each comment's import key (`wordpress`, …).
    pub source: &'static str,
    pub summary: Summary,
    /// Source ids of the entries of the next thread that were skipped, so
    /// that their replies are reported as such; the parser fills it before
    /// [`Sink::comments`], which empties it.
    pub skipped_ids: HashSet<String>,
    /// Threads this import made (only those take the source's lock).
    made: HashSet<ThreadId>,
    /// Each thread key seen, with the first page address that gave it.
    keyed: HashMap<ThreadKey, String>,
}

impl<'a> Sink<'a> {
    pub fn new(conn: &'a Conn, site: &'a Site, keys: &'a Keys, source: &'static str) -> Self {
        Sink {
            conn,
            site,
            keys,
            source,
            summary: Summary::default(),
            skipped_ids: HashSet::new(),
            made: HashSet::new(),
            keyed: HashMap::new(),
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
        let key = page.thread_key(&self.site.settings.keep_query);
        self.check_query(&page, &key, url)?;
        Ok((key, page.canonical()))
    }

    /// The thread key of a post that was never public (a WordPress draft,
    /// addressed as `/?p=9`): its page id is kept whatever the site keeps,
    /// so that its held comments stay apart from every other page's.
    pub fn key_of_unpublished(&mut self, url: &str) -> Result<(ThreadKey, String), ImportError> {
        let page = PageRef::parse(url)
            .map_err(|e| ImportError::Invalid(format!("page address {url:?}: {e}")))?;
        let mut keep = self.site.settings.keep_query.clone();
        keep.extend(["p".to_string(), "page_id".to_string()]);
        Ok((page.thread_key(&keep), page.canonical()))
    }

    /// A page's address on this site: one on an origin the site no longer
    /// has (a move to a new domain) takes the site's first origin, so that
    /// links in the API, feeds and emails lead to the new domain.
    fn on_site(&mut self, url: &str) -> Result<String, ImportError> {
        let Ok(page) = PageRef::parse(url) else {
            return Ok(url.to_string());
        };
        let Some(origin) = self.site.origins.first() else {
            return Ok(url.to_string());
        };
        if self.site.origins.contains(&page.origin) {
            return Ok(url.to_string());
        }
        let note = format!(
            "pages on {} are not on this site's origins: their threads were keyed by path and now have addresses on {origin}",
            page.origin
        );
        if !self.summary.notes.contains(&note) {
            self.summary.notes.push(note);
        }
        Ok(page
            .on_origin(origin)
            .map_err(ImportError::Invalid)?
            .canonical())
    }

    /// Refuses a file whose pages are told apart only by a query parameter
    /// the site does not keep (WordPress's `/?p=4`): they would all land in
    /// one thread.
    fn check_query(
        &mut self,
        page: &PageRef,
        key: &ThreadKey,
        url: &str,
    ) -> Result<(), ImportError> {
        let dropped = page.dropped_query(&self.site.settings.keep_query);
        let page_ids: Vec<&String> = dropped
            .iter()
            .filter(|q| matches!(q.as_str(), "p" | "page_id"))
            .collect();
        let first = self
            .keyed
            .entry(key.clone())
            .or_insert_with(|| url.to_string());
        // Other pages that differ only in a dropped parameter are one page
        // seen with tracking parameters (`?utm_source=`), and are one
        // thread, except on the home page, where such addresses name posts.
        let clash = *first != url && !dropped.is_empty() && key.as_str() == "/";
        if page_ids.is_empty() && !clash {
            return Ok(());
        }
        let names = if page_ids.is_empty() {
            dropped.join(",")
        } else {
            page_ids
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        let seen = if clash {
            format!("{url} and {first} would both be the thread {key}")
        } else {
            format!("{url} would be the thread {key}")
        };
        Err(ImportError::Invalid(format!(
            "pages of this file are told apart by the query parameter {names} ({seen}), which site {} does not keep; \
             run the import again with --keep-query {names}, which keeps it for the site from now on \
             (for a site set in natter.toml, add keep_query = [\"{names}\"] to it there)",
            self.site.id
        )))
    }

    /// Finds or makes the thread of a page.
    pub fn thread(
        &mut self,
        key: &ThreadKey,
        url: &str,
        title: Option<&str>,
    ) -> Result<ThreadId, ImportError> {
        if let Some(t) = threads::find(self.conn, &self.site.id, key)? {
            if !self.made.contains(&t.id) {
                self.summary.threads_existing += 1;
            }
            return Ok(t.id);
        }
        let url = self.on_site(url)?;
        let t = threads::find_or_create(
            self.conn,
            &self.site.id,
            key,
            &url,
            title.filter(|t| !t.trim().is_empty()),
            now(),
        )?;
        self.summary.threads_created += 1;
        self.made.insert(t.id);
        Ok(t.id)
    }

    /// Locks a thread the source closed to new comments, if this import
    /// made it (a thread already here keeps what its moderators chose).
    pub fn lock_if_new(&mut self, thread_id: ThreadId) -> Result<(), ImportError> {
        if self.made.contains(&thread_id) {
            crate::store::threads::set_locked(self.conn, thread_id, true)?;
            self.summary.threads_locked += 1;
        }
        Ok(())
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
        thread_id: ThreadId,
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
        let skipped = std::mem::take(&mut self.skipped_ids);
        let mut stored: Vec<Option<CommentId>> = vec![None; incoming.len()];
        let mut on_path = vec![false; incoming.len()];
        for first in 0..incoming.len() {
            if stored[first].is_some() {
                continue;
            }
            let mut path = vec![first];
            on_path[first] = true;
            let mut top_parent = None;
            let mut cut: Option<Cut> = None;
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
                        let named = incoming[at].parent.as_deref().unwrap_or_default();
                        cut = Some(if skipped.contains(named) {
                            Cut::UnderSkipped
                        } else {
                            Cut::Orphan
                        });
                        break;
                    }
                }
            }
            let mut parent = top_parent;
            for &i in path.iter().rev() {
                let (id, new) = self.store(&incoming[i], thread_id, source_thread, parent)?;
                // Said once, when the reply is first stored.
                if new && parent.is_none() {
                    match cut.take() {
                        Some(Cut::Orphan) => self.summary.orphans += 1,
                        Some(Cut::UnderSkipped) => self.summary.under_skipped += 1,
                        None => {}
                    }
                }
                stored[i] = Some(id);
                on_path[i] = false;
                parent = Some(id);
            }
        }
        Ok(())
    }

    /// Stores one comment under `parent` (already stored); returns its
    /// natter id, or the id it got when this file was imported before, and
    /// whether it is new.
    fn store(
        &mut self,
        c: &Incoming,
        thread_id: ThreadId,
        source_thread: &str,
        parent: Option<CommentId>,
    ) -> Result<(CommentId, bool), ImportError> {
        if let Some(id) = self.same_comment_here(c, thread_id)? {
            self.summary.skip("already in this database");
            return Ok((id, false));
        }
        let import_key = format!("{}:{}:{source_thread}:{}", self.site.id, self.source, c.id);
        // Imports before threads were part of the key named the comment
        // alone: such a comment is this one only if it is in this thread.
        let earlier_key = format!("{}:{}:{}", self.site.id, self.source, c.id);
        let found = match comments_import::by_import_key(self.conn, &import_key)? {
            Some(found) => Some(found),
            None => comments_import::by_import_key(self.conn, &earlier_key)?
                .filter(|(_, thread)| *thread == thread_id),
        };
        if let Some((existing, _)) = found {
            self.summary.skip("already imported");
            return Ok((existing, false));
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
        let id = comments_import::insert_imported(
            self.conn,
            &comments_import::Imported {
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
        Ok((id, true))
    }

    /// A natter export read back into the database it came from: the
    /// comment with its id is still here, in the same thread, from the same
    /// moment.
    fn same_comment_here(
        &self,
        c: &Incoming,
        thread_id: ThreadId,
    ) -> Result<Option<CommentId>, ImportError> {
        let Some(id) = c.preferred_id.map(CommentId) else {
            return Ok(None);
        };
        Ok(comments::find(self.conn, id)?
            .filter(|row| row.thread_id == thread_id && row.created == c.created)
            .map(|row| row.id))
    }
}

/// Entries read from a file whose threads are spread over it (Disqus,
/// natter's JSON), kept in a temporary table of the import's transaction
/// until the file is read, so that memory holds one thread, not the file.
pub struct Staging<'a> {
    conn: &'a Conn,
}

impl<'a> Staging<'a> {
    pub fn new(conn: &'a Conn) -> Result<Self, StoreError> {
        import_staged::begin(conn)?;
        Ok(Staging { conn })
    }

    pub fn put<T: serde::Serialize>(&self, thread: &str, entry: &T) -> Result<(), ImportError> {
        let body = serde_json::to_string(entry)
            .map_err(|e| ImportError::Invalid(format!("cannot stage an entry: {e}")))?;
        Ok(import_staged::put(self.conn, thread, &body)?)
    }

    /// The threads staged, in the order the file first named them.
    pub fn threads(&self) -> Result<Vec<String>, StoreError> {
        import_staged::threads(self.conn)
    }

    /// A thread's entries, in file order.
    pub fn take<T: serde::de::DeserializeOwned>(
        &self,
        thread: &str,
    ) -> Result<Vec<T>, ImportError> {
        let mut out = Vec::new();
        for body in import_staged::bodies(self.conn, thread)? {
            out.push(serde_json::from_str(&body).map_err(|e| {
                ImportError::Invalid(format!("cannot read a staged entry back: {e}"))
            })?);
        }
        Ok(out)
    }

    pub fn finish(self) -> Result<(), StoreError> {
        import_staged::finish(self.conn)
    }
}

/// Why a comment's line of parents stopped before reaching the top.
enum Cut {
    Orphan,
    UnderSkipped,
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

/// How an import runs, besides its file and site.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Read and check everything, report, and change nothing.
    pub dry_run: bool,
    /// Query parameters that tell the site's pages apart (WordPress's
    /// `p`), kept for the site from now on.
    pub keep_query: Vec<String>,
}

/// Imports a file into a site, all or nothing.
pub fn run(
    db: &crate::store::Db,
    format: Format,
    file: &std::path::Path,
    site: Option<&crate::domain::SiteId>,
    options: &Options,
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
    let options = options.clone();
    db.write_blocking(move |conn| {
        let secret = crate::store::settings::init(conn, "secret", &Keys::generate_secret())?;
        let keys = Keys::new(secret.into_bytes());
        let mut sites = crate::store::sites::list(conn)?;
        let mut notes = Vec::new();
        if !options.keep_query.is_empty() {
            let Some(id) = &site else {
                return Err(ImportError::Invalid(
                    "--keep-query needs --site ID: it is kept for that site".into(),
                ));
            };
            let Some(s) = sites.iter_mut().find(|s| &s.id == id) else {
                return Err(no_site(id));
            };
            let mut added = Vec::new();
            for q in &options.keep_query {
                if !s.settings.keep_query.contains(q) {
                    s.settings.keep_query.push(q.clone());
                    added.push(q.as_str());
                }
            }
            if !added.is_empty() {
                crate::store::sites::upsert(conn, s)?;
                notes.push(format!(
                    "site {id} now keeps the query parameter {} in its page addresses",
                    added.join(", ")
                ));
            }
        }
        let find = |id: &crate::domain::SiteId| {
            sites
                .iter()
                .find(|s| &s.id == id)
                .cloned()
                .ok_or_else(|| no_site(id))
        };
        // Isso's generic format is a JSON array, whichever name it comes under.
        let generic = matches!(format, Format::Json | Format::Isso) && isso::is_generic(&file)?;
        let summary = match (format, &site) {
            (Format::Json, _) if !generic => {
                json::import(conn, &keys, &file, site.as_ref(), &sites, &webhook_allow)?
            }
            (_, None) => {
                return Err(ImportError::Invalid(
                    "say which site the comments belong to with --site ID".into(),
                ));
            }
            (Format::Wordpress, Some(id)) => {
                wordpress::import(&mut Sink::new(conn, &find(id)?, &keys, "wordpress"), &file)?
            }
            (Format::Disqus, Some(id)) => {
                disqus::import(&mut Sink::new(conn, &find(id)?, &keys, "disqus"), &file)?
            }
            (Format::Isso, Some(id)) if !generic => {
                isso::import(&mut Sink::new(conn, &find(id)?, &keys, "isso"), &file)?
            }
            (Format::Isso | Format::Json, Some(id)) => isso::import_generic(
                &mut Sink::new(conn, &find(id)?, &keys, "isso-generic"),
                &file,
            )?,
        };
        let mut summary = summary;
        summary.notes.extend(notes);
        if options.dry_run {
            return Err(ImportError::DryRun(Box::new(summary)));
        }
        crate::store::settings::mark_changed(conn)?;
        Ok(summary)
    })
}

fn no_site(id: &crate::domain::SiteId) -> ImportError {
    ImportError::Invalid(format!(
        "there is no site {id}; add it first with `natter site add {id} --origin https://…`"
    ))
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
