//! How the outbox retries (`[outbox]`): the wait doubles after each failed
//! try, from `first_retry` up to `max_retry`, and after `attempts` tries
//! the item is dead. A delivery that fails says whether a retry could help.

use crate::domain::UnixTime;
use std::time::Duration;

/// The retry policy of the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outbox {
    /// The wait after the first failed try.
    pub first_retry: Duration,
    /// The longest wait between tries.
    pub max_retry: Duration,
    /// How many tries an item gets before it is dead.
    pub attempts: u32,
}

impl Default for Outbox {
    fn default() -> Self {
        Outbox {
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_secs(3600),
            attempts: 10,
        }
    }
}

/// When to try again after `attempts` failed tries, or None when that was the last.
pub fn retry_at(policy: &Outbox, attempts: u32, now: UnixTime) -> Option<UnixTime> {
    if attempts >= policy.attempts {
        return None;
    }
    let wait = policy
        .first_retry
        .saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1).min(20)))
        .min(policy.max_retry);
    Some(now + wait.as_secs_f64().ceil() as i64)
}

/// Why one delivery failed.
pub(super) struct Failed {
    pub(super) message: String,
    /// Whether trying again could help.
    pub(super) retry: bool,
}

impl Failed {
    /// A failure that a later try may not have.
    pub(super) fn again(message: impl ToString) -> Failed {
        Failed {
            message: message.to_string(),
            retry: true,
        }
    }

    /// A failure every later try would have too.
    pub(super) fn never(message: impl ToString) -> Failed {
        Failed {
            message: message.to_string(),
            retry: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_a_cap_and_end() {
        let p = Outbox {
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_secs(100),
            attempts: 5,
        };
        assert_eq!(retry_at(&p, 1, 0), Some(30));
        assert_eq!(retry_at(&p, 2, 0), Some(60));
        assert_eq!(retry_at(&p, 3, 0), Some(100));
        assert_eq!(retry_at(&p, 4, 0), Some(100));
        assert_eq!(retry_at(&p, 5, 0), None);
    }
}
