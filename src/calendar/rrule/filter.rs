//! Which days a rule keeps: its BYMONTH, BYDAY and BYMONTHDAY parts, with DTSTART's defaults filled in.

use jiff::civil::DateTime;

use super::rule::{Frequency, RRule};

/// One day as the filters see it. Plain integers, because the engine walks
/// millions of days and jiff's checked arithmetic is not needed for that.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Day {
    pub(crate) year: i16,
    pub(crate) month: i8,
    pub(crate) day: i8,
    /// 0 is Monday.
    pub(crate) weekday: u8,
    /// 1-based day of the year.
    pub(crate) yday: i16,
    pub(crate) days_in_month: i8,
    pub(crate) days_in_year: i16,
}

pub(crate) fn is_leap(year: i16) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(crate) fn days_in_month(year: i16, month: i8) -> i8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Day {
    pub(crate) fn of(date: jiff::civil::Date) -> Day {
        Day {
            year: date.year(),
            month: date.month(),
            day: date.day(),
            weekday: date.weekday().to_monday_zero_offset().unsigned_abs(),
            yday: date.day_of_year(),
            days_in_month: date.days_in_month(),
            days_in_year: date.days_in_year(),
        }
    }

    /// The next day, or `None` past the last year jiff can represent.
    pub(crate) fn next(self) -> Option<Day> {
        let mut d = self;
        d.weekday = (d.weekday + 1) % 7;
        d.day += 1;
        d.yday += 1;
        if d.day > d.days_in_month {
            d.day = 1;
            d.month += 1;
            if d.month > 12 {
                d.month = 1;
                d.year = d.year.checked_add(1).filter(|&y| y <= 9999)?;
                d.yday = 1;
                d.days_in_year = if is_leap(d.year) { 366 } else { 365 };
            }
            d.days_in_month = days_in_month(d.year, d.month);
        }
        Some(d)
    }

    pub(crate) fn date(self) -> Option<jiff::civil::Date> {
        jiff::civil::Date::new(self.year, self.month, self.day).ok()
    }
}

/// The day filters of a rule, as bit sets.
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    /// Bit `m` set for each allowed month; 0 allows all.
    months: u16,
    /// Bit `w` (0 Monday) set for each weekday allowed on any date; see `nth`.
    weekdays: u8,
    /// Numbered weekdays `(weekday, n)`. A day passes the BYDAY part if it is in
    /// `weekdays` or matches one of these (RFC 5545 takes the union).
    nth: Vec<(u8, i8)>,
    /// Whether numbered weekdays count within the month (else within the year).
    nth_in_month: bool,
    /// Bit `d` for BYMONTHDAY=d, and bit `d` of `month_days_back` for BYMONTHDAY=-d.
    month_days: u32,
    month_days_back: u32,
}

impl Filter {
    /// The filters of `rule`, with defaults taken from `dtstart` as python-dateutil
    /// does. Without `dtstart` no defaults are added (used to check satisfiability).
    pub(crate) fn new(rule: &RRule, dtstart: Option<DateTime>) -> Filter {
        let mut filter = Filter {
            months: rule.by_month.iter().fold(0, |acc, &m| acc | 1 << m),
            weekdays: 0,
            nth: Vec::new(),
            nth_in_month: rule.freq == Frequency::Monthly || !rule.by_month.is_empty(),
            month_days: 0,
            month_days_back: 0,
        };
        for day in &rule.by_day {
            let weekday = day.weekday.to_monday_zero_offset().unsigned_abs();
            match day.nth {
                // Numbers mean nothing inside a day or a week; the parser rejects them there.
                Some(n) if matches!(rule.freq, Frequency::Monthly | Frequency::Yearly) => {
                    filter.nth.push((weekday, n));
                }
                _ => filter.weekdays |= 1 << weekday,
            }
        }
        for &d in &rule.by_month_day {
            if d > 0 {
                filter.month_days |= 1 << d;
            } else {
                filter.month_days_back |= 1 << -d;
            }
        }
        if let Some(start) = dtstart
            && rule.by_day.is_empty()
            && rule.by_month_day.is_empty()
        {
            match rule.freq {
                Frequency::Yearly => {
                    if rule.by_month.is_empty() {
                        filter.months = 1 << start.month();
                    }
                    filter.month_days = 1 << start.day();
                }
                Frequency::Monthly => filter.month_days = 1 << start.day(),
                Frequency::Weekly => {
                    filter.weekdays = 1 << start.weekday().to_monday_zero_offset();
                }
                Frequency::Daily => {}
            }
        }
        filter
    }

    pub(crate) fn matches(&self, d: &Day) -> bool {
        if self.months != 0 && self.months & (1 << d.month) == 0 {
            return false;
        }
        if self.weekdays != 0 || !self.nth.is_empty() {
            let plain = self.weekdays & (1 << d.weekday) != 0;
            if !plain && !self.nth_matches(d) {
                return false;
            }
        }
        if self.month_days != 0 || self.month_days_back != 0 {
            let back = d.days_in_month - d.day + 1;
            if self.month_days & (1 << d.day) == 0 && self.month_days_back & (1 << back) == 0 {
                return false;
            }
        }
        true
    }

    fn nth_matches(&self, d: &Day) -> bool {
        let (index, len) = if self.nth_in_month {
            (i16::from(d.day), i16::from(d.days_in_month))
        } else {
            (d.yday, d.days_in_year)
        };
        let from_start = (index - 1) / 7 + 1;
        let from_end = -((len - index) / 7 + 1);
        self.nth.iter().any(|&(weekday, n)| {
            weekday == d.weekday && (i16::from(n) == from_start || i16::from(n) == from_end)
        })
    }
}
