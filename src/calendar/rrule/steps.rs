//! The periods of HOURLY, MINUTELY and SECONDLY rules: wall-clock times INTERVAL units
//! apart, kept when their day, hour, minute and second pass the rule's limits.
//!
//! As in python-dateutil, the steps are taken on the wall clock (a DST change does not
//! shift them), and a step whose day, hour or minute fails is followed by a jump to the
//! first step of the next day, hour or minute, so a year of non-matching days costs a
//! year of steps at most, not a year of seconds.

use super::filter::{Day, Filter, days_from_civil};
use super::rule::{Frequency, RRule};

const DAY: i64 = 86_400;

/// What the steps of a rule must hit, as bit sets (empty: anything).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Limits {
    hours: u32,
    minutes: u64,
    seconds: u64,
}

impl Limits {
    /// The parts that limit the steps of `rule` (RFC 5545 section 3.3.10): BYHOUR at
    /// every sub-daily frequency, BYMINUTE at MINUTELY and SECONDLY, BYSECOND at SECONDLY.
    pub(crate) fn of(rule: &RRule) -> Limits {
        let bits = |list: &[i8]| list.iter().fold(0u64, |acc, &v| acc | 1 << v);
        let mut limits = Limits {
            // Hours are 0..=23, so their bits fit in 32.
            hours: u32::try_from(bits(&rule.by_hour)).unwrap_or(u32::MAX),
            ..Limits::default()
        };
        if rule.freq <= Frequency::Minutely {
            limits.minutes = bits(&rule.by_minute);
        }
        if rule.freq == Frequency::Secondly {
            limits.seconds = bits(&rule.by_second);
        }
        limits
    }

    /// Whether a step at `time_of_day` seconds after midnight passes.
    pub(crate) fn pass(&self, time_of_day: i64) -> bool {
        self.failing(time_of_day).is_none()
    }

    /// The first limit `time_of_day` fails, and the start of the next hour, minute or
    /// second (in seconds after midnight) where it might pass.
    fn failing(&self, time_of_day: i64) -> Option<i64> {
        let (hour, minute, second) = (time_of_day / 3600, time_of_day / 60 % 60, time_of_day % 60);
        if self.hours != 0 && self.hours & (1 << hour) == 0 {
            return Some((hour + 1) * 3600);
        }
        if self.minutes != 0 && self.minutes & (1 << minute) == 0 {
            return Some(hour * 3600 + (minute + 1) * 60);
        }
        if self.seconds != 0 && self.seconds & (1 << second) == 0 {
            return Some(time_of_day + 1);
        }
        None
    }
}

/// The steps of a sub-daily rule, in seconds since 1970-01-01T00:00 on the wall clock.
#[derive(Debug, Clone)]
pub(crate) struct Steps {
    /// The first step: DTSTART, truncated to the hour (HOURLY) or the minute (MINUTELY).
    origin: i64,
    /// Seconds between two steps.
    step: i64,
    /// The next step to look at; `None` once past the calendar's end.
    next: Option<i64>,
    /// No step after this one is looked at.
    last: i64,
    limits: Limits,
    /// The day last looked at, and whether the day filters pass it.
    day: Option<(i64, Option<Day>, bool)>,
}

impl Steps {
    /// The steps of `rule` from `start` (seconds since the epoch) to `last`, inclusive.
    pub(crate) fn new(rule: &RRule, start: i64, last: i64) -> Steps {
        let unit = rule.freq.seconds().unwrap_or(1);
        let origin = start - start.rem_euclid(unit);
        Steps {
            origin,
            step: unit.saturating_mul(i64::from(rule.interval)),
            next: Some(origin),
            last,
            limits: Limits::of(rule),
            day: None,
        }
    }

    /// The next step that passes `filter` and the limits, as (day, seconds after
    /// midnight); `work` counts the steps looked at.
    pub(crate) fn advance(&mut self, filter: &Filter, work: &mut u64) -> Option<(Day, i64)> {
        loop {
            let at = self.next.filter(|&at| at <= self.last)?;
            *work += 1;
            let (number, time_of_day) = (at.div_euclid(DAY), at.rem_euclid(DAY));
            let (day, passes) = match self.day {
                Some((n, day, passes)) if n == number => (day, passes),
                _ => {
                    let day = Day::from_number(number);
                    let passes = day.as_ref().is_some_and(|d| filter.matches(d));
                    self.day = Some((number, day, passes));
                    (day, passes)
                }
            };
            let day = day?;
            if !passes {
                self.jump_to(number.checked_add(1)?.checked_mul(DAY)?);
                continue;
            }
            if let Some(next) = self.limits.failing(time_of_day) {
                self.jump_to(number * DAY + next);
                continue;
            }
            self.next = at.checked_add(self.step);
            return Some((day, time_of_day));
        }
    }

    /// Moves to the first step at or after `at`.
    fn jump_to(&mut self, at: i64) {
        let behind = at - self.origin;
        self.next = behind
            .checked_add(self.step - 1)
            .map(|b| b.div_euclid(self.step))
            .and_then(|k| k.checked_mul(self.step))
            .and_then(|k| k.checked_add(self.origin));
    }
}

/// Seconds since 1970-01-01T00:00 of a wall-clock time.
pub(crate) fn seconds_of(dt: jiff::civil::DateTime) -> i64 {
    let days = days_from_civil(
        i64::from(dt.year()),
        i64::from(dt.month()),
        i64::from(dt.day()),
    );
    days * DAY + i64::from(dt.hour()) * 3600 + i64::from(dt.minute()) * 60 + i64::from(dt.second())
}

/// Whether a sub-daily `rule` started at `start` can ever step on a time of day its
/// limits allow: with `FREQ=HOURLY;INTERVAL=2` from 09:00, `BYHOUR=10` is never reached
/// (python-dateutil refuses such a rule with "invalid combination").
pub(crate) fn reachable(rule: &RRule, start: jiff::civil::DateTime) -> bool {
    let Some(unit) = rule.freq.seconds() else {
        return true;
    };
    let limits = Limits::of(rule);
    let units_per_day = DAY / unit;
    let first = (seconds_of(start).rem_euclid(DAY)) / unit;
    let stride = gcd(i64::from(rule.interval), units_per_day);
    // The steps land on the units `first + stride * j` of a day, on one day or another.
    (0..units_per_day / stride).any(|j| {
        let u = (first + stride * j) % units_per_day;
        limits.pass(u * unit)
    })
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::super::filter::civil_from_days;
    use super::*;
    use jiff::civil::date;

    #[test]
    fn day_numbers_round_trip() {
        let mut d = date(-9999, 1, 1);
        let mut n = days_from_civil(-9999, 1, 1);
        // Every 97th day over the whole calendar, leap days included.
        loop {
            let (y, m, day) = civil_from_days(n);
            assert_eq!(
                (y, m, day),
                (
                    i64::from(d.year()),
                    i64::from(d.month()),
                    i64::from(d.day())
                )
            );
            let from = Day::from_number(n).unwrap();
            let of = Day::of(d);
            assert_eq!(
                (
                    from.weekday,
                    from.yday,
                    from.days_in_month,
                    from.days_in_year
                ),
                (of.weekday, of.yday, of.days_in_month, of.days_in_year),
                "{d}"
            );
            let Ok(next) = d.checked_add(jiff::Span::new().days(97)) else {
                break;
            };
            d = next;
            n += 97;
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert!(Day::from_number(days_from_civil(10000, 1, 1)).is_none());
    }
}
