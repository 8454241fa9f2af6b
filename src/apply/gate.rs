//! Admission of every API call: the rate limiter, the concurrency bound, and the
//! queue-wide pause after WeCom's quota error (45009).
//!
//! governor cannot change a quota in place, so slowing down swaps the limiter.
//! The limiter's period is 60/rate seconds with a small burst, so that burst plus
//! rate over any 60 s window stays under the quota (governor's `per_minute(n)`
//! would allow a burst of n at once, 2n in the first minute).

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;

use crate::wecom::{ApiError, ErrorClass};

/// Where the queue stands after quota errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Running,
    /// Paused until this instant, after a 45009.
    Paused(Instant),
    /// One call (the probe) is out; the rest wait for its outcome.
    Probing,
}

pub struct Gate {
    limiter: RwLock<Arc<DefaultDirectRateLimiter>>,
    rate: AtomicU32,
    /// What `rate` counts calls over: a minute, WeCom's quota window (tests shrink it).
    window: Duration,
    permits: Arc<Semaphore>,
    concurrency: AtomicU32,
    flow: watch::Sender<Flow>,
    /// Serialises the moves from `Paused` to `Probing`.
    flow_lock: Mutex<()>,
    quota_pause: Duration,
}

/// Leave to make one call; report how it went with [`Ticket::done`].
pub struct Ticket<'g> {
    gate: &'g Gate,
    probe: bool,
    _permit: OwnedSemaphorePermit,
}

/// The window of WeCom's minute quota, which `--rate` counts calls over.
const MINUTE: Duration = Duration::from_secs(60);

/// A burst of about a second's worth, at least 1 and at most 20.
fn burst_for(rate_per_minute: u32) -> u32 {
    (rate_per_minute / 60).clamp(1, 20)
}

/// `rate` calls per `window` (a minute, but for tests), with a burst of a
/// sixtieth of the window's calls: about a second's worth.
fn limiter(rate: u32, window: Duration) -> Arc<DefaultDirectRateLimiter> {
    let period = window.div_f64(f64::from(rate.max(1)));
    let burst = NonZeroU32::new(burst_for(rate)).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst);
    Arc::new(RateLimiter::direct(quota))
}

impl Gate {
    /// `rate`: calls per minute (`None`: no limit). `concurrency`: calls in flight.
    pub fn new(rate: Option<u32>, concurrency: u32, quota_pause: Duration) -> Gate {
        Gate::with_window(rate, MINUTE, concurrency, quota_pause)
    }

    /// `rate` calls per `window` instead of per minute: a scale model of the
    /// minute quota, for tests that cannot wait for minutes.
    pub fn with_window(
        rate: Option<u32>,
        window: Duration,
        concurrency: u32,
        quota_pause: Duration,
    ) -> Gate {
        let rate = rate.unwrap_or(0);
        let concurrency = concurrency.max(1);
        let window = if window.is_zero() { MINUTE } else { window };
        Gate {
            limiter: RwLock::new(limiter(if rate == 0 { u32::MAX / 2 } else { rate }, window)),
            rate: AtomicU32::new(rate),
            window,
            permits: Arc::new(Semaphore::new(concurrency as usize)),
            concurrency: AtomicU32::new(concurrency),
            flow: watch::Sender::new(Flow::Running),
            flow_lock: Mutex::new(()),
            quota_pause,
        }
    }

    pub fn concurrency(&self) -> u32 {
        self.concurrency.load(Ordering::Relaxed)
    }

    pub fn rate(&self) -> Option<u32> {
        Some(self.rate.load(Ordering::Relaxed)).filter(|r| *r > 0)
    }

    /// Waits until a call may go: no pause, a free slot, and the limiter's leave.
    pub async fn admit(&self) -> Ticket<'_> {
        let probe = self.wait_for_flow().await;
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .expect("the gate never closes its semaphore");
        let limiter = Arc::clone(&self.limiter.read().expect("limiter lock"));
        if self.rate.load(Ordering::Relaxed) > 0 {
            limiter.until_ready().await;
        }
        Ticket {
            gate: self,
            probe,
            _permit: permit,
        }
    }

    /// Returns whether this caller is the probe after a pause.
    async fn wait_for_flow(&self) -> bool {
        let mut rx = self.flow.subscribe();
        loop {
            let flow = *rx.borrow_and_update();
            match flow {
                Flow::Running => return false,
                Flow::Paused(until) => {
                    tokio::time::sleep_until(until).await;
                    let _guard = self.flow_lock.lock().expect("flow lock");
                    if *self.flow.borrow() == Flow::Paused(until) {
                        self.flow.send_replace(Flow::Probing);
                        return true;
                    }
                }
                Flow::Probing => {
                    let _ = rx.changed().await;
                }
            }
        }
    }

    fn pause(&self) {
        let until = Instant::now() + self.quota_pause;
        let _guard = self.flow_lock.lock().expect("flow lock");
        // Calls in flight when the quota ran out answer 45009 too: say it once.
        if !matches!(*self.flow.borrow(), Flow::Paused(_)) {
            tracing::warn!(
                "WeCom quota reached (45009): pausing every call for {:?}",
                self.quota_pause
            );
        }
        self.flow.send_replace(Flow::Paused(until));
    }

    /// 45033: fewer calls at once, and a slower pace to go with them.
    fn slow_down(&self) {
        let current = self.concurrency.load(Ordering::Relaxed);
        if current > 1 {
            let lower = current / 2;
            if self
                .concurrency
                .compare_exchange(current, lower, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
            {
                self.permits.forget_permits((current - lower) as usize);
                tracing::warn!(
                    "WeCom refused concurrent calls (45033): concurrency {current} → {lower}"
                );
            }
        }
        let rate = self.rate.load(Ordering::Relaxed);
        if rate > 60 {
            let slower = rate * 3 / 4;
            self.rate.store(slower, Ordering::Relaxed);
            *self.limiter.write().expect("limiter lock") = limiter(slower, self.window);
        }
    }
}

impl Ticket<'_> {
    /// Reports the outcome, so that quota and concurrency errors act on the whole queue.
    pub fn done<T>(self, result: &Result<T, ApiError>) {
        let class = result.as_ref().err().map(ApiError::class);
        match class {
            Some(ErrorClass::Quota) => self.gate.pause(),
            Some(ErrorClass::Concurrency) => {
                self.gate.slow_down();
                self.release_probe();
            }
            _ => self.release_probe(),
        }
    }

    fn release_probe(&self) {
        if self.probe {
            let _guard = self.gate.flow_lock.lock().expect("flow lock");
            if *self.gate.flow.borrow() == Flow::Probing {
                self.gate.flow.send_replace(Flow::Running);
            }
        }
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        // A probe dropped without `done` (a task stopped) must not leave the queue waiting.
        self.release_probe();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_is_about_a_second_of_calls() {
        assert_eq!(burst_for(600), 10);
        assert_eq!(burst_for(30), 1);
        assert_eq!(burst_for(10_000), 20);
    }

    #[tokio::test(start_paused = true)]
    async fn a_quota_error_pauses_everyone_until_a_probe_succeeds() {
        let gate = Gate::new(None, 4, Duration::from_secs(60));
        let t = gate.admit().await;
        let quota: Result<(), ApiError> = Err(ApiError::Errcode {
            api: "living/create",
            errcode: 45009,
            meaning: "",
            errmsg: String::new(),
        });
        t.done(&quota);
        let start = Instant::now();
        let probe = gate.admit().await;
        assert!(probe.probe);
        assert!(Instant::now() - start >= Duration::from_secs(60));
        // While the probe is out, others wait.
        let waiting = tokio::time::timeout(Duration::from_secs(5), gate.admit()).await;
        assert!(waiting.is_err());
        probe.done(&Ok::<(), ApiError>(()));
        let after = gate.admit().await;
        assert!(!after.probe);
    }

    #[tokio::test]
    async fn a_concurrency_error_halves_the_calls_in_flight() {
        let gate = Gate::new(Some(600), 8, Duration::from_secs(60));
        let t = gate.admit().await;
        t.done(&Err::<(), ApiError>(ApiError::Errcode {
            api: "living/create",
            errcode: 45033,
            meaning: "",
            errmsg: String::new(),
        }));
        assert_eq!(gate.concurrency(), 4);
        assert_eq!(gate.rate(), Some(450));
    }
}
