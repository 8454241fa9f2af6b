//! Which days a rule keeps: its BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY and BYDAY parts,
//! with DTSTART's defaults filled in.

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

    /// The day `number` days after 1970-01-01, or `None` outside the years jiff can represent.
    pub(crate) fn from_number(number: i64) -> Option<Day> {
        let (year, month, day) = civil_from_days(number);
        let year = i16::try_from(year)
            .ok()
            .filter(|y| (-9999..=9999).contains(y))?;
        let (month, day) = (i8::try_from(month).ok()?, i8::try_from(day).ok()?);
        let yday = number - days_from_civil(i64::from(year), 1, 1) + 1;
        Some(Day {
            year,
            month,
            day,
            weekday: u8::try_from((number + 3).rem_euclid(7)).ok()?,
            yday: i16::try_from(yday).ok()?,
            days_in_month: days_in_month(year, month),
            days_in_year: if is_leap(year) { 366 } else { 365 },
        })
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01, as (year, month, day); the inverse of [`days_from_civil`].
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
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
    /// BYYEARDAY entries (negative: from the end of the year).
    year_days: Vec<i16>,
    /// BYWEEKNO entries (negative: from the end of the week-numbering year).
    week_nos: Vec<i8>,
    /// WKST, 0 is Monday: where the numbered weeks start.
    wkst: u8,
    /// BYYEARDAY or BYWEEKNO is given.
    by_year: bool,
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
            year_days: rule.by_year_day.clone(),
            week_nos: rule.by_week_no.clone(),
            wkst: rule.wkst.to_monday_zero_offset().unsigned_abs(),
            by_year: !rule.by_year_day.is_empty() || !rule.by_week_no.is_empty(),
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
        // As python-dateutil: DTSTART supplies the day only when no part picks days.
        if let Some(start) = dtstart
            && rule.by_day.is_empty()
            && rule.by_month_day.is_empty()
            && rule.by_year_day.is_empty()
            && rule.by_week_no.is_empty()
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
                _ => {}
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
        // Days of the year and week numbers are rare: one test keeps the common path short.
        !self.by_year || self.year_matches(d)
    }

    #[cold]
    fn year_matches(&self, d: &Day) -> bool {
        let back = d.yday - d.days_in_year - 1;
        (self.year_days.is_empty() || self.year_days.iter().any(|&n| n == d.yday || n == back))
            && (self.week_nos.is_empty() || self.week_matches(d))
    }

    /// Whether `d` lies in one of the BYWEEKNO weeks. Week 1 of a year is the first
    /// week starting on WKST with at least 4 of its days in that year (ISO 8601 when
    /// WKST is Monday); the days before it belong to the previous year's last week,
    /// and days after that year's last week to the next year's week 1.
    fn week_matches(&self, d: &Day) -> bool {
        let wkst = i16::from(self.wkst);
        // Where week 1 starts, as a day index into the year that starts on `jan1`.
        let week_one = |jan1: i16| {
            let into_week = (jan1 - wkst).rem_euclid(7);
            if into_week >= 4 {
                7 - into_week
            } else {
                -into_week
            }
        };
        let year_len = |year: i16| if is_leap(year) { 366 } else { 365 };
        let i = d.yday - 1;
        let jan1 = (i16::from(d.weekday) - i).rem_euclid(7);
        let start = week_one(jan1);
        let next_start = d.days_in_year + week_one((jan1 + d.days_in_year).rem_euclid(7));
        // (the day's week number, how many weeks its week-numbering year has)
        let (number, weeks) = if i < start {
            let before = year_len(d.year.saturating_sub(1));
            let prev_start = week_one((jan1 - before).rem_euclid(7)) - before;
            ((i - prev_start) / 7 + 1, (start - prev_start) / 7)
        } else if i >= next_start {
            let after = year_len(d.year.saturating_add(1));
            let jan1_after = (jan1 + d.days_in_year + after).rem_euclid(7);
            let after_start = d.days_in_year + after + week_one(jan1_after);
            (1, (after_start - next_start) / 7)
        } else {
            ((i - start) / 7 + 1, (next_start - start) / 7)
        };
        self.week_nos.iter().any(|&n| {
            let n = i16::from(n);
            n == number || (n < 0 && weeks + 1 + n == number)
        })
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
