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

use std::collections::{HashMap, HashSet};
use std::fmt;

use jiff::Timestamp;
use serde::{Serialize, Serializer};
use serde_json::Value;

pub use super::course::{Course, ON_TIME_SECONDS, course, drift, off_schedule};
use super::create_body::WrittenBodies;
use super::join::join;
use super::key::{SessionKey, Sessions};
use super::live::{Plan, PlannedLive, class_ids};
use super::living_id::LivingId;
use crate::ledger::{Event, KeyState, LedgerState};

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
/// (Fields in the order the JSON plan has always shown them: sorted.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub new: Value,
    pub old: Value,
}

/// What one session, or one live the ledger holds, needs. (Fields in the order
/// the JSON plan has always shown them: sorted.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub action: Action,
    /// What `refresh` found in WeCom when it differs from the ledger.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    pub key: Key,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub livingid: Option<LivingId>,
}

impl Change {
    fn new(action: Action, key: Key, livingid: Option<LivingId>) -> Change {
        Change {
            action,
            key,
            livingid,
            fields: Vec::new(),
            drift: None,
        }
    }
}

/// What a change is about: a planned session, or a key only the ledger holds (a
/// session the plan no longer has, or a replaced live's tombstone `KEY~OLDID`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Session(SessionKey),
    Held(String),
}

impl Key {
    /// The planned session's key, unless only the ledger has this one.
    pub fn session(&self) -> Option<&SessionKey> {
        match self {
            Key::Session(key) => Some(key),
            Key::Held(_) => None,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Session(key) => key.fmt(f),
            Key::Held(key) => f.write_str(key),
        }
    }
}

impl From<&str> for Key {
    fn from(key: &str) -> Key {
        Key::Held(key.to_string())
    }
}

impl Serialize for Key {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
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

/// Each planned session's change, found by the session's place in `plan.lives`
/// (and each change's session by the change's place): `changes_with` gives a
/// plan's changes in the order of its sessions, so the change in the same place
/// is the session's. Changes in another order are matched by key.
pub struct SessionChanges<'a> {
    lives: &'a [PlannedLive],
    changes: &'a [Change],
    /// `None` when in order.
    by_key: Option<ByKey<'a>>,
}

/// Changes and sessions matched by key.
struct ByKey<'a> {
    /// Index in the changes of each session's change.
    change_of: HashMap<&'a SessionKey, usize>,
    /// Index in the plan of each change's session, by the change's index.
    live_of: HashMap<usize, usize>,
}

impl<'a> SessionChanges<'a> {
    pub fn new(plan: &'a Plan, changes: &'a [Change]) -> SessionChanges<'a> {
        let lives = &plan.lives[..];
        let in_order = changes.len() >= lives.len()
            && lives
                .iter()
                .zip(changes)
                .all(|(l, c)| c.key.session() == Some(&l.key));
        let by_key = (!in_order).then(|| {
            let change_of: HashMap<&SessionKey, usize> = changes
                .iter()
                .enumerate()
                .filter_map(|(i, c)| Some((c.key.session()?, i)))
                .collect();
            let live_of = lives
                .iter()
                .enumerate()
                .filter_map(|(i, l)| Some((*change_of.get(&l.key)?, i)))
                .collect();
            ByKey { change_of, live_of }
        });
        SessionChanges {
            lives,
            changes,
            by_key,
        }
    }

    /// The change of the session at `index` in `plan.lives`.
    pub fn of(&self, index: usize) -> Option<&'a Change> {
        match &self.by_key {
            None => self.changes.get(index),
            Some(by_key) => {
                let key = &self.lives.get(index)?.key;
                self.changes.get(*by_key.change_of.get(key)?)
            }
        }
    }

    /// The planned session of the change at `index` in `changes`.
    pub fn live(&self, index: usize) -> Option<&'a PlannedLive> {
        match &self.by_key {
            None => self.lives.get(index),
            Some(by_key) => self.lives.get(*by_key.live_of.get(&index)?),
        }
    }
}

/// Every session against the ledger and `now`, with default options.
pub fn changes(plan: &Plan, ledger: &LedgerState, now: Timestamp) -> Vec<Change> {
    changes_with(plan, ledger, now, Options::default())
}

/// One change per session, in the plan's order, then one per live the ledger
/// holds that the plan no longer has, in key order.
pub fn changes_with(
    plan: &Plan,
    ledger: &LedgerState,
    now: Timestamp,
    options: Options,
) -> Vec<Change> {
    // WeCom refuses a start that is not ahead: one starting now is past too.
    let past = |l: &PlannedLive| l.start.timestamp() <= now;
    // Every session as though the ledger held none: a create, or past.
    let unheld_all = || -> Vec<Change> {
        in_halves(&plan.lives, |_, lives| {
            lives.iter().map(|l| unheld(l, past(l))).collect()
        })
    };
    if ledger.is_empty() {
        return unheld_all();
    }
    // The ledger in the order it lies in memory, each key found among the
    // sessions (which are at hand by class, gathered meanwhile): a session the
    // ledger holds live is compared with it; any other live is one the plan no
    // longer has.
    let (mut out, sessions) = join(unheld_all, || Sessions::new(&plan.lives));
    let found = in_halves(ledger.unordered(), |_, keys| {
        let mut finder = sessions.finder();
        keys.iter()
            .filter(|k| is_live(k))
            .map(|k| (finder.find(k.key()), k))
            .collect()
    });
    // Each session held compared in the ledger's order too: a key's state and
    // its line are more than a session and its change, and in a compacted
    // ledger (sorted by key) far from the plan's order. Each half of the plan's
    // changes is filled in on a thread of its own.
    let compare = |changes: &mut [Change], first: usize| {
        let mut bodies = WrittenBodies::default();
        for &(at, k) in &found {
            let Some(i) = at else { continue };
            if let Some(change) = i.checked_sub(first).and_then(|j| changes.get_mut(j)) {
                let live = &plan.lives[i];
                held(change, live, k, past(live), options, &mut bodies);
            }
        }
    };
    match out.len() < WORTH_A_THREAD {
        true => compare(&mut out, 0),
        false => {
            let middle = out.len() / 2;
            let (first, second) = out.split_at_mut(middle);
            join(|| compare(first, 0), || compare(second, middle));
        }
    }
    let mut gone: Vec<&KeyState> = found
        .iter()
        .filter(|(at, _)| at.is_none())
        .map(|(_, k)| *k)
        .collect();
    gone.sort_unstable_by_key(|k| k.key());
    out.extend(gone.into_iter().map(|k| held_only(k, now)));
    out
}

/// The change of a live the ledger holds that the plan no longer has.
fn held_only(k: &KeyState, now: Timestamp) -> Change {
    let start = recorded_start(k);
    let drift = drift(k);
    let action = if start <= now.as_second() || matches!(drift, Some(d) if d != "modified outside")
    {
        Action::Past
    } else {
        Action::Cancel
    };
    let key = Key::Held(k.key().to_string());
    let mut c = Change::new(action, key, k.livingid().map(LivingId::from));
    c.drift = drift;
    c
}

/// Items below this many are not worth a second thread.
const WORTH_A_THREAD: usize = 4096;

/// `each` over `items`, its second half on a thread of its own when there are
/// enough to be worth one; the results in the order of `items`.
/// `each` is given a run of `items` and where the run begins.
fn in_halves<'a, T: Sync, R: Send>(
    items: &'a [T],
    each: impl Fn(usize, &'a [T]) -> Vec<R> + Sync,
) -> Vec<R> {
    if items.len() < WORTH_A_THREAD {
        return each(0, items);
    }
    let middle = items.len() / 2;
    let (first, second) = items.split_at(middle);
    let (mut out, rest) = join(|| each(0, first), || each(middle, second));
    out.extend(rest);
    out
}

/// A session's change as though the ledger held nothing for it: a create, or past.
fn unheld(live: &PlannedLive, past: bool) -> Change {
    let action = if past { Action::Past } else { Action::Create };
    Change::new(action, Key::Session(live.key.clone()), None)
}

/// `change`, made by [`unheld`] for `live`, for the live the ledger holds for it.
/// (Its key is kept, not made again: the class it shares with other sessions
/// is counted by both halves of the diff.)
fn held<'p>(
    change: &mut Change,
    live: &'p PlannedLive,
    k: &KeyState,
    past: bool,
    options: Options,
    bodies: &mut WrittenBodies<'p>,
) {
    change.livingid = k.livingid().map(LivingId::from);
    change.drift = drift(k);
    change.action = match change.drift {
        Some("cancelled outside") if past => Action::Past,
        Some("cancelled outside") if options.recreate_cancelled => Action::Create,
        Some("cancelled outside") => Action::Drifted,
        // Started, ended or expired, at its time or not: it happened, whatever the plan says now.
        Some("started off schedule") => Action::Past,
        _ if course(k).is_some() => Action::Past,
        _ => Action::Unchanged,
    };
    if change.drift == Some("cancelled outside") || change.action == Action::Past {
        return;
    }
    // What the live is now: as recorded, with what refresh saw when it was edited outside.
    let Some(recorded) = k.request() else {
        // Adopted or created without a body on record: nothing to compare with.
        return;
    };
    let planned = || serde_json::to_value(live.body()).unwrap_or_default();
    let (replacing, modifying) = match (change.drift, k.observed()) {
        (Some(_), Some(seen)) => compare(&overlay(&recorded.value(), &seen.value()), &planned()),
        // The body as planned, to the letter: nothing differs. (A result records
        // the planned body, so this is every session nobody changed since.)
        _ if bodies.is_written(live.class.index, live.body(), recorded.text().as_bytes()) => {
            (Vec::new(), Vec::new())
        }
        _ => compare(&recorded.value(), &planned()),
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
pub fn tombstone(key: &(impl fmt::Display + ?Sized), old_livingid: &str) -> String {
    format!("{key}~{old_livingid}")
}

/// The ledger holds a live for this key that we have not cancelled. A tombstone
/// whose replacement failed holds nothing: the old live stayed its session's.
/// A live remembered as not ours is never ours to change.
pub fn is_live(k: &KeyState) -> bool {
    // (What the state holds first: the text of the key's line is further away.)
    let abandoned =
        k.last() == Event::Failed && k.last_action() == Some("replace") && k.key().contains('~');
    k.has_livingid() && !matches!(k.last(), Event::Cancelled | Event::Foreign) && !abandoned
}

/// Whether any change would call the API.
pub fn pending(changes: &[Change]) -> bool {
    changes.iter().any(|c| c.action.is_pending())
}

/// The ledger holds lives, and not one of them of a class this plan has: it is
/// another schedule's (a `--ledger` mistyped), and diffing against it would
/// cancel every one of them.
pub fn foreign_ledger(plan: &Plan, ledger: &LedgerState) -> bool {
    fn class(k: &KeyState) -> &str {
        k.key().split('/').next().unwrap_or("")
    }
    let mut held = ledger.unordered().iter().filter(|k| is_live(k)).peekable();
    let Some(first) = held.peek() else {
        return false;
    };
    // Most often the ledger is the plan's: the first session of its first
    // live's class is found among the first sessions, before any set is made.
    let first = class(first);
    if plan.lives.is_empty() || plan.lives.iter().any(|l| l.class_id() == first) {
        return false;
    }
    let classes: HashSet<&str> = class_ids(&plan.lives).into_iter().flatten().collect();
    held.all(|k| !classes.contains(class(k)))
}
