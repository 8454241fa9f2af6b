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

use std::collections::HashMap;
use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::key::SessionKey;
use super::live::{Plan, PlannedLive};
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
    pub livingid: Option<String>,
}

impl Change {
    fn new(action: Action, key: Key, livingid: Option<String>) -> Change {
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
    let mut out: Vec<Change> = plan
        .lives
        .iter()
        .map(|l| session(l, None, past(l), options, &mut Vec::new()))
        .collect();
    let mut gone: Vec<&KeyState> = Vec::new();
    if !ledger.is_empty() {
        // The ledger in the order it lies in memory, each key found among the
        // sessions (which are at hand by class): a session the ledger holds
        // live is compared with it; any other live is one the plan no longer has.
        let sessions = Sessions::new(&plan.lives);
        let mut scratch = Vec::new();
        for k in ledger.iter_unordered().filter(|k| is_live(k)) {
            match sessions.find(k.key()) {
                Some(i) => {
                    let l = &plan.lives[i];
                    out[i] = session(l, Some(k), past(l), options, &mut scratch);
                }
                None => gone.push(k),
            }
        }
    }
    gone.sort_unstable_by_key(|k| k.key());
    out.extend(gone.into_iter().map(|k| {
        let start = recorded_start(k);
        let drift = drift(k);
        let action =
            if start <= now.as_second() || matches!(drift, Some(d) if d != "modified outside") {
                Action::Past
            } else {
                Action::Cancel
            };
        let key = Key::Held(k.key().to_string());
        let mut c = Change::new(action, key, k.livingid().map(str::to_string));
        c.drift = drift;
        c
    }));
    out
}

/// The plan's sessions, found by a key's text: by class id, then by date and
/// number among the class's few, all of it small enough to stay in the cache.
struct Sessions<'p> {
    /// Each class's place in `of_class`.
    classes: HashMap<&'p str, usize>,
    /// Each class's sessions as (date, number that day, index in the plan),
    /// sorted, by the class's place among the schedule's ([`crate::plan::LiveClass::index`]).
    of_class: Vec<Vec<(Date, u32, usize)>>,
}

impl<'p> Sessions<'p> {
    fn new(lives: &'p [PlannedLive]) -> Sessions<'p> {
        let mut classes = HashMap::new();
        let mut of_class: Vec<Vec<(Date, u32, usize)>> = Vec::new();
        for (i, l) in lives.iter().enumerate() {
            let class = l.class.index;
            if class >= of_class.len() {
                of_class.resize_with(class + 1, Vec::new);
            }
            if of_class[class].is_empty() {
                classes.insert(l.class_id(), class);
            }
            of_class[class].push((l.key.date(), l.key.nth(), i));
        }
        for list in &mut of_class {
            list.sort_unstable();
        }
        Sessions { classes, of_class }
    }

    /// The index of the session whose key reads `text`.
    fn find(&self, text: &str) -> Option<usize> {
        // Class ids hold no `/`: the first one ends the id.
        let (class, tail) = text.split_once('/')?;
        let list = &self.of_class[*self.classes.get(class)?];
        let (date, nth) = match tail.split_once('#') {
            Some((date, nth)) => (date, parse_nth(nth)?),
            None => (tail, 1),
        };
        let at = list
            .binary_search_by_key(&(parse_date(date)?, nth), |&(d, n, _)| (d, n))
            .ok()?;
        Some(list[at].2)
    }
}

/// A session's number after its `#` as a key writes it: 2 or more, in digits,
/// no zero first (`#1`, `#02` and `#+2` name no session).
fn parse_nth(text: &str) -> Option<u32> {
    let digits = text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0');
    text.parse().ok().filter(|&nth| digits && nth > 1)
}

/// A date as a key writes it: `2027-03-01` for the years 0 to 9999, read
/// without the general parser; any other year as `Date` writes it.
fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i16> {
        let digits = bytes.get(range)?;
        digits.iter().try_fold(0i16, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + i16::from(b - b'0'))
        })
    };
    if bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-' {
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        return Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok();
    }
    let date: Date = text.parse().ok()?;
    (date.to_string() == text).then_some(date)
}

fn session(
    live: &PlannedLive,
    held: Option<&KeyState>,
    past: bool,
    options: Options,
    scratch: &mut Vec<u8>,
) -> Change {
    let key = Key::Session(live.key.clone());
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
    let planned = || serde_json::to_value(live.body()).unwrap_or_default();
    let (replacing, modifying) = match (drift, k.observed()) {
        (Some(_), Some(seen)) => compare(&overlay(&recorded.value(), &seen.value()), &planned()),
        // The body as planned, to the letter: nothing differs. (A result records
        // the planned body, so this is every session nobody changed since.)
        _ if recorded.text().as_bytes() == body_text(live, scratch) => (Vec::new(), Vec::new()),
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
    change
}

/// The planned body's compact JSON text, as a ledger record of it holds it.
fn body_text<'s>(live: &PlannedLive, scratch: &'s mut Vec<u8>) -> &'s [u8] {
    scratch.clear();
    let _ = serde_json::to_writer(&mut *scratch, &live.body());
    scratch
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
pub fn tombstone(key: &impl fmt::Display, old_livingid: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_found_by_its_key_as_written_and_no_other_way() {
        let planned =
            crate::plan::plan_term(std::path::Path::new("schedules/spring-2027.yaml"), false);
        let plan = planned.plan.expect("the example term is valid");
        let sessions = Sessions::new(&plan.lives);
        for (i, l) in plan.lives.iter().enumerate() {
            assert_eq!(sessions.find(&l.key.to_string()), Some(i), "{}", l.key);
        }
        let key = plan.lives[0].key.to_string();
        let (class, date) = key.split_once('/').unwrap();
        for other in [
            format!("{key}#1"),
            format!("{key}#01"),
            format!("{key}#+2"),
            format!("{key}#"),
            format!("{class}/{}", date.replace('-', "")),
            format!("{class}/+{date}"),
            format!("{class}x/{date}"),
            format!("{class}/{date}/"),
            key.replacen('/', "//", 1),
        ] {
            assert_eq!(sessions.find(&other), None, "{other}");
        }
    }
}
