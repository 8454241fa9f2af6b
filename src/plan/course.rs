//! What the last `refresh` saw of a live: its normal course (running, held,
//! expired at its time) or drift (what nobody scheduled).

use serde::Serialize;
use serde_json::Value;

use super::changes::{MODIFIABLE, REPLACING};
use crate::ledger::KeyState;
use crate::wecom::types::status;

/// How far from its scheduled start a live may start and still be on time: a
/// late anchor is its normal course, a live held hours away from its slot is not.
pub const ON_TIME_SECONDS: i64 = 30 * 60;

/// A live's normal course, as the last refresh (or attendance read) saw it: it
/// started at its time and is running, ended (held), or was never started (expired).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Course {
    Running,
    Held,
    Expired,
}

impl Course {
    pub fn name(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Held => "held",
            Self::Expired => "expired",
        }
    }

    /// The course a WeCom status means, when it is one.
    pub fn of_status(status: u8) -> Option<Course> {
        match status {
            status::LIVE => Some(Self::Running),
            status::ENDED => Some(Self::Held),
            status::EXPIRED => Some(Self::Expired),
            _ => None,
        }
    }
}

/// Whether a live that started at `actual` (unix seconds) was far from its
/// scheduled start: something nobody scheduled.
pub fn off_schedule(actual: i64, scheduled: i64) -> bool {
    (actual - scheduled).abs() > ON_TIME_SECONDS
}

/// WeCom's status from the last `refresh`, when it came after our last step on the live.
fn seen_status(k: &KeyState) -> Option<u8> {
    let seen = k.refreshed_at()?;
    if seen < k.last_at() && k.last().is_lifecycle() {
        return None;
    }
    k.status()
}

/// Whether the live the refresh saw started far from its scheduled start.
fn started_off_schedule(k: &KeyState) -> bool {
    let Some(actual) = k.actual() else {
        return false;
    };
    let scheduled = k
        .observed()
        .or(k.request())
        .and_then(|r| r.value().get("living_start").and_then(Value::as_i64));
    scheduled.is_some_and(|s| off_schedule(actual.living_start, s))
}

/// What the last `refresh` saw of a live's normal course: running, held or
/// expired at its time. A live that started far from its time is drift instead.
pub fn course(k: &KeyState) -> Option<Course> {
    let course = Course::of_status(seen_status(k)?)?;
    let off = course != Course::Expired && started_off_schedule(k);
    (!off).then_some(course)
}

/// What the last `refresh` found in WeCom that nobody scheduled, when it came
/// after our last step on the live and differs from the ledger: "cancelled
/// outside", "modified outside" or "started off schedule" (far from its time).
/// A live that started, ended or expired at its time is its [`course`], not drift.
pub fn drift(k: &KeyState) -> Option<&'static str> {
    match seen_status(k)? {
        status::CANCELLED => Some("cancelled outside"),
        status::LIVE | status::ENDED if started_off_schedule(k) => Some("started off schedule"),
        status::LIVE | status::ENDED | status::EXPIRED => None,
        _ => {
            let (seen, ours) = (k.observed()?.value(), k.request()?.value());
            let changed = MODIFIABLE
                .iter()
                .chain(&REPLACING)
                .any(|f| seen.get(*f).is_some() && seen.get(*f) != ours.get(*f));
            changed.then_some("modified outside")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Actual, Event, LedgerState, Record};
    use jiff::Timestamp;

    /// A live created for 10:00 and refreshed with `status`, having started at `started`.
    fn seen(status: u8, started: Option<i64>) -> KeyState {
        let t = Timestamp::UNIX_EPOCH;
        let body =
            serde_json::json!({ "theme": "T", "living_start": 36_000, "living_duration": 3600 });
        let state = LedgerState::from_records(&[
            Record::new("k", Event::Created, t)
                .with_livingid("L")
                .with_request(body.clone()),
            Record::new("k", Event::Refreshed, t)
                .with_livingid("L")
                .with_status(status)
                .with_actual(started.map(|s| Actual {
                    living_start: s,
                    living_duration: 3000,
                }))
                .with_request(body),
        ]);
        state.get("k").unwrap().clone()
    }

    #[test]
    fn a_live_that_ran_at_its_time_is_its_course_and_far_from_it_is_drift() {
        let late = seen(status::ENDED, Some(36_000 + 20 * 60));
        assert_eq!((course(&late), drift(&late)), (Some(Course::Held), None));
        let running = seen(status::LIVE, Some(36_000));
        assert_eq!(course(&running), Some(Course::Running));
        let expired = seen(status::EXPIRED, None);
        assert_eq!(
            (course(&expired), drift(&expired)),
            (Some(Course::Expired), None)
        );
        let hours_off = seen(status::ENDED, Some(36_000 + 3 * 3600));
        assert_eq!(course(&hours_off), None);
        assert_eq!(drift(&hours_off), Some("started off schedule"));
        let early = seen(status::LIVE, Some(36_000 - 2 * 3600));
        assert_eq!(drift(&early), Some("started off schedule"));
        assert_eq!(
            drift(&seen(status::CANCELLED, None)),
            Some("cancelled outside")
        );
    }
}
