//! Encoded answers kept in memory: thread and count answers are served as
//! ready bytes (plain and gzip) with an ETag, and dropped by any write that
//! changes them.

use crate::domain::{SiteId, ThreadKey};
use bytes::Bytes;
use flate2::{Compression, write::GzEncoder};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// A JSON answer, encoded once.
#[derive(Debug)]
pub struct Answer {
    pub etag: String,
    pub json: Bytes,
    pub gzip: Bytes,
}

impl Answer {
    /// Encodes a value as JSON.
    pub fn encode(value: &impl serde::Serialize) -> Answer {
        let json = serde_json::to_vec(value).expect("answers serialise");
        let digest = Sha256::digest(&json);
        Answer::from_bytes(json, &crate::keys::hex(&digest[..12]))
    }

    /// Wraps ready bytes whose content hash is `tag`.
    pub fn from_bytes(bytes: Vec<u8>, tag: &str) -> Answer {
        let mut gz = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::default());
        gz.write_all(&bytes).expect("writing to memory");
        let gzip = gz.finish().expect("writing to memory");
        Answer {
            etag: format!("\"{}\"", &tag[..tag.len().min(24)]),
            json: Bytes::from(bytes),
            gzip: Bytes::from(gzip),
        }
    }
}

/// How many answers are kept before the cache starts afresh.
const MAX_ENTRIES: usize = 20_000;

type ThreadRef = (SiteId, ThreadKey);

#[derive(Default)]
struct Inner {
    /// Bumped by every write, so an answer built from data older than a
    /// write is never stored after it.
    generation: u64,
    threads: HashMap<ThreadRef, HashMap<String, Arc<Answer>>>,
    counts: HashMap<String, Arc<Answer>>,
    entries: usize,
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
        self.lock()
            .threads
            .get(&(site.clone(), key.clone()))?
            .get(query)
            .cloned()
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
        inner.make_room();
        inner.entries += 1;
        inner
            .threads
            .entry((site.clone(), key.clone()))
            .or_default()
            .insert(query, answer);
    }

    pub fn counts(&self, query: &str) -> Option<Arc<Answer>> {
        self.lock().counts.get(query).cloned()
    }

    pub fn put_counts(&self, query: String, generation: u64, answer: Arc<Answer>) {
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        inner.make_room();
        inner.entries += 1;
        inner.counts.insert(query, answer);
    }

    /// Drops what a write to this thread changed.
    pub fn invalidate(&self, site: &SiteId, key: &ThreadKey) {
        let mut inner = self.lock();
        inner.generation += 1;
        if let Some(answers) = inner.threads.remove(&(site.clone(), key.clone())) {
            inner.entries -= answers.len();
        }
        inner.entries -= inner.counts.len();
        inner.counts.clear();
    }
}

impl Inner {
    fn make_room(&mut self) {
        if self.entries >= MAX_ENTRIES {
            self.threads.clear();
            self.counts.clear();
            self.entries = 0;
        }
    }
}
