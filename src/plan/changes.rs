//! What `apply` would do for each session: the diff of the plan against the ledger.

use std::collections::HashSet;

use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use super::live::Plan;
use crate::ledger::{Event, KeyState, LedgerState};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Modify,
    Cancel,
    Unchanged,
    Past,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Modify => "modify",
            Self::Cancel => "cancel",
            Self::Unchanged => "unchanged",
            Self::Past => "past",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub action: Action,
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub livingid: Option<String>,
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

/// Every session against the ledger and `now`. A session that starts before now
/// is `past`, never touched; one the ledger holds live is `unchanged` or `modify`;
/// a live the ledger holds that the plan no longer has is `cancel`.
pub fn changes(plan: &Plan, ledger: &LedgerState, now: Timestamp) -> Vec<Change> {
    let mut out: Vec<Change> = plan
        .lives
        .iter()
        .map(|l| {
            let held = ledger.get(&l.key).filter(|k| is_live(k));
            let livingid = held.and_then(|k| k.livingid.clone());
            let action = if l.start.timestamp() < now {
                Action::Past
            } else {
                match held.and_then(|k| k.request.as_ref()) {
                    None => Action::Create,
                    Some(sent) => {
                        let planned = serde_json::to_value(&l.request).unwrap_or_default();
                        if same_modifiable(sent, &planned) {
                            Action::Unchanged
                        } else {
                            Action::Modify
                        }
                    }
                }
            };
            Change {
                action,
                key: l.key.clone(),
                livingid,
            }
        })
        .collect();
    let planned: HashSet<&str> = plan.lives.iter().map(|l| l.key.as_str()).collect();
    for k in ledger.iter() {
        if planned.contains(k.key.as_str()) || !is_live(k) {
            continue;
        }
        let start = k
            .request
            .as_ref()
            .and_then(|r| r.get("living_start"))
            .and_then(Value::as_i64)
            .unwrap_or(i64::MAX);
        out.push(Change {
            action: if start < now.as_second() {
                Action::Past
            } else {
                Action::Cancel
            },
            key: k.key.clone(),
            livingid: k.livingid.clone(),
        });
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

/// The ledger holds a live for this key that has not been cancelled.
fn is_live(k: &KeyState) -> bool {
    k.livingid.is_some() && k.last != Event::Cancelled
}

/// Whether any change would call the API.
pub fn pending(changes: &[Change]) -> bool {
    changes
        .iter()
        .any(|c| matches!(c.action, Action::Create | Action::Modify | Action::Cancel))
}
