//! The parsed form of an RRULE: what each rule part asked for, and where it was written.

use std::fmt;
use std::ops::Range;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Weekday};

/// How often the rule's period repeats (`FREQ`), from the finest to the coarsest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Frequency {
    /// `FREQ=SECONDLY`: the period is one second.
    Secondly,
    /// `FREQ=MINUTELY`: the period is one minute.
    Minutely,
    /// `FREQ=HOURLY`: the period is one hour.
    Hourly,
    /// `FREQ=DAILY`: the period is one day.
    Daily,
    /// `FREQ=WEEKLY`: the period is a week starting on `WKST`.
    Weekly,
    /// `FREQ=MONTHLY`: the period is a calendar month.
    Monthly,
    /// `FREQ=YEARLY`: the period is a calendar year.
    Yearly,
}

impl Frequency {
    /// The keyword RFC 5545 uses for this frequency.
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Secondly => "SECONDLY",
            Frequency::Minutely => "MINUTELY",
            Frequency::Hourly => "HOURLY",
            Frequency::Daily => "DAILY",
            Frequency::Weekly => "WEEKLY",
            Frequency::Monthly => "MONTHLY",
            Frequency::Yearly => "YEARLY",
        }
    }

    /// Whether the period is shorter than a day (HOURLY, MINUTELY, SECONDLY).
    pub fn is_sub_daily(self) -> bool {
        self < Frequency::Daily
    }

    /// The length of one period in seconds, for the frequencies shorter than a day.
    pub(crate) fn seconds(self) -> Option<i64> {
        match self {
            Frequency::Secondly => Some(1),
            Frequency::Minutely => Some(60),
            Frequency::Hourly => Some(3600),
            _ => None,
        }
    }
}

/// The end of a rule given by `UNTIL`, in the form it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Until {
    /// `UNTIL=20270630`: every occurrence on that local day is still included.
    Date(Date),
    /// `UNTIL=20270630T190000`: compared with occurrences in wall-clock time, inclusive.
    Local(DateTime),
    /// `UNTIL=20270630T110000Z`: compared with each occurrence's instant, inclusive.
    Utc(Timestamp),
}

/// One `BYDAY` entry: a weekday, optionally numbered within the month or year
/// (`1FR` is the first Friday, `-1MO` the last Monday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeekdayNum {
    /// `None` for every such weekday; `Some(n)` for the n-th (negative: from the end).
    pub nth: Option<i8>,
    /// The weekday.
    pub weekday: Weekday,
}

/// Where each rule part sits in the parsed text, for errors found after parsing.
#[derive(Debug, Clone, Default)]
pub(crate) struct PartSpans {
    pub(crate) whole: Range<usize>,
    pub(crate) freq: Option<Range<usize>>,
    pub(crate) interval: Option<Range<usize>>,
    pub(crate) until: Option<Range<usize>>,
    pub(crate) by_day: Option<Range<usize>>,
    pub(crate) by_month_day: Option<Range<usize>>,
    pub(crate) by_month: Option<Range<usize>>,
    pub(crate) by_year_day: Option<Range<usize>>,
    pub(crate) by_week_no: Option<Range<usize>>,
    pub(crate) by_set_pos: Option<Range<usize>>,
    pub(crate) by_hour: Option<Range<usize>>,
    pub(crate) by_minute: Option<Range<usize>>,
    pub(crate) by_second: Option<Range<usize>>,
}

impl PartSpans {
    /// Moves every span, for a rule parsed out of a line that was unfolded.
    pub(crate) fn remap(&mut self, map: impl Fn(Range<usize>) -> Range<usize>) {
        self.whole = map(self.whole.clone());
        for span in [
            &mut self.freq,
            &mut self.interval,
            &mut self.until,
            &mut self.by_day,
            &mut self.by_month_day,
            &mut self.by_month,
            &mut self.by_year_day,
            &mut self.by_week_no,
            &mut self.by_set_pos,
            &mut self.by_hour,
            &mut self.by_minute,
            &mut self.by_second,
        ]
        .into_iter()
        .flatten()
        {
            *span = map(span.clone());
        }
    }
}

// Where a part was written does not change what the rule means.
impl PartialEq for PartSpans {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for PartSpans {}

/// A parsed RFC 5545 recurrence rule (the value of an `RRULE` line).
///
/// Build one with [`parse_rrule`](super::parse_rrule); expand it with
/// [`RRule::occurrences`]. Lists are sorted and free of duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RRule {
    pub(crate) freq: Frequency,
    pub(crate) interval: u32,
    pub(crate) count: Option<u32>,
    pub(crate) until: Option<Until>,
    pub(crate) by_day: Vec<WeekdayNum>,
    pub(crate) by_month_day: Vec<i8>,
    pub(crate) by_month: Vec<i8>,
    pub(crate) by_year_day: Vec<i16>,
    pub(crate) by_week_no: Vec<i8>,
    pub(crate) by_set_pos: Vec<i16>,
    pub(crate) by_hour: Vec<i8>,
    pub(crate) by_minute: Vec<i8>,
    pub(crate) by_second: Vec<i8>,
    pub(crate) wkst: Weekday,
    pub(crate) spans: PartSpans,
}

impl RRule {
    /// `FREQ`.
    pub fn freq(&self) -> Frequency {
        self.freq
    }

    /// `INTERVAL` (1 when not given).
    pub fn interval(&self) -> u32 {
        self.interval
    }

    /// `COUNT`, the number of occurrences, DTSTART included when it matches.
    pub fn count(&self) -> Option<u32> {
        self.count
    }

    /// `UNTIL`, the last moment an occurrence may fall on.
    pub fn until(&self) -> Option<Until> {
        self.until
    }

    /// `BYDAY` entries.
    pub fn by_day(&self) -> &[WeekdayNum] {
        &self.by_day
    }

    /// `BYMONTHDAY` entries, 1..=31 or -31..=-1.
    pub fn by_month_day(&self) -> &[i8] {
        &self.by_month_day
    }

    /// `BYMONTH` entries, 1..=12.
    pub fn by_month(&self) -> &[i8] {
        &self.by_month
    }

    /// `BYYEARDAY` entries, 1..=366 or -366..=-1.
    pub fn by_year_day(&self) -> &[i16] {
        &self.by_year_day
    }

    /// `BYWEEKNO` entries, 1..=53 or -53..=-1: weeks of the year under `WKST`.
    pub fn by_week_no(&self) -> &[i8] {
        &self.by_week_no
    }

    /// `BYSETPOS` entries, 1..=366 or -366..=-1.
    pub fn by_set_pos(&self) -> &[i16] {
        &self.by_set_pos
    }

    /// `BYHOUR` entries; empty means the hour of DTSTART (every hour a finer rule steps on).
    pub fn by_hour(&self) -> &[i8] {
        &self.by_hour
    }

    /// `BYMINUTE` entries; empty means the minute of DTSTART (every minute a finer rule steps on).
    pub fn by_minute(&self) -> &[i8] {
        &self.by_minute
    }

    /// `BYSECOND` entries; empty means the second of DTSTART (or every second a
    /// SECONDLY rule steps on).
    pub fn by_second(&self) -> &[i8] {
        &self.by_second
    }

    /// `WKST`, the first day of a week (Monday when not given).
    pub fn wkst(&self) -> Weekday {
        self.wkst
    }

    /// Where part `name` (`FREQ`, `BYSECOND`, …) was written in the parsed text, as
    /// `NAME=VALUE`; `None` if it was not.
    pub fn part_span(&self, name: &str) -> Option<Range<usize>> {
        let s = &self.spans;
        match name {
            "FREQ" => s.freq.clone(),
            "INTERVAL" => s.interval.clone(),
            "UNTIL" => s.until.clone(),
            "BYDAY" => s.by_day.clone(),
            "BYMONTHDAY" => s.by_month_day.clone(),
            "BYMONTH" => s.by_month.clone(),
            "BYYEARDAY" => s.by_year_day.clone(),
            "BYWEEKNO" => s.by_week_no.clone(),
            "BYSETPOS" => s.by_set_pos.clone(),
            "BYHOUR" => s.by_hour.clone(),
            "BYMINUTE" => s.by_minute.clone(),
            "BYSECOND" => s.by_second.clone(),
            _ => None,
        }
    }
}

pub(crate) fn weekday_code(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "MO",
        Weekday::Tuesday => "TU",
        Weekday::Wednesday => "WE",
        Weekday::Thursday => "TH",
        Weekday::Friday => "FR",
        Weekday::Saturday => "SA",
        Weekday::Sunday => "SU",
    }
}

fn write_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, name: &str, items: &[T]) -> fmt::Result {
    if items.is_empty() {
        return Ok(());
    }
    write!(f, ";{name}=")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl fmt::Display for WeekdayNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(n) = self.nth {
            write!(f, "{n}")?;
        }
        f.write_str(weekday_code(self.weekday))
    }
}

/// Renders the rule back as RRULE text in a canonical order, which parses to the same rule.
impl fmt::Display for RRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FREQ={}", self.freq.as_str())?;
        if self.interval != 1 {
            write!(f, ";INTERVAL={}", self.interval)?;
        }
        if let Some(count) = self.count {
            write!(f, ";COUNT={count}")?;
        }
        match self.until {
            None => {}
            Some(Until::Date(d)) => write!(f, ";UNTIL={}", d.strftime("%Y%m%d"))?,
            Some(Until::Local(dt)) => write!(f, ";UNTIL={}", dt.strftime("%Y%m%dT%H%M%S"))?,
            Some(Until::Utc(ts)) => write!(f, ";UNTIL={}", ts.strftime("%Y%m%dT%H%M%SZ"))?,
        }
        write_list(f, "BYMONTH", &self.by_month)?;
        write_list(f, "BYWEEKNO", &self.by_week_no)?;
        write_list(f, "BYYEARDAY", &self.by_year_day)?;
        write_list(f, "BYMONTHDAY", &self.by_month_day)?;
        write_list(f, "BYDAY", &self.by_day)?;
        write_list(f, "BYHOUR", &self.by_hour)?;
        write_list(f, "BYMINUTE", &self.by_minute)?;
        write_list(f, "BYSECOND", &self.by_second)?;
        write_list(f, "BYSETPOS", &self.by_set_pos)?;
        if self.wkst != Weekday::Monday {
            write!(f, ";WKST={}", weekday_code(self.wkst))?;
        }
        Ok(())
    }
}
