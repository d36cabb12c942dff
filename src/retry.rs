//! When and how long to wait before another attempt: exponential backoff with jitter,
//! `Retry-After` honoured, the total wait capped.

use std::time::Duration;

/// Retry settings. Connection errors, timeouts, resets and 5xx answers are retried; 4xx never.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts after the first (default 4: five attempts, like the reference client).
    pub retries: u32,
    /// The first delay; each further one doubles (default 2 s).
    pub delay: Duration,
    /// Upper bound of a single delay (default 60 s).
    pub max_delay: Duration,
    /// Upper bound of all delays of one request together (default 5 min).
    pub max_total_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: 4,
            delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
            max_total_wait: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// A single attempt.
    pub fn none() -> Self {
        RetryPolicy {
            retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Total number of attempts.
    pub fn attempts(&self) -> u32 {
        self.retries.saturating_add(1)
    }

    /// The wait before attempt `next` (2 = first retry), given a server `Retry-After` and the
    /// time already waited; `None` when the budget does not allow another attempt.
    pub fn wait_before(
        &self,
        next: u32,
        retry_after: Option<Duration>,
        waited: Duration,
    ) -> Option<Duration> {
        if next > self.attempts() {
            return None;
        }
        let exponent = next.saturating_sub(2).min(30);
        let base = self
            .delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        // Full jitter in [base/2, base]: spreads retries of many clients hitting one outage.
        let jittered = base.mul_f64(0.5 + fastrand::f64() * 0.5);
        let wait = match retry_after {
            Some(ra) => ra.min(self.max_delay).max(jittered),
            None => jittered,
        };
        let left = self.max_total_wait.checked_sub(waited)?;
        if left.is_zero() && !wait.is_zero() {
            return None;
        }
        Some(wait.min(left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_stops() {
        let p = RetryPolicy::default();
        for _ in 0..50 {
            let w2 = p.wait_before(2, None, Duration::ZERO).unwrap();
            assert!(
                w2 >= Duration::from_secs(1) && w2 <= Duration::from_secs(2),
                "{w2:?}"
            );
            let w4 = p.wait_before(4, None, Duration::ZERO).unwrap();
            assert!(
                w4 >= Duration::from_secs(4) && w4 <= Duration::from_secs(8),
                "{w4:?}"
            );
        }
        assert_eq!(p.wait_before(6, None, Duration::ZERO), None);
    }

    #[test]
    fn retry_after_and_budget() {
        let p = RetryPolicy {
            delay: Duration::from_millis(10),
            ..RetryPolicy::default()
        };
        let w = p
            .wait_before(2, Some(Duration::from_secs(3)), Duration::ZERO)
            .unwrap();
        assert_eq!(w, Duration::from_secs(3));
        let w = p
            .wait_before(2, Some(Duration::from_secs(3)), Duration::from_secs(299))
            .unwrap();
        assert_eq!(w, Duration::from_secs(1));
        assert_eq!(p.wait_before(2, None, Duration::from_secs(300)), None);
    }
}
