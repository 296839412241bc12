//! The server-time delta, fetched lazily once per client and shared by its clones.

use std::future::Future;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::Error;

/// `server − local` in seconds, with a generation counter (0 = never fetched).
///
/// Reading is lock-free; fetching takes a lock so that concurrent first calls share one
/// `GET /auth/time`. A failed fetch is not cached.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    delta: AtomicI64,
    generation: AtomicU64,
    fetch_lock: tokio::sync::Mutex<()>,
}

/// Local Unix time in seconds (negative before 1970, which no real clock is).
pub(crate) fn local_unix() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

impl Clock {
    /// The current delta and its generation, fetching it first if unknown.
    pub(crate) async fn delta<F, Fut>(&self, fetch: F) -> Result<(i64, u64), Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<i64, Error>>,
    {
        if let Some(known) = self.known() {
            return Ok(known);
        }
        let _guard = self.fetch_lock.lock().await;
        if let Some(known) = self.known() {
            return Ok(known);
        }
        self.store(fetch().await?);
        self.known()
            .ok_or_else(|| Error::InvalidRequest("clock state lost".into()))
    }

    /// Fetches the delta again, unless another task already did since `seen_generation`.
    pub(crate) async fn resync<F, Fut>(&self, seen_generation: u64, fetch: F) -> Result<(), Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<i64, Error>>,
    {
        let _guard = self.fetch_lock.lock().await;
        if self.generation.load(Ordering::Acquire) != seen_generation {
            return Ok(());
        }
        self.store(fetch().await?);
        Ok(())
    }

    /// The cached delta, if any.
    pub(crate) fn cached(&self) -> Option<i64> {
        self.known().map(|(d, _)| d)
    }

    fn known(&self) -> Option<(i64, u64)> {
        match self.generation.load(Ordering::Acquire) {
            0 => None,
            g => Some((self.delta.load(Ordering::Relaxed), g)),
        }
    }

    fn store(&self, server_time: i64) {
        let delta = server_time.saturating_sub(local_unix());
        self.delta.store(delta, Ordering::Relaxed);
        self.generation.fetch_add(1, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[tokio::test]
    async fn fetches_once_keeps_sign_and_does_not_cache_failures() {
        let clock = Clock::default();
        let calls = AtomicUsize::new(0);
        let err = clock
            .delta(|| async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err::<i64, _>(Error::InvalidRequest("boom".into()))
            })
            .await;
        assert!(err.is_err());
        assert_eq!(clock.cached(), None);

        let behind = local_unix() - 3600;
        for _ in 0..3 {
            let (d, g) = clock
                .delta(|| async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Ok(behind)
                })
                .await
                .unwrap();
            assert!((-3601..=-3599).contains(&d), "{d}");
            assert_eq!(g, 1);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 2);

        // A resync for an old generation is skipped; for the current one it fetches.
        clock
            .resync(0, || async { Ok(local_unix() + 86_400) })
            .await
            .unwrap();
        assert!(clock.cached().unwrap() < 0);
        clock
            .resync(1, || async { Ok(local_unix() + 86_400) })
            .await
            .unwrap();
        assert!(clock.cached().unwrap() > 86_000);
    }
}
