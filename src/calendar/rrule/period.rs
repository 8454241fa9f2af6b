//! The periods a rule steps through (a day, a week from WKST, a month, a year) and the days in each.

use jiff::Span;
use jiff::civil::{Date, Weekday};

use super::filter::Day;
use super::rule::Frequency;

/// Steps from one period to the next, `interval` periods at a time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Periods {
    freq: Frequency,
    interval: i64,
    /// The first day of the next period, `None` once past the calendar's end.
    next: Option<Date>,
    /// Days in the first weekly period, which python-dateutil starts at DTSTART
    /// rather than at WKST; it matters for BYSETPOS.
    first_week: Option<u16>,
}

impl Periods {
    /// The periods starting with the one that holds `first`.
    pub(crate) fn new(freq: Frequency, interval: u32, wkst: Weekday, first: Date) -> Periods {
        let start = match freq {
            Frequency::Weekly => Some(first),
            Frequency::Monthly => Some(first.first_of_month()),
            Frequency::Yearly => first.with().month(1).day(1).build().ok(),
            // A day at a time; finer rules step through [`super::steps`] instead.
            _ => Some(first),
        };
        let first_week = (freq == Frequency::Weekly)
            .then(|| 7 - u16::from(first.weekday().since(wkst).unsigned_abs()));
        Periods {
            freq,
            interval: i64::from(interval),
            next: start,
            first_week,
        }
    }

    /// The first day of the upcoming period and how many days it has; advances.
    pub(crate) fn advance(&mut self) -> Option<(Date, u16)> {
        let start = self.next?;
        let len = match self.freq {
            Frequency::Weekly => self.first_week.unwrap_or(7),
            Frequency::Monthly => start.days_in_month().unsigned_abs().into(),
            Frequency::Yearly => start.days_in_year().unsigned_abs(),
            _ => 1,
        };
        // A huge INTERVAL overflows the span; that simply ends the periods.
        let step = match self.freq {
            // The first, partial week ends at WKST; later ones start there.
            Frequency::Weekly => {
                let first = i64::from(self.first_week.take().unwrap_or(7));
                Span::new().try_days(self.interval.saturating_mul(7) - 7 + first)
            }
            Frequency::Monthly => Span::new().try_months(self.interval),
            Frequency::Yearly => Span::new().try_years(self.interval),
            _ => Span::new().try_days(self.interval),
        };
        self.next = step.and_then(|step| start.checked_add(step)).ok();
        Some((start, len))
    }

    /// The first day of the upcoming period, without advancing.
    pub(crate) fn peek(&self) -> Option<Date> {
        self.next
    }
}

/// Calls `f` on each of `len` days from `start`, stopping at the calendar's end.
pub(crate) fn for_each_day(start: Date, len: u16, mut f: impl FnMut(&Day)) {
    let mut day = Some(Day::of(start));
    for _ in 0..len {
        let Some(d) = day else { return };
        f(&d);
        day = d.next();
    }
}
