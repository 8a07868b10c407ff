//! What guards admin sign-in besides the per-address rate limit (DESIGN
//! §14): at most [`MAX_HASHES`] password checks at once, each holding about
//! 19 MiB (the rest are refused at once, 503), and a back-off per username
//! after [`FREE_FAILURES`] wrong passwords, whatever address they come from.

use crate::error::Error;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Password checks that may run at once.
pub const MAX_HASHES: usize = 2;
/// Wrong passwords for one username before it has to wait.
pub const FREE_FAILURES: u32 = 5;
/// The first wait; each further failure doubles it, up to [`LONGEST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(15 * 60);
/// Failures older than this are forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(24 * 3600);
/// The most usernames remembered, so that made-up names cannot fill memory.
const REMEMBERED: usize = 10_000;

/// How long a refused client should wait before it tries again.
const BUSY_RETRY_SECONDS: u64 = 1;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// When the username may try again, if it must wait.
    fn paused_until(self) -> Option<Instant> {
        let over = self.count.checked_sub(FREE_FAILURES)?;
        let pause = FIRST_PAUSE
            .checked_mul(1u32.checked_shl(over).unwrap_or(u32::MAX))
            .map_or(LONGEST_PAUSE, |p| p.min(LONGEST_PAUSE));
        Some(self.last + pause)
    }
}

/// The sign-in guards of a running server.
pub struct SignIn {
    hashes: Arc<Semaphore>,
    failures: Mutex<HashMap<String, Failures>>,
}

impl Default for SignIn {
    fn default() -> Self {
        SignIn {
            hashes: Arc::new(Semaphore::new(MAX_HASHES)),
            failures: Mutex::default(),
        }
    }
}

/// Usernames are compared as typed, ignoring case and outer spaces; no
/// username is longer than 64 characters, so no key needs to be either.
fn key(username: &str) -> String {
    username
        .trim()
        .chars()
        .take(64)
        .collect::<String>()
        .to_lowercase()
}

impl SignIn {
    /// Refuses a username that must still wait after wrong passwords.
    pub fn check(&self, username: &str) -> Result<(), Error> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(until) = failures.get(&key(username)).and_then(|f| f.paused_until()) else {
            return Ok(());
        };
        let wait = until.saturating_duration_since(Instant::now());
        if wait.is_zero() {
            return Ok(());
        }
        Err(Error::SignInPaused {
            username: username.trim().to_string(),
            retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
        })
    }

    /// A place among the password checks running now, or 503 at once.
    pub fn hash_permit(&self) -> Result<OwnedSemaphorePermit, Error> {
        self.hashes
            .clone()
            .try_acquire_owned()
            .map_err(|_| Error::Busy {
                retry_after: BUSY_RETRY_SECONDS,
            })
    }

    /// Counts a wrong password (or unknown username).
    pub fn failed(&self, username: &str) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let key = key(username);
        if failures.len() >= REMEMBERED && !failures.contains_key(&key) {
            failures.retain(|_, f| {
                now.duration_since(f.last) < FORGET_AFTER
                    && f.paused_until().is_some_and(|until| until > now)
            });
            if failures.len() >= REMEMBERED {
                return;
            }
        }
        let f = failures.entry(key).or_insert(Failures {
            count: 0,
            last: now,
        });
        if now.duration_since(f.last) >= FORGET_AFTER {
            f.count = 0;
        }
        f.count = f.count.saturating_add(1);
        f.last = now;
    }

    /// A right password clears the username's failures.
    pub fn succeeded(&self, username: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&key(username));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_after_the_free_failures_and_stop_growing() {
        let s = SignIn::default();
        for _ in 0..FREE_FAILURES {
            assert!(s.check("Editor").is_ok());
            s.failed("editor");
        }
        let wait = |s: &SignIn| match s.check(" EDITOR ") {
            Err(Error::SignInPaused { retry_after, .. }) => retry_after,
            other => panic!("expected a pause, got {other:?}"),
        };
        assert_eq!(wait(&s), 1);
        s.failed("editor");
        assert_eq!(wait(&s), 2);
        for _ in 0..40 {
            s.failed("editor");
        }
        assert_eq!(wait(&s), LONGEST_PAUSE.as_secs());
        assert!(s.check("admin").is_ok());
        s.succeeded("Editor");
        assert!(s.check("editor").is_ok());
    }

    #[test]
    fn only_so_many_checks_run_at_once() {
        let s = SignIn::default();
        let held: Vec<_> = (0..MAX_HASHES).map(|_| s.hash_permit().unwrap()).collect();
        assert!(matches!(s.hash_permit(), Err(Error::Busy { .. })));
        drop(held);
        assert!(s.hash_permit().is_ok());
    }
}
