//! Encoded answers kept in memory: thread and count answers are served as
//! ready bytes (plain and gzip) with an ETag, and dropped by any write that
//! changes them. The cache counts what it holds (keys, structure and
//! bytes) and stays within its bounds under any input (DESIGN §14).

pub use super::encoded::{Effort, Encoded};
use super::view::{BuiltThread, Sort};
use crate::domain::{SiteId, ThreadKey};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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
    built: Arc<BuiltThread>,
    pages: HashMap<PageKey, Arc<Encoded>>,
    /// Everything this entry holds, its keys included.
    bytes: usize,
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
        Some(self.lock().threads.get(site)?.get(key)?.built.clone())
    }

    /// Keeps a thread's build, made from data read at `generation`.
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
        let size = site.as_str().len() + key.as_str().len() + ENTRY_OVERHEAD + built.bytes();
        if !inner.make_room(size, 1) {
            return;
        }
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
            .is_some_and(|e| Arc::ptr_eq(&e.built, built));
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
mod tests {
    fn look5() -> crate::app::view::Look {
        crate::app::view::Look {
            max_depth: 5,
            ..Default::default()
        }
    }

    use super::*;

    fn key(k: &str) -> (SiteId, ThreadKey) {
        (
            SiteId::parse("s").unwrap(),
            ThreadKey::from_page_id(k).unwrap(),
        )
    }

    fn info() -> crate::app::view::ThreadInfo {
        crate::app::view::ThreadInfo {
            key: "t".into(),
            url: None,
            title: None,
            count: 0,
            locked: false,
            event_id: 0,
        }
    }

    fn within_bounds(cache: &Cache) {
        let size = cache.size();
        assert!(size.bytes <= MAX_BYTES, "{size:?}");
        assert!(size.entries <= MAX_ENTRIES, "{size:?}");
    }

    #[test]
    fn answers_round_trip_and_memory_stays_capped() {
        let a = Encoded::encode(&serde_json::json!({"hello": "world"}));
        assert_eq!(&a.plain()[..], br#"{"hello":"world"}"#);
        let cache = Cache::default();
        // Incompressible answers of about 100 KB each: far more than the cap in all.
        for i in 0..200u32 {
            let noise: Vec<u8> = (0..100_000u32)
                .map(|j| (j.wrapping_mul(2_654_435_761).wrapping_add(i) >> 13) as u8)
                .collect();
            let answer = Arc::new(Encoded::from_bytes(
                &noise,
                &format!("{i:024}"),
                Effort::Answer,
            ));
            cache.put_shared(format!("q{i}"), cache.generation(), answer);
            within_bounds(&cache);
        }
        assert!(cache.shared("q199").is_some(), "the newest answer is kept");
        let (s, k) = key("t");
        cache.invalidate(&s, &k);
        assert!(cache.shared("q199").is_none());
        assert_eq!(cache.size().bytes, 0);
    }

    #[test]
    fn long_keys_and_many_small_answers_count() {
        let cache = Cache::default();
        let tiny = Arc::new(Encoded::encode(&0));
        for i in 0..20_000u32 {
            cache.put_shared(
                format!("{i}{}", "x".repeat(5000)),
                cache.generation(),
                tiny.clone(),
            );
            within_bounds(&cache);
        }
        assert!(cache.size().entries > 0);
    }

    #[test]
    fn an_answer_built_before_a_write_is_not_kept() {
        let cache = Cache::default();
        let (s, k) = key("t");
        let generation = cache.generation();
        cache.invalidate(&s, &k);
        cache.put_shared("q".into(), generation, Arc::new(Encoded::encode(&1)));
        assert!(cache.shared("q").is_none());
        let built = Arc::new(BuiltThread::build(
            info(),
            &[],
            &look5(),
            &crate::keys::Keys::new(vec![1; 32]),
        ));
        cache.put_built(&s, &k, generation, built);
        assert!(cache.built(&s, &k).is_none());
    }

    #[test]
    fn pages_belong_to_the_build_they_were_cut_from() {
        let cache = Cache::default();
        let (s, k) = key("t");
        let keys = crate::keys::Keys::new(vec![1; 32]);
        let old = Arc::new(BuiltThread::build(info(), &[], &look5(), &keys));
        cache.put_built(&s, &k, cache.generation(), old.clone());
        let page = PageKey {
            sort: Sort::Oldest,
            offset: 0,
            limit: 0,
            format: Format::Json,
        };
        cache.invalidate(&s, &k);
        let new = Arc::new(BuiltThread::build(info(), &[], &look5(), &keys));
        cache.put_built(&s, &k, cache.generation(), new.clone());
        cache.put_page(&s, &k, &old, page, Arc::new(Encoded::encode(&1)));
        assert!(cache.page(&s, &k, &page).is_none());
        cache.put_page(&s, &k, &new, page, Arc::new(Encoded::encode(&2)));
        assert!(cache.page(&s, &k, &page).is_some());
        assert_eq!(cache.size().entries, 2);
        cache.invalidate(&s, &k);
        assert_eq!(cache.size().entries, 0);
        assert_eq!(cache.size().bytes, 0);
    }
}
