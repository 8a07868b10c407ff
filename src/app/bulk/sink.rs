//! The sink the parsers write into, inside the import's transaction: it
//! finds or makes each thread, stores a thread's comments parents first,
//! and knows a comment it stored before by its import key.

use super::{ImportError, Incoming, Ip, Staging, Summary};
use crate::domain::ThreadId;
use crate::domain::{CommentId, Site, ThreadKey, now};
use crate::keys::Keys;
use crate::store::{Conn, comments, comments_import, threads};
use std::collections::{HashMap, HashSet};

/// Writes what the parsers read, inside the import's transaction.
pub struct Sink<'a> {
    conn: &'a Conn,
    pub site: &'a Site,
    keys: &'a Keys,
    /// Names the source in each comment's import key (`wordpress`, …).
    pub source: &'static str,
    pub summary: Summary,
    /// Source ids of the entries of the next thread that were skipped, so
    /// that their replies are reported as such; the parser fills it before
    /// [`Sink::comments`], which empties it.
    pub skipped_ids: HashSet<String>,
    /// Threads this import made (only those take the source's lock).
    pub(super) made: HashSet<ThreadId>,
    /// Each thread key seen, with the first page address that gave it.
    pub(super) keyed: HashMap<ThreadKey, String>,
}

impl<'a> Sink<'a> {
    pub(super) fn new(
        conn: &'a Conn,
        site: &'a Site,
        keys: &'a Keys,
        source: &'static str,
    ) -> Self {
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
            self.lock(thread_id)?;
            self.summary.threads_locked += 1;
        }
        Ok(())
    }

    /// Locks a thread, whoever made it (natter's own export says which
    /// threads its moderators locked).
    pub fn lock(&mut self, thread_id: ThreadId) -> Result<(), ImportError> {
        Ok(threads::set_locked(self.conn, thread_id, true)?)
    }

    /// The staging table of this import's transaction, empty.
    pub fn staging(&self) -> Result<Staging<'a>, ImportError> {
        Staging::new(self.conn)
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

/// Why a comment's line of parents stopped before reaching the top.
enum Cut {
    Orphan,
    UnderSkipped,
}
