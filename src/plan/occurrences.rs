//! The dates a class's recurrence gives inside the term: its weekly timetable,
//! its listed dates or its rule, after holidays, skips and bounds.

use std::sync::Arc;

use jiff::civil::{Date, DateTime, Weekday};

use super::days::TermDays;
use super::live::{Plan, SkipReason, Skipped};
use crate::calendar::{Calendar, DayKind};
use crate::schedule::{Class, Problem, Recurrence, RuleSpec, Weekly};

/// A session the recurrence produced, before changes.
pub(super) struct Occurrence {
    pub at: DateTime,
    /// Its day's place in [`TermDays`], when the recurrence walked them.
    pub day: Option<usize>,
}

/// The sessions a class's recurrence gives inside the term, after holidays, skips
/// and bounds; dropped ones are recorded in `plan.skipped`.
/// Stops early once past `room` (the caller refuses the class then).
pub(super) fn occurrences(
    class: &Class,
    days: &TermDays<'_>,
    id: &Arc<str>,
    plan: &mut Plan,
    room: usize,
) -> Vec<Occurrence> {
    let term = days.cal.term;
    let from = class.bounds.from.map_or(term.start, |f| f.max(term.start));
    let until = class.bounds.until.map_or(term.end, |u| u.min(term.end));
    let mut dropped = Dropped { class: id, plan };
    let mut out = match &class.recurrence {
        Recurrence::Weekly(weekly) => {
            weekly_dates(class, weekly, days, (from, until), &mut dropped, room)
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
    room: usize,
) -> Vec<Occurrence> {
    let mut out = Vec::new();
    let first_week = days.cal.week_of(from);
    let meets = |weekday, week| meets(weekly, weekday, week, first_week);
    let first = days.first_from(from);
    for (at, day) in days.between(from, until).iter().enumerate() {
        if out.len() > room {
            break;
        }
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
                        Some(class.places.when),
                    )
                    .label("expected dates within the term")
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
                        Some(class.places.when),
                    )
                    .label("expected teaching days")
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
