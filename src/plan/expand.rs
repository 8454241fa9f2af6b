//! Expansion of a schedule into sessions: recurrence, holidays, skips, changes, keys.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

use super::days::{PerDate, TermDays, live_class};
use super::join::join;
use super::key::SessionKey;
use super::live::{LiveClass, Plan, PlannedLive, SkipReason, Skipped, class_ids};
use super::occurrences::{Occurrence, occurrences};
use crate::calendar::{Calendar, DayKind};
use crate::schedule::{Change, ChangeAction, Class, Problem, Schedule};

/// A session after the changes that name it: when, by whom, and what moved.
struct Session {
    at: DateTime,
    /// The place in [`TermDays`] of the day it was given, if known.
    day: Option<usize>,
    anchor: Arc<str>,
    notes: Vec<String>,
}

/// The most sessions one schedule may expand to unless told otherwise
/// (`--max-sessions`): far above any real term, and a bound on memory.
pub const MAX_SESSIONS: usize = 1_000_000;

/// Expands every class of `schedule` into sessions, sorted by start then key.
pub fn expand(schedule: &Schedule) -> Plan {
    expand_within(schedule, MAX_SESSIONS)
}

/// [`expand`], refusing (with an error, and early) a schedule of more than
/// `max_sessions` sessions.
///
/// The classes are expanded in two halves on two threads and the halves put
/// together in class order: the sessions, skips and problems are those of one
/// pass over the classes. A half that passes the limit (or two that pass it
/// together) sends the schedule through that one pass, which stops where it did.
pub fn expand_within(schedule: &Schedule, max_sessions: usize) -> Plan {
    let cal = Calendar::new(&schedule.term);
    let days = TermDays::new(&cal);
    let all = 0..schedule.classes.len();
    let whole = in_two_parts(schedule, &days, max_sessions)
        .unwrap_or_else(|| expand_part(schedule, &days, all, max_sessions));
    let Part {
        mut plan,
        rest,
        used,
        over,
    } = whole;
    if let Some(index) = over {
        plan.problems.push(
            Problem::error(
                format!("the schedule has more than {max_sessions} sessions"),
                Some(schedule.classes[index].origin),
            )
            .label("the class that passed the limit")
            .help("check its days, times and dates; `--max-sessions N` raises the limit"),
        );
        return plan;
    }
    let mut changes = Changes::new(&schedule.changes);
    changes.used = used;
    changes.warn_unused(&schedule.classes, &mut plan);
    plan.lives = sorted(std::mem::take(&mut plan.lives), rest);
    plan.skipped
        .sort_by(|a, b| (a.date, &a.class).cmp(&(b.date, &b.class)));
    plan
}

/// Some of a schedule's classes expanded, in order: their plan, which changes
/// named one of their sessions, and the class that passed the limit, if one did.
struct Part {
    plan: Plan,
    /// The second half's sessions, when two halves were put together: they
    /// are sorted in with the first half's, not copied after them first.
    rest: Vec<PlannedLive>,
    used: Vec<bool>,
    over: Option<usize>,
}

fn expand_part(
    schedule: &Schedule,
    days: &TermDays<'_>,
    classes: std::ops::Range<usize>,
    max_sessions: usize,
) -> Part {
    let mut plan = Plan::default();
    let mut changes = Changes::new(&schedule.changes);
    for index in classes {
        let room = max_sessions.saturating_sub(plan.lives.len());
        if !expand_class(
            &schedule.classes[index],
            index,
            days,
            &mut changes,
            &mut plan,
            room,
        ) {
            return Part {
                plan,
                rest: Vec::new(),
                used: changes.used,
                over: Some(index),
            };
        }
    }
    Part {
        plan,
        rest: Vec::new(),
        used: changes.used,
        over: None,
    }
}

/// The two halves of the classes expanded side by side and put together;
/// `None` for a schedule of one class, or when the halves pass the limit.
fn in_two_parts(schedule: &Schedule, days: &TermDays<'_>, max_sessions: usize) -> Option<Part> {
    let (count, middle) = (schedule.classes.len(), schedule.classes.len() / 2);
    if count < 2 {
        return None;
    }
    let (mut first, second) = join(
        || expand_part(schedule, days, 0..middle, max_sessions),
        || expand_part(schedule, days, middle..count, max_sessions),
    );
    let lives = first.plan.lives.len() + second.plan.lives.len();
    if first.over.is_some() || second.over.is_some() || lives > max_sessions {
        return None;
    }
    first.rest = second.plan.lives;
    first.plan.skipped.extend(second.plan.skipped);
    first.plan.problems.extend(second.plan.problems);
    for (used, also) in first.used.iter_mut().zip(second.used) {
        *used |= also;
    }
    Some(first)
}

/// How many sessions the schedule's recurrences give inside the term, after
/// holidays, skips and bounds but before changes: the walk at the core of
/// [`expand`], on its own for `cargo bench --bench expand`.
pub fn occurrence_count(schedule: &Schedule) -> usize {
    let cal = Calendar::new(&schedule.term);
    let days = TermDays::new(&cal);
    let mut dropped = Plan::default();
    schedule
        .classes
        .iter()
        .map(|class| {
            let id = Arc::from(class.id.as_str());
            occurrences(class, &days, &id, &mut dropped, usize::MAX).len()
        })
        .sum()
}

/// The sessions of `first` then `second` sorted by start, then key: the starts
/// are sorted with each session's place and its class's rank among the ids
/// (which decides between keys of different classes), keys compared only
/// between sessions of one class that start together, and the sessions then
/// moved into their places where they are, a cycle at a time (no second vector
/// of sessions: at 100,000 they are 12 MB).
fn sorted(mut lives: Vec<PlannedLive>, second: Vec<PlannedLive>) -> Vec<PlannedLive> {
    lives.extend(second);
    let rank = class_ranks(lives.iter());
    let mut order: Vec<(jiff::Timestamp, usize, usize)> = lives
        .iter()
        .enumerate()
        .map(|(i, l)| (l.start.timestamp(), rank[l.class.index], i))
        .collect();
    order.sort_unstable_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| lives[a.2].key.cmp(&lives[b.2].key))
    });
    let mut from: Vec<usize> = order.into_iter().map(|(_, _, i)| i).collect();
    permute(&mut lives, &mut from);
    lives
}

/// Moves what is at `from[p]` to `p`, for every place `p`: each cycle of the
/// permutation followed once, by swaps. `from` is used up.
fn permute<T>(items: &mut [T], from: &mut [usize]) {
    const DONE: usize = usize::MAX;
    for start in 0..items.len() {
        let mut p = start;
        loop {
            let q = std::mem::replace(&mut from[p], DONE);
            if q == DONE || q == start {
                break;
            }
            items.swap(p, q);
            p = q;
        }
    }
}

/// Each class's rank (by [`LiveClass::index`]) among the classes' ids as keys
/// order them: a key's id and its `/` decide between two classes' keys, as no
/// id holds a `/`.
fn class_ranks<'a>(lives: impl Iterator<Item = &'a PlannedLive>) -> Vec<usize> {
    let classes = class_ids(lives);
    let mut by_id: Vec<(usize, &str)> = classes
        .iter()
        .enumerate()
        .filter_map(|(index, id)| Some((index, (*id)?)))
        .collect();
    fn with_slash(id: &str) -> impl Iterator<Item = u8> + '_ {
        id.bytes().chain(std::iter::once(b'/'))
    }
    by_id.sort_unstable_by(|a, b| with_slash(a.1).cmp(with_slash(b.1)));
    let mut rank = vec![0; classes.len()];
    for (place, (index, _)) in by_id.iter().enumerate() {
        rank[*index] = place;
    }
    rank
}

/// A class's sessions, numbered and keyed in recurrence order, after the changes
/// naming them; `false` (and nothing added) when it has more than `room`.
fn expand_class(
    class: &Class,
    index: usize,
    days: &TermDays<'_>,
    changes: &mut Changes<'_>,
    plan: &mut Plan,
    room: usize,
) -> bool {
    let before = plan.lives.len();
    let shared = Arc::new(live_class(class, index));
    let occurrences = occurrences(class, days, &shared.id, plan, room);
    if occurrences.len() > room {
        return false;
    }
    let anchor: Arc<str> = Arc::from(class.anchor.as_str());
    let mut numbering = PerDate::default();
    let mut changes = changes.of(&class.id);
    for (i, occ) in occurrences.into_iter().enumerate() {
        let date = occ.at.date();
        let key = SessionKey::new(Arc::clone(&shared.id), date, numbering.next(date));
        let Some(session) = changes.apply(&key, occ, &anchor, days.cal, plan) else {
            plan.skipped.push(Skipped {
                class: Arc::clone(&shared.id),
                date,
                reason: SkipReason::Cancelled,
            });
            continue;
        };
        let live = live(&shared, days, key, i as u32 + 1, session);
        plan.lives.push(live);
    }
    if plan.lives.len() == before {
        plan.problems.push(
            Problem::warning(
                format!("class `{}` has no session", class.id),
                Some(class.origin),
            )
            .label("expected a class with at least one session in the term")
            .help("check its days, weeks, from/until and the term's dates"),
        );
    }
    true
}

/// The schedule's one-off changes, by the session they name, and which have named one.
struct Changes<'s> {
    all: &'s [Change],
    by_class: HashMap<&'s str, HashMap<Date, Vec<usize>>>,
    used: Vec<bool>,
}

/// The changes naming sessions of one class.
struct ClassChanges<'c, 's> {
    all: &'s [Change],
    by_date: Option<&'c HashMap<Date, Vec<usize>>>,
    used: &'c mut [bool],
}

impl<'s> Changes<'s> {
    fn new(all: &'s [Change]) -> Self {
        let mut by_class: HashMap<&str, HashMap<Date, Vec<usize>>> = HashMap::new();
        for (i, c) in all.iter().enumerate() {
            by_class
                .entry(c.class.as_str())
                .or_default()
                .entry(c.date)
                .or_default()
                .push(i);
        }
        Self {
            all,
            by_class,
            used: vec![false; all.len()],
        }
    }

    fn of(&mut self, class: &str) -> ClassChanges<'_, 's> {
        ClassChanges {
            all: self.all,
            by_date: self.by_class.get(class),
            used: &mut self.used,
        }
    }

    /// A change that named no session of a class that exists was probably meant for one.
    fn warn_unused(self, classes: &[Class], plan: &mut Plan) {
        for (change, used) in self.all.iter().zip(self.used) {
            if !used && classes.iter().any(|c| c.id == change.class) {
                plan.problems.push(
                    Problem::warning(
                        format!(
                            "class `{}` has no session on {} to change",
                            change.class, change.date
                        ),
                        Some(change.origin),
                    )
                    .label("expected the original date of one of its sessions")
                    .help("a change names a session by its original date"),
                );
            }
        }
    }
}

impl ClassChanges<'_, '_> {
    /// The session `occ` after every change naming it, or `None` if one cancels it.
    fn apply(
        &mut self,
        key: &SessionKey,
        occ: Occurrence,
        anchor: &Arc<str>,
        cal: &Calendar<'_>,
        plan: &mut Plan,
    ) -> Option<Session> {
        let mut session = Session {
            at: occ.at,
            day: occ.day,
            anchor: Arc::clone(anchor),
            notes: Vec::new(),
        };
        let Some(list) = self.by_date.and_then(|d| d.get(&occ.at.date())) else {
            return Some(session);
        };
        let mut cancelled = false;
        for &index in list {
            self.used[index] = true;
            let change = &self.all[index];
            match &change.action {
                ChangeAction::Cancel => cancelled = true,
                ChangeAction::Edit { move_to, anchor } => {
                    if let Some(to) = move_to {
                        if !cal.contains(to.date()) {
                            plan.problems.push(
                                Problem::error(
                                    format!("`{key}` is moved to {to}, outside the term"),
                                    Some(change.move_to_at.unwrap_or(change.origin)),
                                )
                                .label("expected a time within the term")
                                .help(
                                    "move it within `term.start` … `term.end`, or widen the term",
                                ),
                            );
                        }
                        session
                            .notes
                            .push(format!("moved from {}", fmt_local(occ.at)));
                        session.at = *to;
                        session.day = None;
                    }
                    if let Some(a) = anchor {
                        session
                            .notes
                            .push(format!("anchor changed from {}", session.anchor));
                        session.anchor = Arc::from(a.as_str());
                    }
                }
            }
        }
        (!cancelled).then_some(session)
    }
}

fn live(
    class: &Arc<LiveClass>,
    days: &TermDays<'_>,
    key: SessionKey,
    n: u32,
    session: Session,
) -> PlannedLive {
    let Session {
        at,
        day,
        anchor,
        mut notes,
    } = session;
    let start = to_zoned(&days.cal.term.tz, at, &mut notes);
    // The teaching week that decided the session: a make-up day running another
    // date's timetable is in that date's week, for `{week}` and the week shown too.
    let (kind, week) = days.day(start.date(), day);
    if let DayKind::Teaching {
        makeup: true,
        weekday,
        ..
    } = kind
    {
        notes.push(format!(
            "调休 make-up day running {}'s timetable",
            crate::schedule::values::weekday_short(weekday)
        ));
    }
    PlannedLive {
        key,
        class: Arc::clone(class),
        n,
        start,
        week,
        anchor,
        notes,
    }
}

/// Local wall-clock time to an instant: a time in a DST gap moves forward, an
/// ambiguous one takes the earlier instant; both are noted.
fn to_zoned(tz: &TimeZone, at: DateTime, notes: &mut Vec<String>) -> jiff::ZonedDateTime {
    let ambiguous = tz.to_ambiguous_zoned_datetime(at);
    let offset = ambiguous.offset();
    let zoned = ambiguous
        .compatible()
        .unwrap_or_else(|_| jiff::ZonedDateTime::new(jiff::Timestamp::UNIX_EPOCH, tz.clone()));
    match offset {
        jiff::tz::AmbiguousOffset::Gap { .. } => notes.push(format!(
            "{} does not exist (DST); starts at {}",
            fmt_local(at),
            fmt_local(zoned.datetime())
        )),
        jiff::tz::AmbiguousOffset::Fold { .. } => notes.push(format!(
            "{} happens twice (DST); the first is used",
            fmt_local(at)
        )),
        jiff::tz::AmbiguousOffset::Unambiguous { .. } => {}
    }
    zoned
}

pub fn fmt_local(at: DateTime) -> String {
    at.strftime("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sessions_that_start_together_are_in_the_order_of_their_keys_text() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.yaml");
        let ids = ["c1", "c1-a", "c10", "c1.b", "c1x", "b", "c1_", "C1"];
        let mut text = String::from(
            "version: 1\nterm: { name: t, timezone: Asia/Shanghai, start: 2027-03-01, end: 2027-03-14 }\n\
             defaults: { anchor: a, duration: 1h }\nclasses:\n",
        );
        for id in ids {
            text.push_str(&format!(
                "  - {{ id: \"{id}\", theme: t, weekly: {{ days: [mon, tue], at: [\"10:00\", \"11:00\"] }} }}\n"
            ));
        }
        std::fs::write(&file, text).unwrap();
        let planned = crate::plan::plan_term(&file, false);
        let plan = planned
            .plan
            .unwrap_or_else(|| panic!("{:?}", planned.problems));
        let got: Vec<(i64, String)> = plan
            .lives
            .iter()
            .map(|l| (l.start.timestamp().as_second(), l.key.to_string()))
            .collect();
        let mut want = got.clone();
        want.sort();
        assert_eq!(got.len(), ids.len() * 2 * 2 * 2);
        assert_eq!(got, want);
    }

    proptest::proptest! {
        #[test]
        fn permute_puts_what_was_at_from_p_at_p(
            keys in proptest::collection::vec(proptest::num::u32::ANY, 0..60)
        ) {
            // A permutation: the places of `keys` in the order of their values.
            let mut from: Vec<usize> = (0..keys.len()).collect();
            from.sort_by_key(|&i| (keys[i], i));
            let items: Vec<String> = (0..keys.len()).map(|i| format!("item {i}")).collect();
            let want: Vec<String> = from.iter().map(|&q| items[q].clone()).collect();
            let mut got = items;
            super::permute(&mut got, &mut from);
            proptest::prop_assert_eq!(got, want);
        }
    }
}
