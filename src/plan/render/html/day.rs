//! One day of the HTML page: its marks, its sessions, and what was dropped from it or moved away.

use std::fmt::Write;

use jiff::Span;
use jiff::civil::Date;

use super::{Page, WEEKDAYS, day_name, esc, label, short};
use crate::calendar::{DayKind, RunsAs};
use crate::ledger::KeyState;
use crate::plan::changes::{Action, Course, course, drift};
use crate::plan::render::state::SessionState;
use crate::plan::{PlannedLive, SkipReason, Skipped};

/// The day's `<td>`: the date, a holiday or make-up mark, then its sessions.
pub(super) fn day(
    out: &mut impl Write,
    page: &Page<'_>,
    date: Date,
    lives: &[&PlannedLive],
    dropped: &[&Skipped],
    moved_away: &[&PlannedLive],
) {
    let (kind, mark) = day_mark(page, date);
    let mut classes = vec!["day"];
    classes.extend(kind);
    if date == page.today {
        classes.push("today");
    }
    if lives.is_empty() && dropped.is_empty() && moved_away.is_empty() && mark.is_empty() {
        classes.push("empty");
    }
    let (en, zh) = WEEKDAYS[date.weekday().to_monday_zero_offset() as usize];
    let _ = write!(
        out,
        "<td class=\"{}\" data-date=\"{date}\"><div class=\"date\"><span class=\"dow\">{en} {zh} · </span>{}</div>{mark}",
        classes.join(" "),
        short(date),
    );
    for l in lives {
        session(out, page, l);
    }
    for s in dropped {
        dropped_marker(out, page, s);
    }
    for l in moved_away {
        moved_away_marker(out, page, l);
    }
    let _ = out.write_str("</td>\n");
}

/// The CSS class for what kind of day `date` is, and the mark shown under its date.
fn day_mark(page: &Page<'_>, date: Date) -> (Option<&'static str>, String) {
    match page.cal.day(date) {
        DayKind::OutOfTerm => (Some("out"), String::new()),
        DayKind::Holiday(h) => {
            let name = h.name.as_deref().unwrap_or("holiday");
            let mark = format!("<div class=\"mark holiday\">{}</div>", esc(name));
            (Some("holiday"), mark)
        }
        DayKind::Teaching { makeup: true, .. } => {
            let what = makeup_runs(page, date);
            let mark = format!("<div class=\"mark makeup\">调休 make-up · {what}</div>");
            (Some("makeup"), mark)
        }
        DayKind::Teaching { .. } => (None, String::new()),
    }
}

/// Whose timetable a 调休 make-up day runs, as the mark says it.
fn makeup_runs(page: &Page<'_>, date: Date) -> String {
    let runs = page
        .cal
        .term
        .workdays
        .iter()
        .find(|w| w.date == date)
        .map(|w| w.runs);
    match runs {
        Some(RunsAs::Weekday(w)) => format!("runs {}’s timetable", day_name(w)),
        Some(RunsAs::Date(d)) => format!(
            "runs {} ({}, week {})",
            short(d),
            day_name(d.weekday()),
            page.cal.week_of(d)
        ),
        None => String::new(),
    }
}

/// A session the schedule cancels or skips, where it would have been.
fn dropped_marker(out: &mut impl Write, page: &Page<'_>, s: &Skipped) {
    let key = format!("{}/{}", s.class, s.date);
    let (what, class) = match s.reason {
        SkipReason::Cancelled => ("cancelled", "dropped"),
        _ => ("skipped", "skipped"),
    };
    let _ = write!(
        out,
        "<div class=\"{class} c{}\" data-skipped=\"{}\"><b>{}</b> {what}</div>",
        page.classes.get(&*s.class).copied().unwrap_or(0),
        esc(&key),
        esc(&s.class),
    );
}

/// A session moved to another day, on the day it was moved from.
fn moved_away_marker(out: &mut impl Write, page: &Page<'_>, l: &PlannedLive) {
    let _ = write!(
        out,
        "<div class=\"skipped moved-away c{}\" data-moved=\"{}\"><b>{}</b> moved to {} {}</div>",
        page.classes.get(l.class_id()).copied().unwrap_or(0),
        esc(&l.key.to_string()),
        esc(l.class_id()),
        short(l.start.date()),
        l.start.strftime("%H:%M"),
    );
}

fn session(out: &mut impl Write, page: &Page<'_>, l: &PlannedLive) {
    let key = l.key.to_string();
    let state = SessionState::of(&key, page.ledger);
    let action = page.actions.get(&l.key).copied();
    let held = page.ledger.get(&key);
    let moved = l.notes.iter().any(|n| n.starts_with("moved from"));
    let mut classes = format!(
        "session c{}",
        page.classes.get(l.class_id()).copied().unwrap_or(0)
    );
    if moved {
        classes.push_str(" moved");
    }
    if action == Some(Action::Past) {
        classes.push_str(" past");
    }
    // Last, so that a test (or a user's grep) finds `STATE" data-key="KEY"`.
    classes = format!("{classes} {}", state.name());
    let end = l
        .start
        .checked_add(Span::new().seconds(l.duration()))
        .map_or(String::new(), |e| e.strftime("–%H:%M").to_string());
    let _ = write!(
        out,
        "<div class=\"{classes}\" data-key=\"{key}\" title=\"{key}\"><div class=\"top\"><time datetime=\"{}\">{}{end}</time><span class=\"badge {}\">{}</span></div><div class=\"theme\">{}</div><div class=\"who\">{} · {}</div>",
        l.start.timestamp().display_with_offset(l.start.offset()),
        l.start.strftime("%H:%M"),
        state.name(),
        label(state),
        esc(&l.theme().to_string()),
        esc(l.class_id()),
        esc(&l.anchor),
        key = esc(&key),
    );
    if let Some(id) = held.and_then(|k| k.livingid()) {
        let _ = write!(out, "<div class=\"id\">{}</div>", esc(id));
    }
    let flags = flags(l, action, state, held);
    if !flags.is_empty() {
        let _ = write!(out, "<div class=\"flags\">{}</div>", flags.concat());
    }
    if let Some(k) = held.filter(|_| state == SessionState::Failed) {
        let r = k.last_record();
        let code = r
            .errcode
            .map_or(String::new(), |c| format!("errcode {c}: "));
        let _ = write!(
            out,
            "<div class=\"note error\">{}</div>",
            esc(&format!("{code}{}", r.error.as_deref().unwrap_or("failed")))
        );
    }
    for note in l.notes.iter().filter(|n| !n.starts_with("调休")) {
        let class = if note.starts_with("moved from") {
            "note moved"
        } else {
            "note"
        };
        let _ = write!(out, "<div class=\"{class}\">{}</div>", esc(note));
    }
    let _ = out.write_str("</div>\n");
}

/// The flags a session shows: what `apply` would do to it, how its live ran,
/// and what WeCom holds that nobody scheduled.
fn flags(
    l: &PlannedLive,
    action: Option<Action>,
    state: SessionState,
    held: Option<&KeyState>,
) -> Vec<String> {
    let mut flags = Vec::new();
    match action {
        Some(Action::Modify) => {
            flags.push("<span class=\"flag modify\">to modify</span>".to_string())
        }
        // A planned session is one to create anyway; say so only where the ledger had it.
        Some(Action::Create) if state != SessionState::Planned => {
            flags.push("<span class=\"flag modify\">to create</span>".to_string());
        }
        _ => {}
    }
    if let Some(ran) = held.and_then(course) {
        let actual = held.and_then(|k| k.actual()).and_then(|a| {
            let start = jiff::Timestamp::from_second(a.living_start).ok()?;
            Some((
                start.to_zoned_datetime(l.start.time_zone().clone()),
                a.living_duration / 60,
            ))
        });
        let text = match (ran, actual) {
            (Course::Held, Some((at, minutes))) => {
                format!("held {} · {minutes} min", at.strftime("%H:%M"))
            }
            (Course::Running, Some((at, _))) => format!("running since {}", at.strftime("%H:%M")),
            (ran, _) => ran.name().to_string(),
        };
        flags.push(format!(
            "<span class=\"flag {}\">{}</span>",
            ran.name(),
            esc(&text)
        ));
    }
    if let Some(word) = held.and_then(drift) {
        flags.push(format!("<span class=\"flag drift\">WeCom: {word}</span>"));
    }
    flags
}
