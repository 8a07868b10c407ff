//! Keyed hashes and tokens. The server's secret never leaves the database;
//! IP addresses, voters and edit tokens are stored only as keyed hashes.
//! The form timing token (`form`), passwords (`password`) and random tokens
//! (`random`) each have a file of their own.

mod form;
mod password;
mod random;

pub use form::FormTiming;
pub use password::{hash_password, verify_password};
pub use random::{
    constant_time_eq, digest, hash_token, hex, new_token, random_nonce, random_token,
};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{KeyInit, Mac};
use random::random_bytes;
use sha2::Sha256;

type HmacSha256 = hmac::Hmac<Sha256>;

/// The server's secret and what it signs.
#[derive(Clone)]
pub struct Keys {
    secret: std::sync::Arc<[u8]>,
}

impl Keys {
    /// Keys made from the server's secret.
    pub fn new(secret: Vec<u8>) -> Self {
        Keys {
            secret: secret.into(),
        }
    }

    /// A new random secret, hex encoded, for a new database.
    pub fn generate_secret() -> String {
        hex(&random_bytes::<32>())
    }

    fn mac(&self, purpose: &str, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = HmacSha256::new_from_slice(&self.secret).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        for p in parts {
            mac.update(&[0]);
            mac.update(p);
        }
        mac.finalize().into_bytes().into()
    }

    /// The stored form of a client address (already reduced to its /64 for IPv6).
    pub fn ip_hash(&self, ip_key: &str) -> String {
        hex(&self.mac("ip", &[ip_key.as_bytes()])[..16])
    }

    /// The author key on a site: a keyed hash of the anonymous voter id the
    /// widget keeps, the same from any address. It is keyed per site, so it
    /// links nothing across sites, and only the widget that holds the id
    /// can give it (DESIGN §5).
    pub fn author_key(&self, site: &str, voter: &str) -> String {
        hex(&self.mac("author", &[site.as_bytes(), voter.as_bytes()])[..16])
    }

    /// The avatar seed of an author key (or of one comment without one):
    /// stable for it, revealing nothing, and never made from an email.
    pub fn avatar_seed(&self, who: &str) -> String {
        hex(&self.mac("avatar", &[who.as_bytes()])[..10])
    }
}

impl Keys {
    /// The signature of an emailed link's parts.
    pub fn link_signature(&self, parts: &[&str]) -> String {
        let parts: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
        B64.encode(&self.mac("link", &parts)[..16])
    }

    /// Whether `signature` is the one [`Keys::link_signature`] gives.
    pub fn check_link_signature(&self, parts: &[&str], signature: &str) -> bool {
        constant_time_eq(self.link_signature(parts).as_bytes(), signature.as_bytes())
    }

    /// The stored form of an email address: a keyed hash of its lower case.
    pub fn email_hash(&self, email: &str) -> String {
        hex(&self.mac("email", &[email.trim().to_lowercase().as_bytes()])[..16])
    }

    /// Signs a webhook body: hex HMAC-SHA256 of `timestamp.body` with the
    /// webhook's own secret.
    pub fn webhook_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac =
            HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        hex(&mac.finalize().into_bytes())
    }

    /// The CSRF token of an admin session, derived from it so nothing more is stored.
    pub fn csrf_token(&self, session_hash: &str) -> String {
        B64.encode(&self.mac("csrf", &[session_hash.as_bytes()])[..18])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_keyed() {
        let a = Keys::new(b"a".to_vec());
        let b = Keys::new(b"b".to_vec());
        assert_ne!(a.ip_hash("1.2.3.4"), b.ip_hash("1.2.3.4"));
        assert_eq!(a.ip_hash("1.2.3.4"), a.ip_hash("1.2.3.4"));
        assert!(!a.ip_hash("1.2.3.4").contains("1.2.3.4"));
        assert_ne!(a.author_key("blog", "v1"), a.author_key("other", "v1"));
        assert_ne!(a.author_key("blog", "v1"), b.author_key("blog", "v1"));
        let (tok, hash) = new_token();
        assert_eq!(hash_token(&tok), hash);
        assert_ne!(tok, hash);
    }
}
