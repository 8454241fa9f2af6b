//! Expansion of a schedule into sessions: recurrence, holidays, skips, changes, keys.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

use super::live::{Plan, PlannedLive, SkipReason, Skipped};
use crate::calendar::{Calendar, DayKind};
use crate::schedule::{
    Change, ChangeAction, Class, LivingKind, Media, Problem, Recurrence, RuleSpec, Schedule, Weekly,
};
use crate::wecom::limits::ACTIVITY_MAX_IMAGES;
use crate::wecom::types::{ActivityDetail, CreateLiving};

/// A session the recurrence produced, before changes.
struct Occurrence {
    at: DateTime,
}

/// A session after the changes that name it: when, by whom, and what moved.
struct Session {
    at: DateTime,
    anchor: String,
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
pub fn expand_within(schedule: &Schedule, max_sessions: usize) -> Plan {
    let cal = Calendar::new(&schedule.term);
    let mut plan = Plan::default();
    let mut changes = Changes::new(&schedule.changes);
    for class in &schedule.classes {
        let room = max_sessions.saturating_sub(plan.lives.len());
        if !expand_class(class, &cal, &mut changes, &mut plan, room) {
            plan.problems.push(
                Problem::error(
                    format!("the schedule has more than {max_sessions} sessions"),
                    Some(class.origin),
                )
                .label("the class that passed the limit")
                .help("check its days, times and dates; `--max-sessions N` raises the limit"),
            );
            return plan;
        }
    }
    changes.warn_unused(&schedule.classes, &mut plan);
    plan.lives
        .sort_by(|a, b| (a.start.timestamp(), &a.key).cmp(&(b.start.timestamp(), &b.key)));
    plan.skipped
        .sort_by(|a, b| (a.date, &a.class).cmp(&(b.date, &b.class)));
    plan
}

/// A class's sessions, numbered and keyed in recurrence order, after the changes
/// naming them; `false` (and nothing added) when it has more than `room`.
fn expand_class(
    class: &Class,
    cal: &Calendar<'_>,
    changes: &mut Changes<'_>,
    plan: &mut Plan,
    room: usize,
) -> bool {
    let before = plan.lives.len();
    let mut per_date: BTreeMap<Date, u32> = BTreeMap::new();
    let occurrences = occurrences(class, cal, plan, room);
    if occurrences.len() > room {
        return false;
    }
    for (i, occ) in occurrences.into_iter().enumerate() {
        let date = occ.at.date();
        let nth = per_date.entry(date).or_insert(0);
        *nth += 1;
        let key = if *nth == 1 {
            format!("{}/{date}", class.id)
        } else {
            format!("{}/{date}#{nth}", class.id)
        };
        let Some(session) = changes.apply(class, &key, occ, cal, plan) else {
            plan.skipped.push(Skipped {
                class: class.id.clone(),
                date,
                reason: SkipReason::Cancelled,
            });
            continue;
        };
        let live = live(class, cal, key, i as u32 + 1, date, session);
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
    by_session: HashMap<(&'s str, Date), Vec<usize>>,
    used: Vec<bool>,
}

impl<'s> Changes<'s> {
    fn new(all: &'s [Change]) -> Self {
        let mut by_session: HashMap<(&str, Date), Vec<usize>> = HashMap::new();
        for (i, c) in all.iter().enumerate() {
            by_session
                .entry((c.class.as_str(), c.date))
                .or_default()
                .push(i);
        }
        Self {
            all,
            by_session,
            used: vec![false; all.len()],
        }
    }

    /// The session `occ` after every change naming it, or `None` if one cancels it.
    fn apply(
        &mut self,
        class: &Class,
        key: &str,
        occ: Occurrence,
        cal: &Calendar<'_>,
        plan: &mut Plan,
    ) -> Option<Session> {
        let mut session = Session {
            at: occ.at,
            anchor: class.anchor.clone(),
            notes: Vec::new(),
        };
        let Some(list) = self.by_session.get(&(class.id.as_str(), occ.at.date())) else {
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
                    }
                    if let Some(a) = anchor {
                        session
                            .notes
                            .push(format!("anchor changed from {}", session.anchor));
                        session.anchor = a.clone();
                    }
                }
            }
        }
        (!cancelled).then_some(session)
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

/// The sessions a class's recurrence gives inside the term, after holidays, skips
/// and bounds; dropped ones are recorded in `plan.skipped`.
/// Stops early once past `room` (the caller refuses the class then).
fn occurrences(class: &Class, cal: &Calendar<'_>, plan: &mut Plan, room: usize) -> Vec<Occurrence> {
    let term = cal.term;
    let from = class.bounds.from.map_or(term.start, |f| f.max(term.start));
    let until = class.bounds.until.map_or(term.end, |u| u.min(term.end));
    let mut out = match &class.recurrence {
        Recurrence::Weekly(weekly) => weekly_dates(class, weekly, cal, (from, until), plan, room),
        Recurrence::Dates(list) => {
            let mut list = list.clone();
            list.sort();
            dated(class, cal, list, (from, until), true, plan)
        }
        Recurrence::Rule(rule) => rule_dates(class, rule, cal, (from, until), plan),
    };
    if let Some(count) = class.bounds.count {
        out.truncate(count as usize);
    }
    out
}

/// Walks the days from `from` to `until`, keeping those the class meets on.
fn weekly_dates(
    class: &Class,
    weekly: &Weekly,
    cal: &Calendar<'_>,
    (from, until): (Date, Date),
    plan: &mut Plan,
    room: usize,
) -> Vec<Occurrence> {
    let mut out = Vec::new();
    let skip = |date: Date, reason: SkipReason, plan: &mut Plan| {
        plan.skipped.push(Skipped {
            class: class.id.clone(),
            date,
            reason,
        });
    };
    let first_week = cal.week_of(from);
    let meets = |weekday, week| meets(weekly, weekday, week, first_week);
    let mut date = from;
    while date <= until && out.len() <= room {
        match cal.day(date) {
            DayKind::Teaching { weekday, week, .. } if meets(weekday, week) => {
                if class.bounds.skip.contains(&date) {
                    skip(date, SkipReason::Skipped, plan);
                } else {
                    for t in &weekly.at {
                        out.push(Occurrence {
                            at: date.to_datetime(*t),
                        });
                    }
                }
            }
            DayKind::Holiday(h) if meets(date.weekday(), cal.week_of(date)) => {
                skip(date, SkipReason::Holiday(h.name.clone()), plan);
            }
            _ => {}
        }
        let Some(next) = date.tomorrow().ok() else {
            break;
        };
        date = next;
    }
    out
}

/// A rule's occurrences up to `until`, if it is in the term's zone and expands.
fn rule_dates(
    class: &Class,
    rule: &RuleSpec,
    cal: &Calendar<'_>,
    (from, until): (Date, Date),
    plan: &mut Plan,
) -> Vec<Occurrence> {
    let term = cal.term;
    if let Some(tzid) = rule.spec.tzid.as_deref().filter(|t| *t != term.tz_name) {
        plan.problems.push(
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
        Ok(list) => dated(class, cal, list, (from, until), false, plan),
        Err(err) => {
            plan.problems.push(
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
    plan: &mut Plan,
) -> Vec<Occurrence> {
    let mut out = Vec::new();
    for at in list {
        let date = at.date();
        if !cal.contains(date) {
            if explicit {
                plan.problems.push(
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
        let skipped = |reason| Skipped {
            class: class.id.clone(),
            date,
            reason,
        };
        if class.bounds.skip.contains(&date) {
            plan.skipped.push(skipped(SkipReason::Skipped));
            continue;
        }
        if let Some(h) = cal.holiday(date) {
            if explicit {
                plan.problems.push(
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
            plan.skipped
                .push(skipped(SkipReason::Holiday(h.name.clone())));
            continue;
        }
        out.push(Occurrence { at });
    }
    out
}

fn meets(weekly: &Weekly, weekday: jiff::civil::Weekday, week: i32, first_week: i32) -> bool {
    weekly.days.contains(&weekday)
        && weekly.weeks.as_ref().is_none_or(|w| w.contains(week))
        && (week - first_week).rem_euclid(weekly.every) == 0
}

fn live(
    class: &Class,
    cal: &Calendar<'_>,
    key: String,
    n: u32,
    original_date: Date,
    session: Session,
) -> PlannedLive {
    let Session {
        at,
        anchor,
        mut notes,
    } = session;
    let tz = &cal.term.tz;
    let start = to_zoned(tz, at, &mut notes);
    let date = start.date();
    // The teaching week that decided the session: a make-up day running another
    // date's timetable is in that date's week, for `{week}` and the week shown too.
    let week = match cal.day(date) {
        DayKind::Teaching {
            makeup: true,
            weekday,
            week,
        } => {
            notes.push(format!(
                "调休 make-up day running {}'s timetable",
                crate::schedule::values::weekday_short(weekday)
            ));
            week
        }
        DayKind::Teaching { week, .. } => week,
        _ => cal.week_of(date),
    };
    let theme = fill_theme(&class.theme, n, week, date);
    let activity_kind = class.kind == LivingKind::Activity;
    let request = CreateLiving {
        anchor_userid: anchor.clone(),
        theme: theme.clone(),
        living_start: start.timestamp().as_second(),
        living_duration: class.duration,
        living_type: class.kind.code(),
        description: if activity_kind {
            None
        } else {
            class.description.clone()
        },
        agentid: class.agentid,
        remind_time: class.remind,
        activity_cover_mediaid: activity_media(class, |a| a.cover.as_ref()),
        activity_share_mediaid: activity_media(class, |a| a.share.as_ref()),
        activity_detail: activity_kind.then(|| {
            let a = class.activity.clone().unwrap_or_default();
            ActivityDetail {
                description: a.description.or_else(|| class.description.clone()),
                image_list: a
                    .images
                    .iter()
                    .take(ACTIVITY_MAX_IMAGES)
                    .map(media_ref)
                    .collect(),
            }
        }),
    };
    PlannedLive {
        key,
        class: class.id.clone(),
        n,
        original_date,
        weekday: date.weekday(),
        start,
        week,
        anchor,
        kind: class.kind,
        theme,
        duration: class.duration,
        description: class.description.clone(),
        remind: class.remind,
        activity: class.activity.clone(),
        request,
        notes,
    }
}

fn activity_media(
    class: &Class,
    pick: impl Fn(&crate::schedule::Activity) -> Option<&Media>,
) -> Option<String> {
    if class.kind != LivingKind::Activity {
        return None;
    }
    class.activity.as_ref().and_then(pick).map(media_ref)
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

/// `{n}` session number, `{week}` teaching week, `{date}` like `3月1日`.
pub fn fill_theme(template: &str, n: u32, week: i32, date: Date) -> String {
    template
        .replace("{n}", &n.to_string())
        .replace("{week}", &week.to_string())
        .replace("{date}", &format!("{}月{}日", date.month(), date.day()))
}
