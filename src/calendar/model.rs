//! The term as dates: its first and last day, its holidays and its 调休 make-up days.
//!
//! These live in `calendar` rather than `schedule` so the calendar needs nothing
//! above it: the schedule readers parse into them, the calendar answers from them.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub tz_name: String,
    pub tz: TimeZone,
    pub start: Date,
    pub end: Date,
    pub holidays: Vec<Holiday>,
    pub workdays: Vec<Workday>,
}

/// Days with no sessions, `from` to `to` inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub from: Date,
    pub to: Date,
    pub name: Option<String>,
}

/// 调休: a day that runs another day's timetable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workday {
    pub date: Date,
    pub runs: RunsAs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunsAs {
    /// The timetable of this weekday, in the make-up day's own teaching week.
    Weekday(Weekday),
    /// The timetable of that date, in that date's teaching week (odd/even follow it).
    Date(Date),
}
