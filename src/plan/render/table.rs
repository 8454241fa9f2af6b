//! The plan as a table for a terminal, with a summary per class.
//!
//! Columns are as wide as their widest cell, so the rows are gone over twice:
//! once to measure the cells, once to write them. No row is kept as text.

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write};
use std::io;

use super::{Out, human_duration, pad};
use crate::plan::changes::{Action, Change, SessionChanges};
use crate::plan::{Plan, PlannedLive, SessionKey, SkipReason, Skipped};
use crate::schedule::values::weekday_short;

const HEADER: [&str; 9] = [
    "KEY", "START", "DAY", "WEEK", "LENGTH", "ANCHOR", "TYPE", "THEME", "ACTION",
];

/// One line of the table: a session, or a date the recurrence gave that has none.
enum Row<'a> {
    Session(&'a PlannedLive, Option<&'a Change>),
    Skipped(&'a Skipped),
}

impl Row<'_> {
    /// Writes cell `column` (0-based, as in [`HEADER`]).
    fn cell(&self, column: usize, out: &mut impl Write) -> fmt::Result {
        match self {
            Row::Session(l, change) => match column {
                0 => write!(out, "{}", l.key),
                1 => write!(out, "{}", l.start.strftime("%Y-%m-%d %H:%M")),
                2 => out.write_str(weekday_short(l.weekday())),
                3 => write!(out, "{}", l.week),
                4 => out.write_str(&human_duration(l.duration())),
                5 => out.write_str(&l.anchor),
                6 => out.write_str(l.kind().name()),
                7 => write!(out, "{}", l.theme()),
                _ => {
                    out.write_str(change.map_or("", |c| c.action.name()))?;
                    if l.notes.is_empty() {
                        return Ok(());
                    }
                    write!(out, " ({})", l.notes.join("; "))
                }
            },
            Row::Skipped(s) => match column {
                0 => write!(out, "{}/{}", s.class, s.date),
                1 => write!(out, "{}", s.date),
                2 => out.write_str(weekday_short(s.date.weekday())),
                3..=7 => Ok(()),
                _ => match &s.reason {
                    SkipReason::Holiday(Some(name)) => write!(out, "— holiday: {name}"),
                    SkipReason::Holiday(None) => out.write_str("— holiday"),
                    SkipReason::Skipped => out.write_str("— skipped"),
                    SkipReason::Cancelled => out.write_str("— cancelled"),
                },
            },
        }
    }

    /// What the rows sort by: the day, the START cell (a skipped date's, the
    /// date alone, comes before the day's times), then the KEY cell.
    fn order(&self) -> (jiff::civil::Date, Option<(i8, i8)>, SessionKey) {
        match self {
            Row::Session(l, _) => {
                let time = l.start.time();
                (
                    l.start.date(),
                    Some((time.hour(), time.minute())),
                    l.key.clone(),
                )
            }
            // `class/date` reads as the key of the first session that day.
            Row::Skipped(s) => (s.date, None, SessionKey::new(s.class.clone(), s.date, 1)),
        }
    }
}

/// Sessions and skipped dates in one list by day and time, then the summary.
pub fn table(out: &mut impl io::Write, plan: &Plan, changes: &[Change]) -> io::Result<()> {
    let by_session = SessionChanges::new(plan, changes);
    let mut rows: Vec<_> = plan
        .lives
        .iter()
        .enumerate()
        .map(|(i, l)| Row::Session(l, by_session.of(i)))
        .chain(plan.skipped.iter().map(Row::Skipped))
        .map(|row| (row.order(), row))
        .collect();
    rows.sort_by(|(a, _), (b, _)| a.cmp(b));
    let rows: Vec<Row<'_>> = rows.into_iter().map(|(_, row)| row).collect();
    let mut out = Out::new(out);
    aligned(&mut out, &rows);
    let _ = out.write_str("\n");
    summary(&mut out, plan, changes);
    out.finish()
}

/// The header and rows in columns as wide as their widest cell (CJK counts double).
fn aligned(out: &mut impl Write, rows: &[Row<'_>]) {
    let mut cell = String::new();
    let mut widths = HEADER.map(super::display_width);
    for row in rows {
        for (column, width) in widths.iter_mut().enumerate() {
            cell.clear();
            let _ = row.cell(column, &mut cell);
            *width = (*width).max(super::display_width(&cell));
        }
    }
    let mut line = String::new();
    // The header first, then the rows.
    for row in std::iter::once(None).chain(rows.iter().map(Some)) {
        line.clear();
        for (column, width) in widths.iter().enumerate() {
            cell.clear();
            match row {
                None => cell.push_str(HEADER[column]),
                Some(row) => {
                    let _ = row.cell(column, &mut cell);
                }
            }
            if column + 1 == widths.len() {
                line.push_str(&cell);
            } else {
                line.push_str(&cell);
                let fill = width.saturating_sub(super::display_width(&cell));
                line.extend(std::iter::repeat_n(' ', fill + 2));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// Sessions and hours per class, then the totals and what would change.
pub fn summary(out: &mut impl Write, plan: &Plan, changes: &[Change]) {
    let mut per_class: HashMap<&str, (usize, i64)> = HashMap::new();
    for l in &plan.lives {
        let e = per_class.entry(l.class_id()).or_default();
        e.0 += 1;
        e.1 += l.duration();
    }
    let mut per_class: Vec<(&str, (usize, i64))> = per_class.into_iter().collect();
    per_class.sort_unstable_by_key(|(class, _)| *class);
    let width = per_class.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
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
}

fn hours(seconds: i64) -> String {
    let h = seconds as f64 / 3600.0;
    if (h - h.round()).abs() < 1e-9 {
        format!("{}h", h.round() as i64)
    } else {
        format!("{h:.1}h")
    }
}
