//! Encoded answers kept in memory: thread and count answers are served as
//! ready bytes (plain and gzip) with an ETag, and dropped by any write that
//! changes them. The cache counts what it holds (keys, structure and
//! bytes) and stays within its bounds under any input (DESIGN §14).

pub use super::encoded::{Effort, Encoded};
use super::view::{BuiltThread, Sort};
use crate::domain::{SiteId, ThreadKey};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

/// How many bytes the cache may hold in all: answers, their keys, built
/// threads and the maps' own entries.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// How many entries (answers and built threads) the cache may hold.
pub const MAX_ENTRIES: usize = 4096;
/// What one entry costs beyond its key and value: the map slot, the `Arc`
/// and the allocator's share.
const ENTRY_OVERHEAD: usize = 128;

/// Which page of a thread an answer is: the request normalised, so that
/// queries that mean the same page share one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub sort: Sort,
    pub offset: u32,
    pub limit: u32,
    /// What the page is sent as: a thread's JSON and HTML pages are kept
    /// side by side, and dropped together.
    pub format: Format,
}

/// What a cached page of a thread is sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The JSON answer of `GET /api/comments`.
    Json,
    /// The HTML fragment of `GET /api/thread.html`.
    Html,
    /// The no-JS page of `GET /thread` (framable or not): its form carries
    /// the signed time of its second, so a page is kept for that second,
    /// and the next second's replaces it.
    Page { embed: bool, second: i64 },
}

impl Format {
    /// Whether an entry in this format is out of date once `newer` is kept.
    fn replaced_by(self, newer: Format) -> bool {
        matches!((self, newer), (Format::Page { embed: a, second: s }, Format::Page { embed: b, second: t }) if a == b && s != t)
    }
}

/// A thread's build and the pages cut from it.
struct ThreadEntry {
    built: Build,
    pages: HashMap<PageKey, Arc<Encoded>>,
    /// Everything this entry holds, its keys included.
    bytes: usize,
}

/// A thread's build as the cache holds it: kept, or (too large to keep)
/// only known, so that the pages cut from it can be kept still.
enum Build {
    Kept(Arc<BuiltThread>),
    TooLarge(Weak<BuiltThread>),
}

impl Build {
    fn is(&self, built: &Arc<BuiltThread>) -> bool {
        match self {
            Build::Kept(b) => Arc::ptr_eq(b, built),
            Build::TooLarge(w) => std::ptr::eq(w.as_ptr(), Arc::as_ptr(built)),
        }
    }
}

#[derive(Default)]
struct Inner {
    /// Bumped by every write, so a build from data older than a write is
    /// never stored after it.
    generation: u64,
    /// Threads by site and key: looked up without allocating.
    threads: HashMap<SiteId, HashMap<ThreadKey, ThreadEntry>>,
    /// Answers that any write may change: counts and feeds.
    shared: HashMap<String, Arc<Encoded>>,
    bytes: usize,
    entries: usize,
}

/// How much the cache holds, for `/metrics`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CacheSize {
    pub bytes: usize,
    pub entries: usize,
}

/// Answers kept in memory within [`MAX_BYTES`] and [`MAX_ENTRIES`],
/// whatever the requests. Only threads that exist on registered sites are
/// kept (a made-up page address costs a read, not memory).
#[derive(Clone, Default)]
pub struct Cache {
    inner: Arc<Mutex<Inner>>,
}

impl Cache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The generation to pass to `put_*` for something about to be built.
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// What the cache holds now.
    pub fn size(&self) -> CacheSize {
        let inner = self.lock();
        CacheSize {
            bytes: inner.bytes,
            entries: inner.entries,
        }
    }

    /// The thread as last built, if no write changed it since.
    pub fn built(&self, site: &SiteId, key: &ThreadKey) -> Option<Arc<BuiltThread>> {
        match &self.lock().threads.get(site)?.get(key)?.built {
            Build::Kept(b) => Some(b.clone()),
            Build::TooLarge(_) => None,
        }
    }

    /// Keeps a thread's build, made from data read at `generation`; a
    /// build too large to keep is only noted, and its pages are kept.
    pub fn put_built(
        &self,
        site: &SiteId,
        key: &ThreadKey,
        generation: u64,
        built: Arc<BuiltThread>,
    ) {
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        let keys = site.as_str().len() + key.as_str().len() + ENTRY_OVERHEAD;
        let whole = keys + built.bytes();
        let (built, size) = if inner.make_room(whole, 1) {
            (Build::Kept(built), whole)
        } else if inner.make_room(keys, 1) {
            (Build::TooLarge(Arc::downgrade(&built)), keys)
        } else {
            return;
        };
        let entry = ThreadEntry {
            built,
            pages: HashMap::new(),
            bytes: size,
        };
        if let Some(old) = inner
            .threads
            .entry(site.clone())
            .or_default()
            .insert(key.clone(), entry)
        {
            inner.forget(&old);
        }
    }

    /// A page of a thread, as encoded before.
    pub fn page(&self, site: &SiteId, key: &ThreadKey, page: &PageKey) -> Option<Arc<Encoded>> {
        self.lock()
            .threads
            .get(site)?
            .get(key)?
            .pages
            .get(page)
            .cloned()
    }

    /// Keeps a page cut from `built`, if that is still the thread's build.
    pub fn put_page(
        &self,
        site: &SiteId,
        key: &ThreadKey,
        built: &Arc<BuiltThread>,
        page: PageKey,
        answer: Arc<Encoded>,
    ) {
        let mut inner = self.lock();
        let current = inner
            .threads
            .get(site)
            .and_then(|t| t.get(key))
            .is_some_and(|e| e.built.is(built));
        let size = answer.size() + ENTRY_OVERHEAD;
        if !current || !inner.make_room(size, 1) {
            return;
        }
        let inner = &mut *inner;
        // Room was made without dropping this thread (else it would be gone).
        let Some(entry) = inner.threads.get_mut(site).and_then(|t| t.get_mut(key)) else {
            inner.bytes -= size;
            inner.entries -= 1;
            return;
        };
        entry.bytes += size;
        let replaced: Vec<PageKey> = entry
            .pages
            .keys()
            .filter(|k| {
                (k.sort, k.offset, k.limit) == (page.sort, page.offset, page.limit)
                    && k.format.replaced_by(page.format)
            })
            .copied()
            .collect();
        for k in replaced {
            if let Some(old) = entry.pages.remove(&k) {
                entry.bytes -= old.size() + ENTRY_OVERHEAD;
                inner.bytes -= old.size() + ENTRY_OVERHEAD;
                inner.entries -= 1;
            }
        }
        if let Some(old) = entry.pages.insert(page, answer) {
            entry.bytes -= old.size() + ENTRY_OVERHEAD;
            inner.bytes -= old.size() + ENTRY_OVERHEAD;
            inner.entries -= 1;
        }
    }

    pub fn shared(&self, query: &str) -> Option<Arc<Encoded>> {
        self.lock().shared.get(query).cloned()
    }

    /// Keeps an answer that any write may change; its key counts too.
    pub fn put_shared(&self, query: String, generation: u64, answer: Arc<Encoded>) {
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        let size = query.len() + answer.size() + ENTRY_OVERHEAD;
        if !inner.make_room(size, 1) {
            return;
        }
        let old_key = query.len();
        if let Some(old) = inner.shared.insert(query, answer) {
            inner.bytes -= old_key + old.size() + ENTRY_OVERHEAD;
            inner.entries -= 1;
        }
    }

    /// Drops everything (after a change made outside this process).
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.drop_all();
    }

    /// Drops what a write to this thread changed.
    pub fn invalidate(&self, site: &SiteId, key: &ThreadKey) {
        let mut inner = self.lock();
        inner.generation += 1;
        if let Some(old) = inner.threads.get_mut(site).and_then(|t| t.remove(key)) {
            inner.forget(&old);
        }
        let shared: usize = inner
            .shared
            .iter()
            .map(|(k, a)| k.len() + a.size() + ENTRY_OVERHEAD)
            .sum();
        inner.bytes -= shared;
        inner.entries -= inner.shared.len();
        inner.shared.clear();
    }
}

impl Inner {
    /// Makes room for `more` bytes in `entries` new entries, starting afresh
    /// when they would pass a bound: simple, and a miss only costs one
    /// read. Returns false (keeping nothing) for what could never fit.
    fn make_room(&mut self, more: usize, entries: usize) -> bool {
        if more > MAX_BYTES / 4 {
            return false;
        }
        if self.bytes + more > MAX_BYTES || self.entries + entries > MAX_ENTRIES {
            self.drop_all();
        }
        self.bytes += more;
        self.entries += entries;
        true
    }

    fn drop_all(&mut self) {
        self.threads.clear();
        self.shared.clear();
        self.bytes = 0;
        self.entries = 0;
    }

    /// Takes a removed thread entry off the counts.
    fn forget(&mut self, old: &ThreadEntry) {
        self.bytes -= old.bytes;
        self.entries -= 1 + old.pages.len();
    }
}

#[cfg(test)]
mod tests;
