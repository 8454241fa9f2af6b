//! The simulator's clock: a start instant chosen by the caller, advancing with real time.

use std::sync::Mutex;
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};

#[derive(Debug)]
pub(crate) struct SimClock {
    anchor: Mutex<(Timestamp, Instant)>,
}

impl SimClock {
    pub fn new(start: Option<Timestamp>) -> Self {
        Self {
            anchor: Mutex::new((start.unwrap_or_else(Timestamp::now), Instant::now())),
        }
    }

    pub fn now(&self) -> Timestamp {
        let (at, since) = *self.anchor.lock().expect("clock lock");
        let elapsed = SignedDuration::try_from(since.elapsed()).unwrap_or(SignedDuration::MAX);
        at.saturating_add(elapsed).unwrap_or(at)
    }

    pub fn set(&self, now: Timestamp) {
        *self.anchor.lock().expect("clock lock") = (now, Instant::now());
    }
}
