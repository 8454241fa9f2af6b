//! Expansion of a schedule into sessions: recurrence, holidays, skips, changes, keys.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;

use super::key::SessionKey;
use super::live::{ActivityBody, LiveClass, Plan, PlannedLive, SkipReason, Skipped};
use crate::calendar::{Calendar, DayKind};
use crate::schedule::{
    Change, ChangeAction, Class, LivingKind, Media, Problem, Recurrence, RuleSpec, Schedule, Weekly,
};
use crate::wecom::limits::ACTIVITY_MAX_IMAGES;
use crate::wecom::types::ActivityDetail;

/// A session the recurrence produced, before changes.
struct Occurrence {
    at: DateTime,
    /// Its day's place in [`TermDays`], when the recurrence walked them.
    day: Option<usize>,
}

/// A session after the changes that name it: when, by whom, and what moved.
struct Session {
    at: DateTime,
    /// The place in [`TermDays`] of the day it was given, if known.
    day: Option<usize>,
    anchor: Arc<str>,
    notes: Vec<String>,
}

/// Expands every class of `schedule` into sessions, sorted by start then key.
pub fn expand(schedule: &Schedule) -> Plan {
    let cal = Calendar::new(&schedule.term);
    let days = TermDays::new(&cal);
    let mut plan = Plan::default();
    let mut changes = Changes::new(&schedule.changes);
    for (index, class) in schedule.classes.iter().enumerate() {
        expand_class(class, index, &days, &mut changes, &mut plan);
    }
    changes.warn_unused(&schedule.classes, &mut plan);
    sort_lives(&mut plan.lives);
    plan.skipped
        .sort_by(|a, b| (a.date, &a.class).cmp(&(b.date, &b.class)));
    plan
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
            occurrences(class, &days, &id, &mut dropped).len()
        })
        .sum()
}

/// Sorts by start, then key: each pair is made once and the pairs are sorted,
/// rather than sessions moved about and their keys looked up at each comparison.
fn sort_lives(lives: &mut [PlannedLive]) {
    lives.sort_by_cached_key(|l| (l.start.timestamp(), l.key.clone()));
}

/// The term's days, each asked of the calendar once: every class walks them.
struct TermDays<'t> {
    cal: &'t Calendar<'t>,
    /// Every day of the term, in order.
    days: Vec<Day<'t>>,
}

struct Day<'t> {
    date: Date,
    kind: DayKind<'t>,
    /// The teaching week the date is in (a make-up day may run another week's timetable).
    week: i32,
}

impl<'t> TermDays<'t> {
    fn new(cal: &'t Calendar<'t>) -> TermDays<'t> {
        let term = cal.term;
        let mut days = Vec::new();
        let mut date = term.start;
        while date <= term.end {
            days.push(Day {
                date,
                kind: cal.day(date),
                week: cal.week_of(date),
            });
            let Ok(next) = date.tomorrow() else { break };
            date = next;
        }
        TermDays { cal, days }
    }

    /// The days from `from` to `until`, both included.
    fn between(&self, from: Date, until: Date) -> &[Day<'t>] {
        let first = self.days.partition_point(|d| d.date < from);
        let end = self.days.partition_point(|d| d.date <= until);
        self.days.get(first..end).unwrap_or_default()
    }

    /// What `date` is, and its teaching week: from the table within the term,
    /// at `hint` if that is its place.
    fn day(&self, date: Date, hint: Option<usize>) -> (DayKind<'t>, i32) {
        let at = hint
            .filter(|&at| self.days.get(at).is_some_and(|d| d.date == date))
            .or_else(|| self.days.binary_search_by_key(&date, |d| d.date).ok());
        match at.and_then(|at| self.days.get(at)) {
            Some(day) => (day.kind.clone(), day.week),
            None => (self.cal.day(date), self.cal.week_of(date)),
        }
    }
}

/// A class's sessions, numbered and keyed in recurrence order, after the changes naming them.
fn expand_class(
    class: &Class,
    index: usize,
    days: &TermDays<'_>,
    changes: &mut Changes<'_>,
    plan: &mut Plan,
) {
    let before = plan.lives.len();
    let shared = Arc::new(live_class(class, index));
    let anchor: Arc<str> = Arc::from(class.anchor.as_str());
    let mut numbering = PerDate::default();
    let mut changes = changes.of(&class.id);
    for (i, occ) in occurrences(class, days, &shared.id, plan)
        .into_iter()
        .enumerate()
    {
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
            .label("expands to nothing")
            .help("check its days, weeks, from/until and the term's dates"),
        );
    }
}

/// Numbers a class's sessions on each date, `#2` for the second. Every
/// recurrence gives a date's sessions one after another and the dates in order
/// (a weekly class walks the days; dates and rules come sorted), so each date
/// is usually the last one counted or a new one; any other is looked up.
#[derive(Default)]
struct PerDate {
    /// Each date so far and its sessions, in the order the dates first came.
    counted: Vec<(Date, u32)>,
}

impl PerDate {
    fn next(&mut self, date: Date) -> u32 {
        let seen = match self.counted.last() {
            Some((last, _)) if *last < date => None,
            _ => self.counted.iter_mut().rev().find(|(day, _)| *day == date),
        };
        match seen {
            Some((_, nth)) => {
                *nth += 1;
                *nth
            }
            None => {
                self.counted.push((date, 1));
                1
            }
        }
    }
}

/// What every session of `class` shares.
fn live_class(class: &Class, index: usize) -> LiveClass {
    let activity = (class.kind == LivingKind::Activity).then(|| {
        let a = class.activity.clone().unwrap_or_default();
        ActivityBody {
            cover: a.cover.as_ref().map(media_ref),
            share: a.share.as_ref().map(media_ref),
            detail: ActivityDetail {
                description: a.description.or_else(|| class.description.clone()),
                image_list: a
                    .images
                    .iter()
                    .take(ACTIVITY_MAX_IMAGES)
                    .map(media_ref)
                    .collect(),
            },
        }
    });
    LiveClass {
        id: Arc::from(class.id.as_str()),
        index,
        theme: class.theme.clone(),
        kind: class.kind,
        duration: class.duration,
        remind: class.remind,
        description: class.description.clone(),
        agentid: class.agentid,
        activity,
    }
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
                    .label("this change matches nothing")
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
                                    Some(change.origin),
                                )
                                .label("this change")
                                .help(
                                    "move it within `term.start` … `term.end`, or widen the term",
                                ),
                            );
                        }
                        session
                            .notes
                            .push(format!("moved from {}", fmt_local(occ.at)));
                        session.at = *to;
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

/// The sessions a class's recurrence gives inside the term, after holidays, skips
/// and bounds; dropped ones are recorded in `plan.skipped`.
fn occurrences(
    class: &Class,
    days: &TermDays<'_>,
    id: &Arc<str>,
    plan: &mut Plan,
) -> Vec<Occurrence> {
    let term = days.cal.term;
    let from = class.bounds.from.map_or(term.start, |f| f.max(term.start));
    let until = class.bounds.until.map_or(term.end, |u| u.min(term.end));
    let mut dropped = Dropped { class: id, plan };
    let mut out = match &class.recurrence {
        Recurrence::Weekly(weekly) => {
            weekly_dates(class, weekly, days, (from, until), &mut dropped)
        }
        Recurrence::Dates(list) => {
            let mut list = list.clone();
            list.sort();
            dated(class, days.cal, list, (from, until), true, &mut dropped)
        }
        Recurrence::Rule(rule) => rule_dates(class, rule, days.cal, (from, until), &mut dropped),
    };
    if let Some(count) = class.bounds.count {
        out.truncate(count as usize);
    }
    out
}

/// Where a class's dropped dates go: the plan's skipped sessions, or its problems.
struct Dropped<'a, 'p> {
    class: &'a Arc<str>,
    plan: &'p mut Plan,
}

impl Dropped<'_, '_> {
    fn skip(&mut self, date: Date, reason: SkipReason) {
        self.plan.skipped.push(Skipped {
            class: Arc::clone(self.class),
            date,
            reason,
        });
    }

    fn problem(&mut self, problem: Problem) {
        self.plan.problems.push(problem);
    }
}

/// Walks the days from `from` to `until`, keeping those the class meets on.
fn weekly_dates(
    class: &Class,
    weekly: &Weekly,
    days: &TermDays<'_>,
    (from, until): (Date, Date),
    dropped: &mut Dropped<'_, '_>,
) -> Vec<Occurrence> {
    let mut out = Vec::new();
    let first_week = days.cal.week_of(from);
    let meets = |weekday, week| meets(weekly, weekday, week, first_week);
    let first = days.days.partition_point(|d| d.date < from);
    for (at, day) in days.between(from, until).iter().enumerate() {
        match day.kind {
            DayKind::Teaching { weekday, week, .. } if meets(weekday, week) => {
                if class.bounds.skip.contains(&day.date) {
                    dropped.skip(day.date, SkipReason::Skipped);
                } else {
                    for t in &weekly.at {
                        out.push(Occurrence {
                            at: day.date.to_datetime(*t),
                            day: Some(first + at),
                        });
                    }
                }
            }
            DayKind::Holiday(h) if meets(day.date.weekday(), day.week) => {
                dropped.skip(day.date, SkipReason::Holiday(h.name.clone()));
            }
            _ => {}
        }
    }
    out
}

/// A rule's occurrences up to `until`, if it is in the term's zone and expands.
fn rule_dates(
    class: &Class,
    rule: &RuleSpec,
    cal: &Calendar<'_>,
    (from, until): (Date, Date),
    dropped: &mut Dropped<'_, '_>,
) -> Vec<Occurrence> {
    let term = cal.term;
    if let Some(tzid) = rule.spec.tzid.as_deref().filter(|t| *t != term.tz_name) {
        dropped.problem(
            Problem::error(
                format!(
                    "the `rrule` of `{}` is in `{tzid}`, the term in `{}`",
                    class.id, term.tz_name
                ),
                Some(rule.origin),
            )
            .label("TZID differs from `term.timezone`")
            .help("write DTSTART in the term's zone, or drop its TZID"),
        );
        return Vec::new();
    }
    let limit = until.to_datetime(jiff::civil::Time::MAX);
    match rule.spec.occurrences(&term.tz, limit) {
        Ok(list) => dated(class, cal, list, (from, until), false, dropped),
        Err(err) => {
            dropped.problem(
                Problem::error(
                    format!(
                        "cannot expand the `rrule` of `{}`: {}",
                        class.id, err.message
                    ),
                    Some(rule.origin),
                )
                .label("this rule"),
            );
            Vec::new()
        }
    }
}

/// Sessions at given local times (explicit `dates`, or a rule's occurrences),
/// kept to the term and the class's bounds; skips and holidays drop them.
/// `explicit` dates that fall outside the term or on a holiday are warned about:
/// a rule's are not, as a rule does not name its dates one by one.
fn dated(
    class: &Class,
    cal: &Calendar<'_>,
    list: Vec<DateTime>,
    (from, until): (Date, Date),
    explicit: bool,
    dropped: &mut Dropped<'_, '_>,
) -> Vec<Occurrence> {
    let mut out = Vec::new();
    for at in list {
        let date = at.date();
        if !cal.contains(date) {
            if explicit {
                dropped.problem(
                    Problem::warning(
                        format!(
                            "a session of `{}` on {date} is outside the term and is left out",
                            class.id
                        ),
                        Some(class.origin),
                    )
                    .label("this class")
                    .help("widen `term.start`/`term.end` if it belongs to the term"),
                );
            }
            continue;
        }
        if date < from || date > until {
            continue;
        }
        if class.bounds.skip.contains(&date) {
            dropped.skip(date, SkipReason::Skipped);
            continue;
        }
        if let Some(h) = cal.holiday(date) {
            if explicit {
                dropped.problem(
                    Problem::warning(
                        format!(
                            "a session of `{}` on {date} falls on a holiday{} and is left out",
                            class.id,
                            h.name
                                .as_deref()
                                .map(|n| format!(" ({n})"))
                                .unwrap_or_default()
                        ),
                        Some(class.origin),
                    )
                    .label("this class")
                    .help("use `changes` with `move_to` to hold it on another day"),
                );
            }
            dropped.skip(date, SkipReason::Holiday(h.name.clone()));
            continue;
        }
        out.push(Occurrence { at, day: None });
    }
    out
}

fn meets(weekly: &Weekly, weekday: Weekday, week: i32, first_week: i32) -> bool {
    weekly.days.contains(&weekday)
        && weekly.weeks.as_ref().is_none_or(|w| w.contains(week))
        && (week - first_week).rem_euclid(weekly.every) == 0
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

/// How a picture appears in a request before upload: its media_id, or `upload:PATH`.
pub fn media_ref(m: &Media) -> String {
    match m {
        Media::MediaId(id) => id.clone(),
        Media::File(p) => format!("upload:{}", p.display()),
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
    use super::*;
    use jiff::civil::date;

    #[test]
    fn sessions_are_numbered_within_their_date_whatever_the_order() {
        let (a, b) = (date(2027, 3, 1), date(2027, 3, 2));
        let mut per_date = PerDate::default();
        let numbers: Vec<u32> = [a, a, b, a, b, b].map(|d| per_date.next(d)).to_vec();
        assert_eq!(numbers, [1, 2, 1, 3, 2, 3]);
    }
}
