//! The state every handler shares: configuration, clock, world, and calls in flight.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::watch;

use super::api::Api;
use super::clock::SimClock;
use super::config::SimConfig;
use super::error::SimError;
use super::listener::Conn;
use super::persist::{self, Saved};
use super::reply::failure;
use super::state::World;
use super::stats::SimStats;

/// State shared by every handler.
pub(crate) struct Sim {
    pub config: SimConfig,
    pub clock: SimClock,
    pub world: Mutex<World>,
    pub in_flight: AtomicU64,
    /// Which business calls wait after being counted in flight (a test hook).
    pub held: watch::Sender<Hold>,
    pub stopping: watch::Sender<bool>,
}

/// Which business calls (never `gettoken`) wait at the simulator until released: a test
/// hook, so that a test stops a client at a known point instead of racing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hold {
    /// None.
    Off,
    /// Every business call, or only those to this API.
    Calls(Option<&'static str>),
    /// Every business call after the first `n` to arrive since the simulator started.
    After(u64),
}

impl Hold {
    /// Whether the `ordinal`th business call to arrive, a call to `api`, waits.
    fn holds(self, api: Api, ordinal: u64) -> bool {
        match self {
            Self::Off => false,
            Self::Calls(only) => only.is_none_or(|only| only == api.path()),
            Self::After(n) => ordinal > n,
        }
    }
}

/// Counts a call in flight until dropped.
pub(crate) struct Flight<'a> {
    sim: &'a Sim,
    /// Calls in flight including this one.
    pub count: u64,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        self.sim.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Sim {
    pub fn with_world<T>(&self, f: impl FnOnce(&mut World) -> T) -> T {
        f(&mut self.world.lock().expect("world lock"))
    }

    /// Counts a call as it arrives; for a business call, its ordinal among those that
    /// arrived since the simulator started (0 for `gettoken`).
    pub fn record_call(&self, api: Api) -> u64 {
        self.with_world(|w| {
            // Read under the lock, so that the windows get their hits in time order: a
            // time read before waiting for the lock could be older than one pushed
            // meanwhile, and then outlive its second at the window's back.
            let now_ms = self.clock.now().as_millisecond();
            *w.stats.calls.entry(api.path().to_owned()).or_default() += 1;
            if api != Api::GetToken {
                w.business_arrivals += 1;
            }
            let second = w.last_second.push(now_ms) as u64;
            let minute = w.last_minute.push(now_ms) as u64;
            w.stats.peak_calls_per_second = w.stats.peak_calls_per_second.max(second);
            w.stats.peak_calls_per_minute = w.stats.peak_calls_per_minute.max(minute);
            if api == Api::GetToken {
                0
            } else {
                w.business_arrivals
            }
        })
    }

    pub fn enter(&self) -> Flight<'_> {
        let count = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.with_world(|w| w.stats.peak_in_flight = w.stats.peak_in_flight.max(count));
        Flight { sim: self, count }
    }

    pub fn error_reply(&self, api: Api, conn: &Conn, errcode: i64) -> axum::response::Response {
        use axum::response::IntoResponse;
        let now = self.clock.now().as_second();
        let body = self.with_world(|w| {
            w.reject(errcode);
            failure(api, errcode, &w.hint(now), conn.remote.ip())
        });
        axum::Json(body).into_response()
    }

    /// Waits while the [`Hold`] holds this call: the `ordinal`th business call, to `api`.
    /// The token fetch never waits.
    pub async fn wait_until_released(&self, api: Api, ordinal: u64) {
        if api == Api::GetToken {
            return;
        }
        let mut held = self.held.subscribe();
        let mut stopping = self.stopping.subscribe();
        tokio::select! {
            _ = held.wait_for(|hold| !hold.holds(api, ordinal)) => {}
            _ = stopping.wait_for(|stop| *stop) => {}
        }
    }

    pub async fn sleep_unless_shutdown(&self, delay: Duration) {
        let mut stopping = self.stopping.subscribe();
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            _ = stopping.wait_for(|stop| *stop) => {}
        }
    }

    /// Moves the clock; it keeps advancing with real time from there.
    pub fn set_now(&self, now: jiff::Timestamp) {
        self.clock.set(now);
        self.with_world(|w| {
            // Windows measured on the old clock would be meaningless on the new one.
            w.per_api.values_mut().for_each(|window| window.clear());
            w.last_second.clear();
            w.last_minute.clear();
        });
    }

    pub fn stats(&self) -> SimStats {
        let now = self.clock.now().as_second();
        let in_flight = self.in_flight.load(Ordering::SeqCst);
        self.with_world(|w| w.snapshot(now, in_flight, &self.config.course))
    }

    pub fn save(&self) -> Result<(), SimError> {
        let Some(path) = &self.config.state_file else {
            return Ok(());
        };
        let saved = self.with_world(|w| {
            let dirty = std::mem::take(&mut w.dirty);
            dirty.then(|| Saved::of(w))
        });
        match saved {
            Some(saved) => {
                persist::save(path, &saved).inspect_err(|_| self.with_world(|w| w.dirty = true))
            }
            None => Ok(()),
        }
    }
}
