//! Encoded answers kept in memory: thread and count answers are served as
//! ready bytes (plain and gzip) with an ETag, and dropped by any write that
//! changes them.

use crate::domain::{SiteId, ThreadKey};
use bytes::Bytes;
use flate2::{Compression, write::GzEncoder};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

/// A JSON answer, encoded once and kept only compressed: nearly every
/// browser takes gzip, and the rare client that does not gets it inflated.
#[derive(Debug)]
pub struct Answer {
    pub etag: String,
    pub gzip: Bytes,
}

impl Answer {
    /// Encodes a value as JSON.
    pub fn encode(value: &impl serde::Serialize) -> Answer {
        let json = serde_json::to_vec(value).expect("answers serialise");
        let digest = Sha256::digest(&json);
        Answer::from_bytes(&json, &crate::keys::hex(&digest[..12]))
    }

    /// Wraps ready bytes whose content hash is `tag`.
    pub fn from_bytes(bytes: &[u8], tag: &str) -> Answer {
        let mut gz = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::default());
        gz.write_all(bytes).expect("writing to memory");
        let gzip = gz.finish().expect("writing to memory");
        Answer {
            etag: format!("\"{}\"", &tag[..tag.len().min(24)]),
            gzip: Bytes::from(gzip),
        }
    }

    /// The uncompressed bytes.
    pub fn plain(&self) -> Bytes {
        let mut out = Vec::with_capacity(self.gzip.len() * 4);
        flate2::read::GzDecoder::new(&self.gzip[..])
            .read_to_end(&mut out)
            .expect("our own gzip");
        Bytes::from(out)
    }

    fn size(&self) -> usize {
        self.gzip.len() + self.etag.len() + 64
    }
}

/// How many bytes of answers are kept before the cache starts afresh.
const MAX_BYTES: usize = 8 * 1024 * 1024;

#[derive(Default)]
struct Inner {
    /// Bumped by every write, so an answer built from data older than a
    /// write is never stored after it.
    generation: u64,
    /// Answers by site, thread and query: looked up without allocating.
    threads: HashMap<SiteId, HashMap<ThreadKey, HashMap<String, Arc<Answer>>>>,
    /// Answers that any write may change: counts and feeds.
    shared: HashMap<String, Arc<Answer>>,
    bytes: usize,
}

#[derive(Clone, Default)]
pub struct Cache {
    inner: Arc<Mutex<Inner>>,
}

impl Cache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The generation to pass to `put_*` for an answer about to be built.
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    pub fn thread(&self, site: &SiteId, key: &ThreadKey, query: &str) -> Option<Arc<Answer>> {
        self.lock().threads.get(site)?.get(key)?.get(query).cloned()
    }

    pub fn put_thread(
        &self,
        site: &SiteId,
        key: &ThreadKey,
        query: String,
        generation: u64,
        answer: Arc<Answer>,
    ) {
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        inner.make_room(answer.size());
        let old = inner
            .threads
            .entry(site.clone())
            .or_default()
            .entry(key.clone())
            .or_default()
            .insert(query, answer);
        if let Some(old) = old {
            inner.bytes -= old.size();
        }
    }

    pub fn shared(&self, query: &str) -> Option<Arc<Answer>> {
        self.lock().shared.get(query).cloned()
    }

    pub fn put_shared(&self, query: String, generation: u64, answer: Arc<Answer>) {
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        inner.make_room(answer.size());
        if let Some(old) = inner.shared.insert(query, answer) {
            inner.bytes -= old.size();
        }
    }

    /// Drops every answer (after a change made outside this process).
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.threads.clear();
        inner.shared.clear();
        inner.bytes = 0;
    }

    /// Drops what a write to this thread changed.
    pub fn invalidate(&self, site: &SiteId, key: &ThreadKey) {
        let mut inner = self.lock();
        inner.generation += 1;
        if let Some(answers) = inner.threads.get_mut(site).and_then(|t| t.remove(key)) {
            inner.bytes -= answers.values().map(|a| a.size()).sum::<usize>();
        }
        inner.bytes -= inner.shared.values().map(|a| a.size()).sum::<usize>();
        inner.shared.clear();
    }
}

impl Inner {
    /// Starts afresh when `more` bytes would pass the cap: simple, and a
    /// miss only costs one read.
    fn make_room(&mut self, more: usize) {
        if self.bytes + more > MAX_BYTES {
            self.threads.clear();
            self.shared.clear();
            self.bytes = 0;
        }
        self.bytes += more;
    }

    /// Bytes held, for tests.
    #[cfg(test)]
    fn held(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> (SiteId, ThreadKey) {
        (
            SiteId::parse("s").unwrap(),
            ThreadKey::from_page_id(k).unwrap(),
        )
    }

    #[test]
    fn answers_round_trip_and_memory_stays_capped() {
        let a = Answer::encode(&serde_json::json!({"hello": "world"}));
        assert_eq!(&a.plain()[..], br#"{"hello":"world"}"#);
        let cache = Cache::default();
        // Incompressible answers of about 100 KB each: far more than the cap in all.
        for i in 0..200u32 {
            let noise: Vec<u8> = (0..100_000u32)
                .map(|j| (j.wrapping_mul(2_654_435_761).wrapping_add(i) >> 13) as u8)
                .collect();
            let answer = Arc::new(Answer::from_bytes(&noise, &format!("{i:024}")));
            let (s, k) = key(&format!("t{i}"));
            cache.put_thread(&s, &k, "q".into(), cache.generation(), answer);
            assert!(cache.lock().held() <= MAX_BYTES);
        }
        let (s, k) = key("t199");
        assert!(
            cache.thread(&s, &k, "q").is_some(),
            "the newest answer is kept"
        );
        cache.invalidate(&s, &k);
        assert!(cache.thread(&s, &k, "q").is_none());
    }

    #[test]
    fn an_answer_built_before_a_write_is_not_kept() {
        let cache = Cache::default();
        let (s, k) = key("t");
        let generation = cache.generation();
        cache.invalidate(&s, &k);
        cache.put_thread(&s, &k, "q".into(), generation, Arc::new(Answer::encode(&1)));
        assert!(cache.thread(&s, &k, "q").is_none());
    }
}
