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

/// Days or steps an expansion that ends early may look at: about 270 years of days, far
/// more than any rule here needs, far fewer than a day-by-day scan to the year 9999
/// (some 2,900,000 days).
const EARLY: u64 = 100_000;

/// What `text` yields from `dtstart` to the end of the calendar, looking at no more than
/// [`EARLY`] days or steps: the expansion is counted, not timed, so a slow machine is no
/// excuse and a fast one hides nothing.
#[track_caller]
fn expand_early(text: &str, dtstart: DateTime) -> Vec<DateTime> {
    let mut it = rule(text)
        .occurrences(dtstart, &TimeZone::UTC, DateTime::MAX)
        .with_budget(EARLY);
    let got: Vec<DateTime> = it.by_ref().collect();
    assert!(
        !it.exhausted(),
        "`{text}` looked at more than {EARLY} days or steps"
    );
    got
}
