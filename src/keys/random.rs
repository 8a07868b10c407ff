//! Random tokens and nonces, the stored form of a token, and small
//! helpers for hashes (a digest, hex, comparing in constant time).

use super::B64;
use base64::Engine;
use sha2::{Digest, Sha256};

/// A random nonce for a link, URL-safe.
pub fn random_nonce() -> String {
    B64.encode(random_bytes::<12>())
}

/// A new random edit token and the hash that is stored in its place.
pub fn new_token() -> (String, String) {
    let token = B64.encode(random_bytes::<24>());
    let hash = hash_token(&token);
    (token, hash)
}

/// The stored form of a random token. Tokens carry 192 random bits, so a
/// plain SHA-256 is enough: there is nothing to guess.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A short fingerprint of some texts (each length-prefixed, so that
/// `["ab", "c"]` and `["a", "bc"]` differ): it names an entry that has no
/// id of its own, nothing secret.
pub fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    hex(&h.finalize()[..12])
}

/// Compares without stopping at the first difference.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `N` bytes from the operating system's random source.
pub(super) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    fill(&mut b);
    b
}

fn fill(b: &mut [u8]) {
    getrandom::fill(b).expect("the operating system's random source");
}

/// Lower-case hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// A new random secret for a session cookie or a generated password.
pub fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    fill(&mut b);
    B64.encode(b)
}
