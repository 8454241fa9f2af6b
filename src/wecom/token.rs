//! The access-token cache: fetched lazily, renewed early, and renewed by one task at a time.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::{ApiError, Secret};

/// A token as `gettoken` returned it.
pub(crate) struct Fetched {
    pub token: Secret,
    pub expires_in: Duration,
}

/// A token handed to one call, with the generation it belongs to.
pub(crate) struct Lease {
    pub token: Secret,
    pub generation: u64,
}

#[derive(Default)]
pub(crate) struct TokenCache {
    // Held across the `gettoken` await on purpose: callers that need a token while
    // one is being fetched wait for that fetch instead of starting their own.
    state: Mutex<State>,
    /// Fetches finished; read before queueing for the lock, so that callers who queued
    /// behind a failed fetch share its error instead of each trying again in turn.
    finished: AtomicU64,
}

#[derive(Default)]
struct State {
    current: Option<Cached>,
    /// Bumped on each fetch, so that many callers refused with the same stale
    /// token cause one renewal, not one each.
    generation: u64,
    /// Set once the credentials are refused: asking again could get the IP blocked.
    refused: Option<(i64, &'static str)>,
    /// The error of the latest fetch, if it failed.
    failure: Option<ApiError>,
}

struct Cached {
    token: Secret,
    renew_at: Instant,
}

impl TokenCache {
    /// The cached token, fetching one if there is none or it is about to expire.
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<Lease, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Fetched, ApiError>>,
    {
        let seen = self.finished.load(Ordering::SeqCst);
        let mut state = self.state.lock().await;
        if let Some(lease) = state.fresh() {
            return Ok(lease);
        }
        self.fetch_once(&mut state, seen, fetch).await
    }

    /// A token newer than `stale`, which WeCom just refused.
    pub async fn renew<F, Fut>(&self, stale: u64, fetch: F) -> Result<Lease, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Fetched, ApiError>>,
    {
        let seen = self.finished.load(Ordering::SeqCst);
        let mut state = self.state.lock().await;
        if state.generation == stale {
            state.current = None;
        }
        if let Some(lease) = state.fresh() {
            return Ok(lease);
        }
        self.fetch_once(&mut state, seen, fetch).await
    }

    /// Fetches, unless a fetch failed while this caller waited for the lock.
    async fn fetch_once<F, Fut>(
        &self,
        state: &mut State,
        seen: u64,
        fetch: F,
    ) -> Result<Lease, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Fetched, ApiError>>,
    {
        if self.finished.load(Ordering::SeqCst) != seen
            && let Some(failure) = &state.failure
        {
            return Err(failure.clone());
        }
        let result = state.fetch(fetch).await;
        state.failure = result.as_ref().err().cloned();
        self.finished.fetch_add(1, Ordering::SeqCst);
        result
    }
}

impl State {
    fn fresh(&self) -> Option<Lease> {
        let cached = self.current.as_ref()?;
        (Instant::now() < cached.renew_at).then(|| Lease {
            token: cached.token.clone(),
            generation: self.generation,
        })
    }

    async fn fetch<F, Fut>(&mut self, fetch: F) -> Result<Lease, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Fetched, ApiError>>,
    {
        if let Some((errcode, meaning)) = self.refused {
            return Err(ApiError::Credentials { errcode, meaning });
        }
        match fetch().await {
            Ok(fetched) => {
                self.generation += 1;
                self.current = Some(Cached {
                    token: fetched.token.clone(),
                    renew_at: Instant::now() + early(fetched.expires_in),
                });
                Ok(Lease {
                    token: fetched.token,
                    generation: self.generation,
                })
            }
            Err(ApiError::Credentials { errcode, meaning }) => {
                self.refused = Some((errcode, meaning));
                Err(ApiError::Credentials { errcode, meaning })
            }
            Err(other) => Err(other),
        }
    }
}

/// How long to use a token: up to five minutes short of its lifetime, so that a
/// call never starts with a token about to lapse.
fn early(expires_in: Duration) -> Duration {
    let margin = (expires_in / 4).min(Duration::from_secs(300));
    expires_in - margin
}

#[cfg(test)]
mod tests {
    use super::early;
    use std::time::Duration;

    #[test]
    fn renews_early() {
        assert_eq!(early(Duration::from_secs(7200)), Duration::from_secs(6900));
        assert_eq!(early(Duration::from_secs(60)), Duration::from_secs(45));
        assert_eq!(early(Duration::ZERO), Duration::ZERO);
    }
}
