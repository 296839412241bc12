//! When and how long to wait before resending an idempotent request. Pure logic.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Retry settings for idempotent requests (GET).
///
/// GET requests are retried on connect errors, timeouts, broken connections and the
/// statuses 429, 502, 503 and 504, with exponential backoff and jitter; a `Retry-After`
/// header (in seconds) is honoured up to [`RetryPolicy::max_retry_after`].
///
/// Only GET: HEAD, POST, PUT, DELETE and every other method are **never** resent
/// automatically (a renew order or a payment could happen twice), and neither is a
/// request answered with a redirect (3xx, never followed) or a too-large answer. Whether
/// a request may be resent is the call's
/// ([`Call::is_idempotent`](crate::ops::Call::is_idempotent), today exactly the GETs);
/// [`OvhClient::call`](crate::OvhClient::call),
/// [`call_with_body`](crate::OvhClient::call_with_body) and
/// [`raw_call`](crate::OvhClient::raw_call) resend GETs only. Below this policy nothing is
/// replayed either: the crate's `reqwest::Client` has `retry(reqwest::retry::never())`,
/// so an HTTP/2 `REFUSED_STREAM` or `GOAWAY` does not resend a request behind its back. The two exceptions are answers OVH sends before processing
/// anything: `QUERY_TIME_OUT`, after which the client syncs its clock once and resends
/// once, and a `401` to an OAuth2 bearer token, after which it fetches a new token once
/// and resends once.
///
/// ```
/// use std::time::Duration;
/// use ovh_renew::RetryPolicy;
/// let default = RetryPolicy::default();
/// assert_eq!(default.max_retries, 2);
/// let off = RetryPolicy::none();
/// assert_eq!(off.max_retries, 0);
/// let custom = RetryPolicy::default().max_retries(4).initial_backoff(Duration::from_millis(50));
/// assert_eq!(custom.max_retries, 4);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Resends after the first attempt (default 2; 0 turns retries off).
    pub max_retries: u32,
    /// Backoff before the first resend (default 200 ms); doubled each time.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff (default 5 s).
    pub max_backoff: Duration,
    /// Upper bound on a server's `Retry-After` (default 30 s).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Sets [`RetryPolicy::max_retries`].
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets [`RetryPolicy::initial_backoff`].
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// Sets [`RetryPolicy::max_backoff`].
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// Sets [`RetryPolicy::max_retry_after`].
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// The wait before resend number `retry` (1-based), given a server's `Retry-After`
    /// header value if any. `jitter` is a number in `[0, 1)`.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<&str>, jitter: f64) -> Duration {
        if let Some(secs) = retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
            return Duration::from_secs(secs).min(self.max_retry_after);
        }
        let exp = retry.saturating_sub(1).min(20);
        let full = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        // "Equal jitter": between half and all of the backoff.
        full.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }
}

/// Whether a status is worth resending an idempotent request for.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// A cheap, lock-free pseudo-random number in `[0, 1)` for jitter (not for anything secret).
pub(crate) fn jitter() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ seed;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_bounds_and_jitter() {
        let p = RetryPolicy::default();
        let table = [
            (1, 0.0, 100),
            (1, 0.999_999, 200),
            (2, 0.0, 200),
            (3, 0.0, 400),
            (30, 0.0, 2500),
            (30, 0.999_999, 5000),
        ];
        for (retry, j, expected_ms) in table {
            let d = p.delay(retry, None, j).as_millis();
            assert!(
                d.abs_diff(expected_ms) <= 1,
                "retry {retry} jitter {j}: {d}"
            );
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, Some("3"), 0.5), Duration::from_secs(3));
        assert_eq!(p.delay(1, Some("3600"), 0.5), Duration::from_secs(30));
        // An HTTP date or garbage falls back to backoff.
        assert!(p.delay(1, Some("Wed, 21 Oct 2015 07:28:00 GMT"), 0.0) < Duration::from_secs(1));
    }

    #[test]
    fn only_throttling_and_gateway_statuses_are_retryable() {
        for s in [429, 502, 503, 504] {
            assert!(retryable_status(s));
        }
        for s in [200, 400, 401, 403, 404, 409, 460, 500, 501] {
            assert!(!retryable_status(s));
        }
    }

    #[test]
    fn jitter_stays_in_range() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}
