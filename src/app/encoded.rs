//! An answer encoded once: its bytes kept compressed with brotli and with
//! gzip, with an ETag from their content, for the answer cache
//! (`cache.rs`) to keep and serve.

use bytes::Bytes;
use flate2::{Compression, write::GzEncoder};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};

/// A JSON answer, encoded once and kept only compressed: browsers take
/// brotli, other clients gzip, and the rare client that takes neither
/// gets the gzip inflated.
#[derive(Debug)]
pub struct Encoded {
    pub etag: String,
    pub gzip: Bytes,
    pub brotli: Bytes,
}

/// How hard brotli works on what it compresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// An answer made while a reader waits, and again after each write to
    /// its thread: about as quick as gzip, and smaller.
    Answer,
    /// A file that never changes while natter runs: as small as brotli
    /// can make it, once.
    File,
}

impl Effort {
    fn quality(self) -> i32 {
        match self {
            Effort::Answer => 5,
            Effort::File => 11,
        }
    }
}

impl Encoded {
    /// Encodes a value as JSON.
    pub fn encode(value: &impl serde::Serialize) -> Encoded {
        let json = serde_json::to_vec(value).expect("answers serialise");
        let digest = Sha256::digest(&json);
        Encoded::from_bytes(&json, &crate::keys::hex(&digest[..12]), Effort::Answer)
    }

    /// Encodes a text: an HTML page or fragment, a feed.
    pub fn from_text(text: &str) -> Encoded {
        let digest = Sha256::digest(text.as_bytes());
        Encoded::from_bytes(
            text.as_bytes(),
            &crate::keys::hex(&digest[..12]),
            Effort::Answer,
        )
    }

    /// Wraps ready bytes whose content hash is `tag`.
    pub fn from_bytes(bytes: &[u8], tag: &str, effort: Effort) -> Encoded {
        let mut gz = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::default());
        gz.write_all(bytes).expect("writing to memory");
        let gzip = gz.finish().expect("writing to memory");
        // A window no larger than the bytes: brotli sets aside memory for
        // all of it, which would cost small answers more than compressing.
        let fits = usize::BITS - bytes.len().max(1).leading_zeros();
        let params = brotli::enc::BrotliEncoderParams {
            quality: effort.quality(),
            lgwin: fits.clamp(10, 22) as i32,
            size_hint: bytes.len(),
            ..Default::default()
        };
        let mut br = Vec::with_capacity(gzip.len());
        brotli::BrotliCompress(&mut &bytes[..], &mut br, &params).expect("writing to memory");
        Encoded {
            etag: format!("\"{}\"", &tag[..tag.len().min(24)]),
            gzip: Bytes::from(gzip),
            brotli: Bytes::from(br),
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

    /// What the answer holds in memory, about.
    pub fn size(&self) -> usize {
        self.gzip.len() + self.brotli.len() + self.etag.len() + 64
    }
}
