//! The simulator's clock: a start instant chosen by the caller, advancing with real
//! time (or `rate` times faster), and moved at will by tests and `POST /__sim/clock`.

use std::sync::Mutex;
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};

#[derive(Debug)]
pub(crate) struct SimClock {
    anchor: Mutex<(Timestamp, Instant)>,
    /// Simulated seconds per real second.
    rate: f64,
}

impl SimClock {
    pub fn new(start: Option<Timestamp>, rate: f64) -> Self {
        Self {
            anchor: Mutex::new((start.unwrap_or_else(Timestamp::now), Instant::now())),
            rate,
        }
    }

    pub fn now(&self) -> Timestamp {
        let (at, since) = *self.anchor.lock().expect("clock lock");
        let elapsed = since.elapsed().mul_f64(self.rate);
        let elapsed = SignedDuration::try_from(elapsed).unwrap_or(SignedDuration::MAX);
        at.saturating_add(elapsed).unwrap_or(at)
    }

    pub fn set(&self, now: Timestamp) {
        *self.anchor.lock().expect("clock lock") = (now, Instant::now());
    }
}
