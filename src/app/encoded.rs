//! An answer encoded once: its bytes kept gzipped, with an ETag from
//! their content, for the answer cache (`cache.rs`) to keep and serve.

use bytes::Bytes;
use flate2::{Compression, write::GzEncoder};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};

/// A JSON answer, encoded once and kept only compressed: nearly every
/// browser takes gzip, and the rare client that does not gets it inflated.
#[derive(Debug)]
pub struct Encoded {
    pub etag: String,
    pub gzip: Bytes,
}

impl Encoded {
    /// Encodes a value as JSON.
    pub fn encode(value: &impl serde::Serialize) -> Encoded {
        let json = serde_json::to_vec(value).expect("answers serialise");
        let digest = Sha256::digest(&json);
        Encoded::from_bytes(&json, &crate::keys::hex(&digest[..12]))
    }

    /// Encodes an HTML page or fragment.
    pub fn from_html(html: &str) -> Encoded {
        let digest = Sha256::digest(html.as_bytes());
        Encoded::from_bytes(html.as_bytes(), &crate::keys::hex(&digest[..12]))
    }

    /// Wraps ready bytes whose content hash is `tag`.
    pub fn from_bytes(bytes: &[u8], tag: &str) -> Encoded {
        let mut gz = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::default());
        gz.write_all(bytes).expect("writing to memory");
        let gzip = gz.finish().expect("writing to memory");
        Encoded {
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

    pub(super) fn size(&self) -> usize {
        self.gzip.len() + self.etag.len() + 64
    }
}
