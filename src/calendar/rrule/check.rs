//! Whether a rule produces anything: for any DTSTART (its BY parts against each other),
//! and from a given DTSTART (its UNTIL, and where its INTERVAL lands).
//!
//! Every rule that produces nothing is reported the same way, as an error with the
//! message [`PRODUCES_NOTHING`], at the part to blame.

use jiff::civil::{DateTime, date};
use jiff::tz::TimeZone;

use super::error::RRuleError;
use super::filter::Filter;
use super::period::{Periods, for_each_day};
use super::rule::{Frequency, RRule, Until};
use super::steps::reachable;

/// The message of every rule that can never yield an occurrence.
pub const PRODUCES_NOTHING: &str = "this rule produces nothing";

/// Years after which the Gregorian calendar, weekdays included, repeats itself.
const CYCLE_YEARS: i16 = 400;

/// Days or steps looked at to find a rule's first occurrence before giving up and
/// taking it to produce something: about 8,000 years of days.
const SEARCH_BUDGET: u64 = 3_000_000;

impl RRule {
    /// Err when the rule can never produce an occurrence, for any DTSTART
    /// (`BYMONTHDAY=30;BYMONTH=2`, `BYMONTHDAY=31;BYMONTH=4,6,9,11`, `BYDAY=6FR`,
    /// a BYSETPOS beyond the candidates of every period, …). The span points at
    /// the part to blame, in the text the rule was parsed from.
    pub fn check_satisfiable(&self) -> Result<(), RRuleError> {
        let most = self.most_candidates();
        if most == 0 {
            let (span, expected) = if let Some(span) = &self.spans.by_month_day {
                (
                    span.clone(),
                    "days of the month found in the months (and on the weekdays) the rule allows",
                )
            } else if let Some(span) = &self.spans.by_year_day {
                (
                    span.clone(),
                    "days of the year within the months or weeks the rule allows",
                )
            } else if let Some(span) = &self.spans.by_week_no {
                (span.clone(), "weeks holding a day the other parts allow")
            } else if let Some(span) = &self.spans.by_day {
                (
                    span.clone(),
                    "weekdays a period holds: a month has at most 5 of each, a year 53",
                )
            } else {
                (self.spans.whole.clone(), "parts that some day satisfies")
            };
            return Err(RRuleError::new(PRODUCES_NOTHING, span)
                .expected(expected)
                .with_help(
                    "no day satisfies every BY part at once; check them against each other",
                ));
        }
        if self.by_set_pos.is_empty()
            || self
                .by_set_pos
                .iter()
                .any(|p| usize::from(p.unsigned_abs()) <= most)
        {
            return Ok(());
        }
        let span = self
            .spans
            .by_set_pos
            .clone()
            .unwrap_or(self.spans.whole.clone());
        Err(RRuleError::new(PRODUCES_NOTHING, span)
            .expected(format!(
                "positions within -{most}..={most}: each {} has at most {most} candidate{}",
                period_name(self.freq),
                if most == 1 { "" } else { "s" },
            ))
            .with_help("BYSETPOS picks among the candidates of each period, counted from 1 or from -1 at its end"))
    }

    /// Err when the rule, started at `dtstart` (wall-clock time in `tz`), yields no
    /// occurrence before the calendar ends: it can never match (see
    /// [`check_satisfiable`](Self::check_satisfiable)), its UNTIL lies before DTSTART
    /// or before its first occurrence, or its INTERVAL never lands where the BY parts
    /// allow. A rule whose first occurrence lies too far to find quickly passes.
    pub fn check_produces(&self, dtstart: DateTime, tz: &TimeZone) -> Result<(), RRuleError> {
        self.check_satisfiable()?;
        if let Some(err) = self.until_before(dtstart, tz) {
            return Err(err);
        }
        if !reachable(self, dtstart) {
            return Err(self.unreachable(dtstart));
        }
        let first = |rule: &RRule| {
            let mut it = rule
                .occurrences(dtstart, tz, DateTime::MAX)
                .with_budget(SEARCH_BUDGET);
            (it.next(), it.exhausted())
        };
        if !matches!(first(self), (None, false)) {
            return Ok(());
        }
        if let Some(span) = &self.spans.until {
            let mut open = self.clone();
            open.until = None;
            if let (Some(first), _) = first(&open) {
                return Err(RRuleError::new(PRODUCES_NOTHING, span.clone())
                    .expected(format!("an end on or after the first occurrence, {first}"))
                    .with_help("UNTIL is the last moment an occurrence may fall on"));
            }
        }
        let span = self
            .spans
            .interval
            .clone()
            .unwrap_or(self.spans.whole.clone());
        Err(RRuleError::new(PRODUCES_NOTHING, span)
            .expected(format!("a rule that matches some period from DTSTART {dtstart}"))
            .with_help("the periods INTERVAL steps through from DTSTART never hold a day the BY parts allow; change INTERVAL or DTSTART"))
    }

    /// The error for an UNTIL before DTSTART, if it is.
    fn until_before(&self, dtstart: DateTime, tz: &TimeZone) -> Option<RRuleError> {
        let before = match self.until? {
            Until::Date(d) => d < dtstart.date(),
            Until::Local(dt) => dt < dtstart,
            Until::Utc(ts) => tz
                .to_ambiguous_timestamp(dtstart)
                .compatible()
                .is_ok_and(|start| ts < start),
        };
        let span = self.spans.until.clone()?;
        before.then(|| {
            RRuleError::new(PRODUCES_NOTHING, span)
                .expected(format!("a date on or after DTSTART, {dtstart}"))
                .with_help("UNTIL is the last moment an occurrence may fall on; it lies before the rule starts")
        })
    }

    /// The error for a sub-daily rule whose steps never land on an allowed time of day.
    fn unreachable(&self, dtstart: DateTime) -> RRuleError {
        let mut hours_only = self.clone();
        hours_only.by_minute.clear();
        hours_only.by_second.clear();
        let mut no_seconds = self.clone();
        no_seconds.by_second.clear();
        let (span, what) = if !reachable(&hours_only, dtstart) {
            (&self.spans.by_hour, "hours")
        } else if !reachable(&no_seconds, dtstart) {
            (&self.spans.by_minute, "minutes")
        } else {
            (&self.spans.by_second, "seconds")
        };
        let unit = period_name(self.freq);
        RRuleError::new(
            PRODUCES_NOTHING,
            span.clone().unwrap_or(self.spans.whole.clone()),
        )
        .expected(format!(
            "{what} that steps of {} {unit}{} from {} fall on",
            self.interval,
            if self.interval == 1 { "" } else { "s" },
            dtstart.time(),
        ))
        .with_help("the steps keep the same distance from DTSTART; change INTERVAL, these values, or the time DTSTART starts at")
        .also(self.spans.interval.clone())
    }

    /// The most candidates (days × times, before BYSETPOS) any period can hold.
    fn most_candidates(&self) -> usize {
        let times = match self.freq {
            Frequency::Secondly => 1,
            Frequency::Minutely => self.by_second.len().max(1),
            Frequency::Hourly => self.by_minute.len().max(1) * self.by_second.len().max(1),
            _ => {
                self.by_hour.len().max(1)
                    * self.by_minute.len().max(1)
                    * self.by_second.len().max(1)
            }
        };
        // Without a part that picks days, DTSTART supplies the day: one per period
        // (per listed month in a yearly rule), and a DTSTART early in the month
        // makes each of those days exist.
        if self.by_day.is_empty()
            && self.by_month_day.is_empty()
            && self.by_year_day.is_empty()
            && self.by_week_no.is_empty()
        {
            let days = if self.freq == Frequency::Yearly {
                self.by_month.len().max(1)
            } else {
                1
            };
            return days * times;
        }
        let filter = Filter::new(self, None);
        // A sub-daily period lies within one day: look at the days one by one.
        let freq = self.freq.max(Frequency::Daily);
        let mut periods = Periods::new(freq, 1, self.wkst, date(2000, 1, 1));
        let end = date(2000 + CYCLE_YEARS, 1, 1);
        // Enough days to satisfy the widest position ends the scan early.
        let wanted = self
            .by_set_pos
            .iter()
            .map(|p| usize::from(p.unsigned_abs()))
            .max()
            .unwrap_or(1)
            .div_ceil(times);
        let mut most = 0;
        while let Some((start, len)) = periods.advance() {
            if start >= end {
                break;
            }
            let mut days = 0;
            for_each_day(start, len, |day| days += usize::from(filter.matches(day)));
            most = most.max(days);
            if most >= wanted {
                break;
            }
        }
        most * times
    }
}

fn period_name(freq: Frequency) -> &'static str {
    match freq {
        Frequency::Secondly => "second",
        Frequency::Minutely => "minute",
        Frequency::Hourly => "hour",
        Frequency::Daily => "day",
        Frequency::Weekly => "week",
        Frequency::Monthly => "month",
        Frequency::Yearly => "year",
    }
}
