//! The plan as CSV, one row per session, for spreadsheets.

use std::fmt::Write as _;
use std::io;

use crate::plan::Plan;
use crate::plan::changes::{Change, SessionChanges};
use crate::schedule::values::weekday_short;

const HEADER: [&str; 11] = [
    "key",
    "class",
    "n",
    "start",
    "weekday",
    "week",
    "duration_minutes",
    "anchor",
    "type",
    "theme",
    "action",
];

pub fn csv(out: &mut impl io::Write, plan: &Plan, changes: &[Change]) -> io::Result<()> {
    rows(out, plan, changes, None, true)
}

/// One schedule's rows in a CSV of several, with a `file` column first; the
/// header only when `header` (the first file's).
pub fn csv_of_file(
    out: &mut impl io::Write,
    plan: &Plan,
    changes: &[Change],
    file: &str,
    header: bool,
) -> io::Result<()> {
    rows(out, plan, changes, Some(file), header)
}

fn rows(
    out: &mut impl io::Write,
    plan: &Plan,
    changes: &[Change],
    file: Option<&str>,
    header: bool,
) -> io::Result<()> {
    let changes = SessionChanges::new(plan, changes);
    let mut w = ::csv::Writer::from_writer(out);
    if header {
        let first = file.map(|_| "file");
        w.write_record(first.into_iter().chain(HEADER))?;
    }
    // One buffer for the fields that are written out first.
    let mut text = String::new();
    let mut field = |w: &mut ::csv::Writer<_>, value: std::fmt::Arguments<'_>| {
        text.clear();
        let _ = text.write_fmt(value);
        w.write_field(&text)
    };
    for (i, l) in plan.lives.iter().enumerate() {
        if let Some(file) = file {
            w.write_field(file)?;
        }
        field(&mut w, format_args!("{}", l.key))?;
        w.write_field(l.class_id())?;
        field(&mut w, format_args!("{}", l.n))?;
        field(
            &mut w,
            format_args!("{}", l.start.strftime("%Y-%m-%dT%H:%M:%S%:z")),
        )?;
        w.write_field(weekday_short(l.weekday()))?;
        field(&mut w, format_args!("{}", l.week))?;
        field(&mut w, format_args!("{}", l.duration() / 60))?;
        w.write_field(&*l.anchor)?;
        w.write_field(l.kind().name())?;
        field(&mut w, format_args!("{}", l.theme()))?;
        w.write_field(changes.of(i).map_or("", |c| c.action.name()))?;
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()
}
