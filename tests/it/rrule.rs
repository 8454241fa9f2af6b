//! Tests for the `rrule` module: dateutil conformance data, error spans, satisfiability,
//! iCalendar lines, and properties against a brute-force oracle.

mod conformance;
mod diagnostics;
mod expansion;
mod ical;
mod parsing;
mod peer;
mod properties;
mod satisfiable;

use jiff::Timestamp;
use jiff::civil::{DateTime, date, datetime};
use jiff::tz::TimeZone;
use livesched::calendar::rrule::{
    Frequency, RRule, RRuleError, Until, WeekdayNum, parse_ical, parse_rrule,
};

fn rule(text: &str) -> RRule {
    match parse_rrule(text) {
        Ok(rule) => rule,
        Err(err) => panic!("`{text}` should parse: {err} at {:?}", err.span),
    }
}

fn expand(text: &str, dtstart: DateTime, limit: DateTime) -> Vec<DateTime> {
    rule(text)
        .occurrences(dtstart, &TimeZone::UTC, limit)
        .collect()
}
