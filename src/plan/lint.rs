//! Checks over the expanded plan: what WeCom would reject (errors) and what a
//! person would want to know (warnings). A problem with a session points at the
//! field that produced the offending value (the `theme`, the `dates`, a change),
//! wherever it was written, `defaults` included.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use super::join::join;
use super::live::{Plan, PlannedLive};
use crate::schedule::{ChangeAction, Class, LivingKind, Origin, Problem, Recurrence, Schedule};
use crate::wecom::limits::{
    ACTIVITY_MAX_IMAGES, CREATES_PER_DAY, DESCRIPTION_MAX_BYTES, DESCRIPTION_MAX_CHARS,
    THEME_MAX_BYTES, THEME_MAX_CHARS,
};

/// Overlaps are reported up to this many, then counted.
const MAX_OVERLAPS_SHOWN: usize = 10;

/// Adds the plan's problems, class by class in schedule order, then the overlaps.
pub fn lint(schedule: &Schedule, plan: &mut Plan) {
    // The overlaps are found on a thread of their own meanwhile: both passes
    // only read the sessions.
    let ((long_themes, off_minute), overlapping) = join(
        || {
            let off_minute = first_session(plan, |l| l.start.second() != 0);
            (first_long_theme(plan), off_minute)
        },
        || overlapping(plan),
    );
    for class in &schedule.classes {
        let theme = long_themes
            .get(&class.id)
            .map(|&i| long_theme(class, &plan.lives[i]));
        let seconds = off_minute
            .get(&class.id)
            .map(|&i| not_on_a_minute(schedule, class, &plan.lives[i]));
        let found = theme
            .into_iter()
            .chain(long_description(class))
            .chain(seconds)
            .chain(activity_description(class))
            .chain(activity_section(class));
        for problem in found {
            plan.problems.push(problem);
        }
    }
    overlaps(schedule, plan, &overlapping);
}

fn too_long(text: &str, max_chars: usize, max_bytes: usize) -> bool {
    text.chars().count() > max_chars || text.len() > max_bytes
}

/// The first session of each class that `is_bad`, by class id.
///
/// A template's placeholders grow with `{n}` and `{date}`, so one session in the
/// middle of the term may be the first to overflow; one problem per class is enough.
fn first_session(plan: &Plan, is_bad: impl Fn(&PlannedLive) -> bool) -> BTreeMap<String, usize> {
    let mut first = BTreeMap::new();
    for (i, l) in plan.lives.iter().enumerate() {
        if is_bad(l) {
            first.entry(l.class_id().to_string()).or_insert(i);
        }
    }
    first
}

/// The first session of each class whose theme is too long once filled in, by
/// class id. Only the classes whose template could overflow have their themes
/// written out.
fn first_long_theme(plan: &Plan) -> BTreeMap<String, usize> {
    let mut first = BTreeMap::new();
    let mut theme = String::new();
    // By class (`LiveClass::index`): whether its template could overflow at all.
    let mut may_overflow: Vec<Option<bool>> = Vec::new();
    for (i, l) in plan.lives.iter().enumerate() {
        let class = l.class.index;
        if class >= may_overflow.len() {
            may_overflow.resize(class + 1, None);
        }
        if !*may_overflow[class].get_or_insert_with(|| longest_fill_too_long(&l.class.theme)) {
            continue;
        }
        theme.clear();
        let _ = write!(theme, "{}", l.theme());
        if too_long(&theme, THEME_MAX_CHARS, THEME_MAX_BYTES) {
            first.entry(l.class_id().to_string()).or_insert(i);
        }
    }
    first
}

/// Whether a theme template filled in at its longest would be too long: `{n}`
/// as ten digits, `{week}` as a sign and ten, `{date}` as `12月31日`. A template
/// that fits then needs none of its sessions checked.
fn longest_fill_too_long(template: &str) -> bool {
    let [n, week, date] = ["{n}", "{week}", "{date}"].map(|p| template.matches(p).count());
    let chars = template.chars().count() + n * (10 - 3) + week * (11 - 6);
    let bytes = template.len() + n * (10 - 3) + week * (11 - 6) + date * (10 - 6);
    chars > THEME_MAX_CHARS || bytes > THEME_MAX_BYTES
}

fn long_theme(class: &Class, long: &PlannedLive) -> Problem {
    let theme = long.theme().to_string();
    Problem::error(
        format!("theme of `{}` is too long once filled in", long.key),
        Some(class.places.theme),
    )
    .label(format!(
        "expected at most {THEME_MAX_CHARS} characters and {THEME_MAX_BYTES} bytes; filled in, `{}` has {} characters, {} bytes",
        theme,
        theme.chars().count(),
        theme.len()
    ))
    .help(format!(
        "WeCom rejects longer themes; `{{n}}`, `{{week}}` and `{{date}}` grow as the term goes on, so shorten the fixed text of `theme` (class `{}`)",
        class.id
    ))
}

/// Checks the description that is sent: an activity live's own, else the class's.
fn long_description(class: &Class) -> Option<Problem> {
    let own = (class.kind == LivingKind::Activity)
        .then(|| class.activity.as_ref().and_then(|a| a.description.as_ref()))
        .flatten();
    let (description, place) = match own {
        Some(d) => (d, class.places.activity_description),
        None => (class.description.as_ref()?, class.places.description),
    };
    too_long(description, DESCRIPTION_MAX_CHARS, DESCRIPTION_MAX_BYTES).then(|| {
        Problem::error(
            format!("description of `{}` is too long", class.id),
            Some(place.unwrap_or(class.origin)),
        )
        .label(format!(
            "expected at most {DESCRIPTION_MAX_CHARS} characters and {DESCRIPTION_MAX_BYTES} bytes; this has {} characters, {} bytes",
            description.chars().count(),
            description.len()
        ))
        .help("WeCom rejects longer descriptions; shorten it")
    })
}

/// A session that does not start on a whole minute: WeCom takes it, but a live at
/// 09:00:10 is a slip. Points at what gave the seconds: a change that moved the
/// session, an RDATE, the rule's BYSECOND or FREQ, its start, or the dates listed.
fn not_on_a_minute(schedule: &Schedule, class: &Class, live: &PlannedLive) -> Problem {
    let at = live.start.datetime();
    let moved = schedule.changes.iter().find(|c| {
        c.class == class.id
            && c.date == live.original_date()
            && matches!(&c.action, ChangeAction::Edit { move_to: Some(to), .. } if *to == at)
    });
    let place = match (&class.recurrence, moved) {
        (_, Some(change)) => change.move_to_at.unwrap_or(change.origin),
        (Recurrence::Rule(rule), None) => rule
            .rdates
            .iter()
            .find(|(dt, _)| *dt == at)
            .map(|(_, origin)| *origin)
            .or(rule.seconds_at)
            .unwrap_or(rule.origin),
        _ => class.places.when,
    };
    Problem::warning(
        format!(
            "session `{}` starts at {}, not on a whole minute",
            live.key,
            at.strftime("%H:%M:%S")
        ),
        Some(place),
    )
    .label("expected a start on a whole minute")
    .help(
        "WeCom takes any second, but a live at 09:00:10 is almost surely a slip; drop the seconds",
    )
}

/// WeCom ignores `description` on an activity live, so say where the text went.
fn activity_description(class: &Class) -> Option<Problem> {
    if class.kind != LivingKind::Activity || class.description.is_none() {
        return None;
    }
    let has_own = class
        .activity
        .as_ref()
        .is_some_and(|a| a.description.is_some());
    Some(
        Problem::warning(
            if has_own {
                format!("`description` of activity `{}` is not sent: activity lives take `activity.description`", class.id)
            } else {
                format!("`description` of activity `{}` is sent as `activity_detail.description`", class.id)
            },
            Some(class.places.description.unwrap_or(class.origin)),
        )
        .label("expected `activity.description` on an activity live (type 4)")
        .help("write it as `activity: { description: … }`"),
    )
}

/// What of an `activity:` section WeCom would drop: extra images, or all of it.
fn activity_section(class: &Class) -> Vec<Problem> {
    let Some(a) = &class.activity else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    if a.images.len() > ACTIVITY_MAX_IMAGES {
        problems.push(
            Problem::warning(
                format!(
                    "activity `{}` has {} images; WeCom keeps the first {ACTIVITY_MAX_IMAGES}",
                    class.id,
                    a.images.len()
                ),
                Some(class.places.images.unwrap_or(class.origin)),
            )
            .label(format!("expected at most {ACTIVITY_MAX_IMAGES} images"))
            .help("the images after the fifth are not sent; keep the five that matter"),
        );
    }
    if class.kind != LivingKind::Activity {
        problems.push(
            Problem::warning(
                format!(
                    "`activity` of `{}` is ignored: it is not an activity live",
                    class.id
                ),
                Some(class.places.activity.unwrap_or(class.origin)),
            )
            .label("expected on an activity live only")
            .help("set `type: activity` to send the cover, share image and details"),
        );
    }
    problems
}

/// Where a session's time and anchor were last set: a change that moved or
/// re-anchored it, or the class's recurrence.
fn set_at(schedule: &Schedule, live: &PlannedLive) -> Option<Origin> {
    let changed = schedule.changes.iter().find(|c| {
        c.class == live.class_id()
            && c.date == live.original_date()
            && matches!(c.action, ChangeAction::Edit { .. })
    });
    changed.map(|c| c.origin).or_else(|| {
        schedule
            .classes
            .iter()
            .find(|c| c.id == live.class_id())
            .map(|c| c.places.when)
    })
}

/// Two sessions of one anchor at the same time cannot both be given.
/// Pairs of sessions of one anchor where the second starts before the first
/// ends, by anchor, then start.
fn overlapping(plan: &Plan) -> Vec<(usize, usize)> {
    let mut by_anchor: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, l) in plan.lives.iter().enumerate() {
        by_anchor.entry(&l.anchor).or_default().push(i);
    }
    // By anchor, so that the overlaps shown first are always the same ones.
    let mut by_anchor: Vec<(&str, Vec<usize>)> = by_anchor.into_iter().collect();
    by_anchor.sort_unstable_by_key(|(anchor, _)| *anchor);
    let mut found = Vec::new();
    for (_, list) in &by_anchor {
        // `plan.lives` is sorted by start, so each list is too.
        let mut latest_end: Option<(i64, usize)> = None;
        for &i in list {
            let l = &plan.lives[i];
            let start = l.start.timestamp().as_second();
            if let Some((end, j)) = latest_end
                && start < end
            {
                found.push((j, i));
            }
            let end = start + l.duration();
            if latest_end.is_none_or(|(e, _)| end > e) {
                latest_end = Some((end, i));
            }
        }
    }
    found
}

fn overlaps(schedule: &Schedule, plan: &mut Plan, found: &[(usize, usize)]) {
    let total = found.len();
    for &(a, b) in found.iter().take(MAX_OVERLAPS_SHOWN) {
        let (a, b) = (&plan.lives[a], &plan.lives[b]);
        let origin = set_at(schedule, b);
        let other = set_at(schedule, a).filter(|o| Some(*o) != origin);
        plan.problems.push(
            Problem::warning(
                format!(
                    "anchor `{}` has two sessions at once: `{}` and `{}` ({})",
                    a.anchor,
                    a.key,
                    b.key,
                    super::fmt_local(b.start.datetime())
                ),
                origin,
            )
            .label(format!(
                "expected one session at a time for `{}`: this one starts before `{}` ends",
                a.anchor, a.key
            ))
            .help("move one of them, or give one another anchor with `changes`")
            .also(other),
        );
    }
    if total > MAX_OVERLAPS_SHOWN {
        plan.problems.push(Problem::warning(
            format!(
                "{} more overlapping sessions not shown",
                total - MAX_OVERLAPS_SHOWN
            ),
            None,
        ));
    }
}

/// More creates than WeCom allows in a day: the apply will need several days.
pub fn lint_creates(creates: usize) -> Option<Problem> {
    (creates > CREATES_PER_DAY as usize).then(|| {
        Problem::warning(
            format!("{creates} lives to create; WeCom allows {CREATES_PER_DAY} per app per day"),
            None,
        )
        .help(format!(
            "apply with `--max-creates {CREATES_PER_DAY}` on successive days"
        ))
    })
}
