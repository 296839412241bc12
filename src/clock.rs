//! The server-time delta, fetched lazily once per client and shared by its clones.

use std::future::Future;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::Error;

/// `server − local` in seconds, with a generation counter (0 = never fetched).
///
/// Reading is lock-free; fetching takes a lock so that concurrent first calls share one
/// `GET /auth/time` and its outcome: callers that waited on a fetch that failed get its
/// error rather than fetching again each (40 callers behind a failing endpoint cost one
/// fetch with its retries, not 40). A failure is not cached: a call that starts after it
/// fetches again.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    delta: AtomicI64,
    generation: AtomicU64,
    /// Fetches completed (success or failure), read before waiting on the lock.
    fetches: AtomicU64,
    /// The number of the last fetch if it failed, and its error.
    fetch_lock: tokio::sync::Mutex<Option<(u64, Error)>>,
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
        let seen = self.fetches.load(Ordering::Acquire);
        let mut failure = self.fetch_lock.lock().await;
        if let Some(known) = self.known() {
            return Ok(known);
        }
        self.fetch_once(seen, &mut failure, fetch).await
    }

    /// Fetches the delta again, unless another task already did since `seen_generation`
    /// (or tried, while this one waited, and failed: then its error).
    pub(crate) async fn resync<F, Fut>(&self, seen_generation: u64, fetch: F) -> Result<(), Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<i64, Error>>,
    {
        let seen = self.fetches.load(Ordering::Acquire);
        let mut failure = self.fetch_lock.lock().await;
        if self.generation.load(Ordering::Acquire) != seen_generation {
            return Ok(());
        }
        self.fetch_once(seen, &mut failure, fetch).await.map(|_| ())
    }

    /// With the lock held: the error of a fetch that completed after `seen` (one this
    /// caller waited on), or a new fetch, whose failure is kept for those waiting.
    async fn fetch_once<F, Fut>(
        &self,
        seen: u64,
        failure: &mut Option<(u64, Error)>,
        fetch: F,
    ) -> Result<(i64, u64), Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<i64, Error>>,
    {
        if let Some((number, error)) = failure.as_ref() {
            if *number > seen {
                return Err(error.duplicate());
            }
        }
        let number = self.fetches.load(Ordering::Acquire) + 1;
        let outcome = fetch().await;
        let result = match outcome {
            Ok(server_time) => {
                *failure = None;
                Ok(self.store(server_time))
            }
            Err(e) => {
                let e = e.into_shared();
                *failure = Some((number, e.duplicate()));
                Err(e)
            }
        };
        self.fetches.store(number, Ordering::Release);
        result
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

    /// Stores the delta to `server_time` and returns it with its new generation.
    fn store(&self, server_time: i64) -> (i64, u64) {
        let delta = server_time.saturating_sub(local_unix());
        self.delta.store(delta, Ordering::Relaxed);
        (delta, self.generation.fetch_add(1, Ordering::Release) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Callers queued behind a failing fetch get its error; a caller that comes after
    /// it fetches again.
    #[tokio::test]
    async fn waiters_share_the_outcome_of_the_fetch_they_waited_on() {
        let clock = std::sync::Arc::new(Clock::default());
        let calls = std::sync::Arc::new(AtomicUsize::new(0));
        let (release, hold) = tokio::sync::oneshot::channel::<()>();
        let first = {
            let (clock, calls) = (clock.clone(), calls.clone());
            tokio::spawn(async move {
                clock
                    .delta(|| async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        let _ = hold.await;
                        Err::<i64, _>(Error::from(crate::error::RefusedRequest::new(
                            crate::error::RequestProblem::Unsupported,
                            "boom",
                        )))
                    })
                    .await
            })
        };
        // Wait until the first fetch runs (it holds the lock), then queue 9 callers.
        while calls.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        let waiters: Vec<_> = (0..9)
            .map(|_| {
                let (clock, calls) = (clock.clone(), calls.clone());
                tokio::spawn(async move {
                    clock
                        .delta(|| async move {
                            calls.fetch_add(1, Ordering::SeqCst);
                            Ok(local_unix())
                        })
                        .await
                })
            })
            .collect();
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        release.send(()).unwrap();
        assert!(first.await.unwrap().is_err());
        for w in waiters {
            let err = w.await.unwrap().unwrap_err();
            assert_eq!(err.to_string(), "invalid request, nothing was sent: boom");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(clock.cached(), None);
        // Later: a new fetch.
        clock.delta(|| async { Ok(local_unix()) }).await.unwrap();
        assert!(clock.cached().is_some());
    }

    #[tokio::test]
    async fn fetches_once_keeps_sign_and_does_not_cache_failures() {
        let clock = Clock::default();
        let calls = AtomicUsize::new(0);
        let err = clock
            .delta(|| async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err::<i64, _>(Error::from(crate::error::RefusedRequest::new(
                    crate::error::RequestProblem::Unsupported,
                    "boom",
                )))
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
