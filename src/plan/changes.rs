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
    let mut gone = Vec::new();
    for k in ledger.iter_unordered() {
        if planned.contains(k.key()) || !is_live(k) {
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
        let mut c = Change::new(action, k.key(), k.livingid().map(str::to_string));
        c.drift = drift;
        gone.push(c);
    }
    // After the plan's sessions, in key order.
    gone.sort_unstable_by(|a, b| a.key.cmp(&b.key));
    out.append(&mut gone);
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
    let livingid = k.livingid().map(str::to_string);
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
        // Started, ended or expired: it happened, whatever the plan says now.
        Some(d) if d != "modified outside" => {
            change.action = Action::Past;
            return change;
        }
        _ => {}
    }
    // What the live is now: as recorded, with what refresh saw when it was edited outside.
    let Some(recorded) = k.request() else {
        // Adopted or created without a body on record: nothing to compare with.
        return change;
    };
    let (replacing, modifying) = match (drift, k.observed()) {
        (Some(_), Some(seen)) => compare(&overlay(&recorded.value(), &seen.value()), planned),
        // The body as planned, to the letter: nothing differs. (A result records
        // the planned body, so this is every session nobody changed since.)
        _ if recorded.text() == planned.to_string() => (Vec::new(), Vec::new()),
        _ => compare(&recorded.value(), planned),
    };
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

/// The fields that differ between the live as it is and as planned: those that
/// make a replace, and those a modify can change.
fn compare(current: &Value, planned: &Value) -> (Vec<FieldChange>, Vec<FieldChange>) {
    (
        differing(&REPLACING, current, planned),
        differing(&MODIFIABLE, current, planned),
    )
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

/// What the last `refresh` found in WeCom, when it came after our last step on
/// the live and differs from the ledger: "cancelled outside", "started", "ended",
/// "expired" or "modified outside".
pub fn drift(k: &KeyState) -> Option<&'static str> {
    let seen = k.refreshed_at()?;
    if seen < k.last_record().at && k.last().is_lifecycle() {
        return None;
    }
    match k.status()? {
        status::CANCELLED => Some("cancelled outside"),
        status::LIVE => Some("started"),
        status::ENDED => Some("ended"),
        status::EXPIRED => Some("expired"),
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
    k.request()
        .and_then(|r| r.value().get("living_start").and_then(Value::as_i64))
        .unwrap_or(i64::MAX)
}

/// The key under which a replaced live's cancellation is recorded.
pub fn tombstone(key: &str, old_livingid: &str) -> String {
    format!("{key}~{old_livingid}")
}

/// The ledger holds a live for this key that we have not cancelled. A tombstone
/// whose replacement failed holds nothing: the old live stayed its session's.
pub fn is_live(k: &KeyState) -> bool {
    let abandoned = k.key().contains('~') && k.last() == Event::Failed;
    k.livingid().is_some() && k.last() != Event::Cancelled && !abandoned
}

/// Whether any change would call the API.
pub fn pending(changes: &[Change]) -> bool {
    changes.iter().any(|c| c.action.is_pending())
}
