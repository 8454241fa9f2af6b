//! What `apply` would do for each session: the diff of the plan against the ledger.
//!
//! A session the ledger holds live is `unchanged`, `modify` (a field
//! `living/modify` can change differs) or `replace` (the anchor or the activity
//! pictures differ: WeCom cannot modify those, so a new live is created and the
//! old one cancelled). A live whose start has passed is `past`, never touched. A
//! live the ledger holds that the plan no longer has is `cancel`. What `refresh`
//! saw in WeCom (drift) is taken into account: a live cancelled outside is
//! `drifted` (left alone) unless re-creating is asked for; one edited outside is
//! modified back.

use std::collections::HashSet;

use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use super::live::Plan;
use crate::ledger::{Event, KeyState, LedgerState};
use crate::wecom::types::status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Modify,
    Replace,
    Cancel,
    Unchanged,
    Drifted,
    Past,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Modify => "modify",
            Self::Replace => "replace",
            Self::Cancel => "cancel",
            Self::Unchanged => "unchanged",
            Self::Drifted => "drifted",
            Self::Past => "past",
        }
    }

    /// Whether this action calls the API.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            Self::Create | Self::Modify | Self::Replace | Self::Cancel
        )
    }
}

/// One field that differs: the ledger's (or WeCom's) value and the plan's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: Value,
    pub new: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub action: Action,
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub livingid: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// What `refresh` found in WeCom when it differs from the ledger.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<&'static str>,
}

impl Change {
    fn new(action: Action, key: &str, livingid: Option<String>) -> Change {
        Change {
            action,
            key: key.to_string(),
            livingid,
            fields: Vec::new(),
            drift: None,
        }
    }
}

/// The fields `living/modify` can change; a difference in any of them is a modify.
pub const MODIFIABLE: [&str; 6] = [
    "theme",
    "living_start",
    "living_duration",
    "description",
    "type",
    "remind_time",
];

/// Fields WeCom cannot modify: a difference means cancel and create.
pub const REPLACING: [&str; 4] = [
    "anchor_userid",
    "activity_cover_mediaid",
    "activity_share_mediaid",
    "activity_detail",
];

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Create again the sessions whose live was cancelled in WeCom by a person.
    pub recreate_cancelled: bool,
}

/// Every session against the ledger and `now`, with default options.
pub fn changes(plan: &Plan, ledger: &LedgerState, now: Timestamp) -> Vec<Change> {
    changes_with(plan, ledger, now, Options::default())
}

pub fn changes_with(
    plan: &Plan,
    ledger: &LedgerState,
    now: Timestamp,
    options: Options,
) -> Vec<Change> {
    let mut out: Vec<Change> = plan
        .lives
        .iter()
        .map(|l| {
            let planned = serde_json::to_value(&l.request).unwrap_or_default();
            let held = ledger.get(&l.key).filter(|k| is_live(k));
            // WeCom refuses a start that is not ahead: one starting now is past too.
            let past = l.start.timestamp() <= now;
            session(&l.key, &planned, held, past, options)
        })
        .collect();
    let planned: HashSet<&str> = plan.lives.iter().map(|l| l.key.as_str()).collect();
    for k in ledger.iter() {
        if planned.contains(k.key.as_str()) || !is_live(k) {
            continue;
        }
        let start = recorded_start(k);
        let drift = drift(k);
        let action =
            if start <= now.as_second() || matches!(drift, Some(d) if d != "modified outside") {
                Action::Past
            } else {
                Action::Cancel
            };
        let mut c = Change::new(action, &k.key, k.livingid.clone());
        c.drift = drift;
        out.push(c);
    }
    out
}

fn session(
    key: &str,
    planned: &Value,
    held: Option<&KeyState>,
    past: bool,
    options: Options,
) -> Change {
    let Some(k) = held else {
        return Change::new(if past { Action::Past } else { Action::Create }, key, None);
    };
    let livingid = k.livingid.clone();
    let drift = drift(k);
    let mut change = Change::new(Action::Unchanged, key, livingid);
    change.drift = drift;
    match drift {
        Some("cancelled outside") => {
            change.action = if past {
                Action::Past
            } else if options.recreate_cancelled {
                Action::Create
            } else {
                Action::Drifted
            };
            return change;
        }
        // Started, ended or expired, at its time or not: it happened, whatever the plan says now.
        Some("started off schedule") => {
            change.action = Action::Past;
            return change;
        }
        _ if course(k).is_some() => {
            change.action = Action::Past;
            return change;
        }
        _ => {}
    }
    // What the live is now: as recorded, with what refresh saw when it was edited outside.
    let Some(recorded) = k.request.as_ref() else {
        // Adopted or created without a body on record: nothing to compare with.
        return change;
    };
    let overlaid;
    let current = match (drift, &k.observed) {
        (Some(_), Some(seen)) => {
            overlaid = overlay(recorded, seen);
            &overlaid
        }
        _ => recorded,
    };
    let replacing = differing(&REPLACING, current, planned);
    let modifying = differing(&MODIFIABLE, current, planned);
    change.action = if past {
        Action::Past
    } else if !replacing.is_empty() {
        Action::Replace
    } else if !modifying.is_empty() {
        Action::Modify
    } else {
        Action::Unchanged
    };
    change.fields = replacing.into_iter().chain(modifying).collect();
    change
}

fn differing(fields: &[&'static str], old: &Value, new: &Value) -> Vec<FieldChange> {
    fields
        .iter()
        .filter(|f| old.get(**f) != new.get(**f))
        .map(|f| FieldChange {
            field: f,
            old: old.get(*f).cloned().unwrap_or(Value::Null),
            new: new.get(*f).cloned().unwrap_or(Value::Null),
        })
        .collect()
}

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
    let seen = k.refreshed_at?;
    if seen < k.last_record.at && k.last.is_lifecycle() {
        return None;
    }
    k.status
}

/// Whether the live the refresh saw started far from its scheduled start.
fn started_off_schedule(k: &KeyState) -> bool {
    let Some(actual) = k.actual else {
        return false;
    };
    let scheduled = k
        .observed
        .as_ref()
        .or(k.request.as_ref())
        .and_then(|r| r.get("living_start"))
        .and_then(Value::as_i64);
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
            let (seen, ours) = (k.observed.as_ref()?, k.request.as_ref()?);
            let changed = MODIFIABLE
                .iter()
                .chain(&REPLACING)
                .any(|f| seen.get(*f).is_some() && seen.get(*f) != ours.get(*f));
            changed.then_some("modified outside")
        }
    }
}

/// `base` with every field `top` has.
fn overlay(base: &Value, top: &Value) -> Value {
    let mut out = base.clone();
    if let (Some(o), Some(t)) = (out.as_object_mut(), top.as_object()) {
        for (k, v) in t {
            o.insert(k.clone(), v.clone());
        }
    }
    out
}

/// Whether two create bodies agree on every field `living/modify` can change.
pub fn same_modifiable(a: &Value, b: &Value) -> bool {
    MODIFIABLE.iter().all(|f| a.get(f) == b.get(f))
}

/// `base` with every field `living/modify` can change taken from `from`
/// (and left out where `from` leaves it out).
pub fn with_modifiable(mut base: Value, from: &Value) -> Value {
    for field in MODIFIABLE {
        match from.get(field) {
            Some(v) => base[field] = v.clone(),
            None => {
                if let Some(o) = base.as_object_mut() {
                    o.remove(field);
                }
            }
        }
    }
    base
}

/// The start (unix seconds) the ledger recorded for a key's live; far in the
/// future when unknown, so that a live of unknown time is never taken for past.
pub fn recorded_start(k: &KeyState) -> i64 {
    k.request
        .as_ref()
        .and_then(|r| r.get("living_start"))
        .and_then(Value::as_i64)
        .unwrap_or(i64::MAX)
}

/// The key under which a replaced live's cancellation is recorded.
pub fn tombstone(key: &str, old_livingid: &str) -> String {
    format!("{key}~{old_livingid}")
}

/// The ledger holds a live for this key that we have not cancelled. A tombstone
/// whose replacement failed holds nothing: the old live stayed its session's.
/// A live remembered as not ours is never ours to change.
pub fn is_live(k: &KeyState) -> bool {
    let abandoned = k.key.contains('~')
        && k.last == Event::Failed
        && k.last_record.action.as_deref() == Some("replace");
    k.livingid.is_some() && !matches!(k.last, Event::Cancelled | Event::Foreign) && !abandoned
}

/// Whether any change would call the API.
pub fn pending(changes: &[Change]) -> bool {
    changes.iter().any(|c| c.action.is_pending())
}

/// The ledger holds lives, and not one of them of a class this plan has: it is
/// another schedule's (a `--ledger` mistyped), and diffing against it would
/// cancel every one of them.
pub fn foreign_ledger(plan: &Plan, ledger: &LedgerState) -> bool {
    let classes: HashSet<&str> = plan.lives.iter().map(|l| l.class.as_str()).collect();
    let mut held = ledger.iter().filter(|k| is_live(k)).peekable();
    held.peek().is_some()
        && !classes.is_empty()
        && held.all(|k| {
            let class = k.key.split('/').next().unwrap_or("");
            !classes.contains(class)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Actual, Record};

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
