//! Keyed hashes and tokens. The server's secret never leaves the database;
//! IP addresses, voters and edit tokens are stored only as keyed hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = hmac::Hmac<Sha256>;

/// The server's secret and what it signs.
#[derive(Clone)]
pub struct Keys {
    secret: std::sync::Arc<[u8]>,
}

/// What the signed timing token of a form says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormTiming {
    /// Sent at least the minimum time after the form was loaded.
    Human,
    /// Sent sooner than a person could have written it.
    TooFast,
    /// Missing, forged or more than a day old.
    Invalid,
}

impl Keys {
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

    /// A signed "this form was loaded at `now`".
    pub fn form_token(&self, now: i64) -> String {
        let sig = self.mac("form", &[now.to_string().as_bytes()]);
        format!("{now}.{}", B64.encode(&sig[..16]))
    }

    pub fn check_form_token(&self, token: &str, now: i64, min_seconds: u32) -> FormTiming {
        let Some((t, sig)) = token.split_once('.') else {
            return FormTiming::Invalid;
        };
        let Ok(issued) = t.parse::<i64>() else {
            return FormTiming::Invalid;
        };
        let expected = self.mac("form", &[t.as_bytes()]);
        let Ok(given) = B64.decode(sig) else {
            return FormTiming::Invalid;
        };
        if !constant_time_eq(&given, &expected[..16]) || issued > now + 60 || now - issued > 86_400
        {
            return FormTiming::Invalid;
        }
        if now - issued < i64::from(min_seconds) {
            FormTiming::TooFast
        } else {
            FormTiming::Human
        }
    }
}

impl Keys {
    /// The signature of an emailed link's parts.
    pub fn link_signature(&self, parts: &[&str]) -> String {
        let parts: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
        B64.encode(&self.mac("link", &parts)[..16])
    }

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
}

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

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random source");
    b
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_tokens() {
        let k = Keys::new(b"secret".to_vec());
        let t = k.form_token(1000);
        assert_eq!(k.check_form_token(&t, 1001, 3), FormTiming::TooFast);
        assert_eq!(k.check_form_token(&t, 1003, 3), FormTiming::Human);
        assert_eq!(
            k.check_form_token(&t, 1000 + 90_000, 3),
            FormTiming::Invalid
        );
        assert_eq!(k.check_form_token("999.AAAA", 1003, 3), FormTiming::Invalid);
        let other = Keys::new(b"other".to_vec());
        assert_eq!(other.check_form_token(&t, 1003, 3), FormTiming::Invalid);
    }

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

/// An argon2id hash of a password, in PHC form.
pub fn hash_password(password: &str) -> Result<String, String> {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a password against a stored PHC hash (constant time inside argon2).
pub fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    let Ok(hash) = argon2::password_hash::phc::PasswordHash::new(phc) else {
        return false;
    };
    argon2::Argon2::default()
        .verify_password(password.as_bytes(), &hash)
        .is_ok()
}

impl Keys {
    /// The CSRF token of an admin session, derived from it so nothing more is stored.
    pub fn csrf_token(&self, session_hash: &str) -> String {
        B64.encode(&self.mac("csrf", &[session_hash.as_bytes()])[..18])
    }
}

/// A new random secret for a session cookie or a generated password.
pub fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).expect("the operating system's random source");
    B64.encode(b)
}

#[cfg(test)]
mod password_tests {
    #[test]
    fn passwords() {
        let h = super::hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify_password("correct horse", &h));
        assert!(!super::verify_password("wrong horse", &h));
        assert!(!super::verify_password("x", "not a hash"));
    }
}
