//! Rate limits per client address (DESIGN §4), answered 429 with Retry-After.

use super::client::ClientAddr;
use crate::error::Error;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// What a limit applies to.
#[derive(Debug, Clone, Copy)]
pub enum Bucket {
    /// New comments: a burst of 3, then one per 20 seconds.
    Post,
    /// Votes: 10 a minute.
    Vote,
    /// Reads: 50 a second, bursts of 100.
    Read,
    /// Admin sign-in attempts: 5 a minute.
    Login,
    /// Privacy requests (`POST /privacy`): a burst of 5, then one a minute.
    Privacy,
}

type Limiter = Arc<DefaultKeyedRateLimiter<ClientAddr>>;

/// `Retry-After` in whole seconds: rounded up, and at least 1, since 0
/// tells a client to try again at once (and be refused again).
fn retry_after_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// The limiters, or none when limits are off.
#[derive(Clone)]
pub struct RateLimits {
    inner: Option<Arc<[Limiter; 5]>>,
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).expect("limits are positive")
}

impl RateLimits {
    pub fn new(enabled: bool) -> RateLimits {
        let make = |q: Quota| Arc::new(RateLimiter::keyed(q));
        let inner = enabled.then(|| {
            Arc::new([
                make(
                    Quota::with_period(Duration::from_secs(20))
                        .expect("non-zero")
                        .allow_burst(nz(3)),
                ),
                make(Quota::per_minute(nz(10))),
                make(Quota::per_second(nz(50)).allow_burst(nz(100))),
                make(Quota::per_minute(nz(5))),
                make(Quota::per_minute(nz(1)).allow_burst(nz(5))),
            ])
        });
        RateLimits { inner }
    }

    /// Counts one request of `kind` from `client` (its limiting key), or
    /// says how long to wait.
    pub fn check(&self, kind: Bucket, client: ClientAddr) -> Result<(), Error> {
        let Some(limiters) = &self.inner else {
            return Ok(());
        };
        let limiter = &limiters[kind as usize];
        limiter.check_key(&client).map_err(|not_until| {
            // The limiter's own clock: another clock's "now" may already be
            // past the moment it names.
            let wait = not_until.wait_time_from(limiter.clock().now());
            Error::RateLimited {
                retry_after: retry_after_seconds(wait),
            }
        })
    }

    /// Forgets clients whose limits have refilled, so memory stays bounded.
    pub fn prune(&self) {
        if let Some(limiters) = &self.inner {
            for l in limiters.iter() {
                l.retain_recent();
                l.shrink_to_fit();
            }
        }
    }

    /// How many clients the limiters remember.
    pub fn len(&self) -> usize {
        self.inner
            .as_ref()
            .map_or(0, |ls| ls.iter().map(|l| l.len()).sum())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    #[test]
    fn posts_burst_then_wait() {
        let limits = RateLimits::new(true);
        let ip = ClientAddr::Ip("192.0.2.1".parse().unwrap());
        for _ in 0..3 {
            limits.check(Bucket::Post, ip).unwrap();
        }
        match limits.check(Bucket::Post, ip) {
            Err(Error::RateLimited { retry_after }) => assert!((1..=20).contains(&retry_after)),
            other => panic!("expected a limit, got {other:?}"),
        }
        // Another client is not affected.
        limits
            .check(Bucket::Post, ClientAddr::Ip("192.0.2.2".parse().unwrap()))
            .unwrap();
        assert_eq!(limits.len(), 2);
        assert!(RateLimits::new(false).check(Bucket::Post, ip).is_ok());
    }

    #[test]
    fn retry_after_is_whole_seconds_and_never_zero() {
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(20)), 1);
        assert_eq!(retry_after_seconds(Duration::from_secs(3)), 3);
        assert_eq!(retry_after_seconds(Duration::from_millis(3001)), 4);
    }

    #[test]
    fn unknown_clients_share_one_limit() {
        let limits = RateLimits::new(true);
        for _ in 0..3 {
            limits.check(Bucket::Post, ClientAddr::Unknown).unwrap();
        }
        assert!(limits.check(Bucket::Post, ClientAddr::Unknown).is_err());
    }

    #[test]
    fn pruning_forgets_clients_whose_limits_refilled() {
        let limits = RateLimits::new(true);
        for i in 0..50u8 {
            limits
                .check(Bucket::Read, IpAddr::from([192, 0, 2, i]).into())
                .unwrap();
        }
        assert_eq!(limits.len(), 50);
        // One read refills in 20 ms at 50 a second.
        std::thread::sleep(Duration::from_millis(60));
        limits.prune();
        assert_eq!(limits.len(), 0);
    }
}
