//! The plan as a table for a terminal, with a summary per class.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{human_duration, pad};
use crate::plan::changes::{Action, Change};
use crate::plan::{Plan, PlannedLive, SkipReason, Skipped};
use crate::schedule::values::weekday_short;

const HEADER: [&str; 9] = [
    "KEY", "START", "DAY", "WEEK", "LENGTH", "ANCHOR", "TYPE", "THEME", "ACTION",
];

/// One line of the table: a session, or a date the recurrence gave that has none.
struct Row {
    cells: [String; 9],
    date: jiff::civil::Date,
    key: String,
}

impl Row {
    fn session(l: &PlannedLive, action: Option<Action>) -> Self {
        let mut state = action.map_or("", |a| a.name()).to_string();
        if !l.notes.is_empty() {
            state = format!("{state} ({})", l.notes.join("; "));
        }
        Row {
            date: l.start.date(),
            key: l.key.to_string(),
            cells: [
                l.key.to_string(),
                l.start.strftime("%Y-%m-%d %H:%M").to_string(),
                weekday_short(l.weekday()).to_string(),
                l.week.to_string(),
                human_duration(l.duration()),
                l.anchor.to_string(),
                l.kind().name().to_string(),
                l.theme().to_string(),
                state,
            ],
        }
    }

    fn skipped(s: &Skipped) -> Self {
        let why = match &s.reason {
            SkipReason::Holiday(Some(name)) => format!("holiday: {name}"),
            SkipReason::Holiday(None) => "holiday".to_string(),
            SkipReason::Skipped => "skipped".to_string(),
            SkipReason::Cancelled => "cancelled".to_string(),
        };
        Row {
            date: s.date,
            key: format!("{}/{}", s.class, s.date),
            cells: [
                format!("{}/{}", s.class, s.date),
                s.date.to_string(),
                weekday_short(s.date.weekday()).to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                format!("— {why}"),
            ],
        }
    }
}

/// Sessions and skipped dates in one list by day and time, then the summary.
pub fn table(plan: &Plan, changes: &[Change]) -> String {
    let action: std::collections::HashMap<&crate::plan::SessionKey, Action> = changes
        .iter()
        .filter_map(|c| Some((c.key.session()?, c.action)))
        .collect();
    let mut rows: Vec<Row> = plan
        .lives
        .iter()
        .map(|l| Row::session(l, action.get(&l.key).copied()))
        .chain(plan.skipped.iter().map(Row::skipped))
        .collect();
    rows.sort_by(|a, b| (a.date, &a.cells[1], &a.key).cmp(&(b.date, &b.cells[1], &b.key)));
    let mut out = aligned(&rows);
    out.push('\n');
    out.push_str(&summary(plan, changes));
    out
}

/// The header and rows in columns as wide as their widest cell (CJK counts double).
fn aligned(rows: &[Row]) -> String {
    let mut widths = HEADER.map(super::display_width);
    for r in rows {
        for (w, c) in widths.iter_mut().zip(&r.cells) {
            *w = (*w).max(super::display_width(c));
        }
    }
    let line = |cells: &[&str]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&pad(c, widths[i]));
                s.push_str("  ");
            }
        }
        s.trim_end().to_string()
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}", line(&HEADER));
    for r in rows {
        let cells: Vec<&str> = r.cells.iter().map(String::as_str).collect();
        let _ = writeln!(out, "{}", line(&cells));
    }
    out
}

/// Sessions and hours per class, then the totals and what would change.
pub fn summary(plan: &Plan, changes: &[Change]) -> String {
    let mut per_class: BTreeMap<&str, (usize, i64)> = BTreeMap::new();
    for l in &plan.lives {
        let e = per_class.entry(l.class_id()).or_default();
        e.0 += 1;
        e.1 += l.duration();
    }
    let mut out = String::new();
    let width = per_class.keys().map(|k| k.len()).max().unwrap_or(0);
    for (class, (n, secs)) in &per_class {
        let _ = writeln!(
            out,
            "{}  {n:>4} sessions  {:>8}",
            pad(class, width),
            hours(*secs)
        );
    }
    let total: i64 = plan.lives.iter().map(|l| l.duration()).sum();
    let mut counts: BTreeMap<Action, usize> = BTreeMap::new();
    for c in changes {
        *counts.entry(c.action).or_default() += 1;
    }
    let actions: Vec<String> = counts
        .iter()
        .map(|(a, n)| format!("{n} {}", a.name()))
        .collect();
    let _ = writeln!(
        out,
        "{} classes, {} sessions, {} in all; {} skipped or on holidays; {}",
        per_class.len(),
        plan.lives.len(),
        hours(total),
        plan.skipped.len(),
        if actions.is_empty() {
            "nothing to do".to_string()
        } else {
            actions.join(", ")
        }
    );
    out
}

fn hours(seconds: i64) -> String {
    let h = seconds as f64 / 3600.0;
    if (h - h.round()).abs() < 1e-9 {
        format!("{}h", h.round() as i64)
    } else {
        format!("{h:.1}h")
    }
}
