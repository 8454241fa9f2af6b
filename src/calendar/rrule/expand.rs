//! Lazy expansion of a rule into wall-clock occurrences, period by period, as python-dateutil does.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

use super::filter::Filter;
use super::period::{Periods, for_each_day};
use super::rule::{RRule, Until};

/// The latest occurrence `UNTIL` allows.
#[derive(Debug, Clone)]
enum Bound {
    Civil(DateTime),
    Instant(Timestamp, TimeZone),
}

impl Bound {
    fn exceeded_by(&self, dt: DateTime) -> bool {
        match self {
            Bound::Civil(last) => dt > *last,
            // The integrator turns civil times into instants with compatible
            // disambiguation; compare the same instant it will schedule.
            Bound::Instant(last, tz) => tz
                .to_ambiguous_timestamp(dt)
                .compatible()
                .map_or(true, |ts| ts > *last),
        }
    }
}

/// The occurrences of a rule in wall-clock time, ascending; see [`RRule::occurrences`].
#[derive(Debug, Clone)]
pub struct Occurrences {
    filter: Filter,
    times: Vec<Time>,
    set_pos: Vec<i16>,
    dtstart: DateTime,
    limit: DateTime,
    /// No period starting after this day can yield anything (`limit` or UNTIL).
    last_day: Date,
    until: Option<Bound>,
    remaining: Option<u32>,
    periods: Periods,
    days: Vec<Date>,
    buffer: Vec<DateTime>,
    next: usize,
    done: bool,
}

impl RRule {
    /// Occurrences in wall-clock (civil) time of `tz`, ascending, lazily, starting at
    /// `dtstart`, stopping at COUNT, UNTIL, or after `limit` (inclusive), whichever
    /// comes first.
    ///
    /// DTSTART is yielded only if it matches the rule, and it counts towards COUNT
    /// then. Times that do not exist in `tz` (a DST gap) are still yielded: the
    /// caller decides how to place them. `tz` is only consulted for an UNTIL in UTC.
    pub fn occurrences(&self, dtstart: DateTime, tz: &TimeZone, limit: DateTime) -> Occurrences {
        let hours = defaulted(&self.by_hour, dtstart.hour());
        let minutes = defaulted(&self.by_minute, dtstart.minute());
        let seconds = defaulted(&self.by_second, dtstart.second());
        let mut times = Vec::with_capacity(hours.len() * minutes.len() * seconds.len());
        for &h in &hours {
            for &m in &minutes {
                for &s in &seconds {
                    times.extend(Time::new(h, m, s, 0).ok());
                }
            }
        }
        // dateutil drops sub-second precision from DTSTART too.
        let dtstart = dtstart
            .with()
            .subsec_nanosecond(0)
            .build()
            .unwrap_or(dtstart);
        let until = self.until.map(|until| match until {
            Until::Date(d) => Bound::Civil(d.to_datetime(Time::MAX)),
            Until::Local(dt) => Bound::Civil(dt),
            Until::Utc(ts) => Bound::Instant(ts, tz.clone()),
        });
        // A UTC UNTIL lands on a local day at most a day away from its UTC day.
        let until_day = match self.until {
            None => None,
            Some(Until::Date(d)) => Some(d),
            Some(Until::Local(dt)) => Some(dt.date()),
            Some(Until::Utc(ts)) => tz.to_datetime(ts).date().tomorrow().ok(),
        };
        let last_day = until_day.map_or(limit.date(), |d| d.min(limit.date()));
        Occurrences {
            last_day,
            filter: Filter::new(self, Some(dtstart)),
            times,
            set_pos: self.by_set_pos.clone(),
            dtstart,
            limit,
            until,
            remaining: self.count,
            periods: Periods::new(self.freq, self.interval, self.wkst, dtstart.date()),
            days: Vec::new(),
            buffer: Vec::new(),
            next: 0,
            done: false,
        }
    }
}

fn defaulted(list: &[i8], default: i8) -> Vec<i8> {
    if list.is_empty() {
        vec![default]
    } else {
        list.to_vec()
    }
}

/// Picks BYSETPOS positions out of a period's `days` × `times`, in time order.
fn select_positions(days: &[Date], times: &[Time], set_pos: &[i16], out: &mut Vec<DateTime>) {
    let total = days.len() * times.len();
    for &pos in set_pos {
        let index = if pos > 0 {
            usize::from(pos.unsigned_abs()) - 1
        } else {
            match total.checked_sub(usize::from(pos.unsigned_abs())) {
                Some(i) => i,
                None => continue,
            }
        };
        if index < total {
            let (day, time) = (index / times.len(), index % times.len());
            out.push(days[day].to_datetime(times[time]));
        }
    }
    out.sort();
    out.dedup();
}

impl Occurrences {
    /// Fills the buffer with the next period's candidates; false when no period is left.
    fn refill(&mut self) -> bool {
        // Periods only move forward, so one starting after `limit` or UNTIL ends
        // the scan, even for a rule that never matches.
        if self
            .periods
            .peek()
            .is_none_or(|start| start > self.last_day)
        {
            return false;
        }
        let Some((start, len)) = self.periods.advance() else {
            return false;
        };
        self.days.clear();
        self.buffer.clear();
        self.next = 0;
        let (filter, days) = (&self.filter, &mut self.days);
        for_each_day(start, len, |day| {
            if filter.matches(day) {
                days.extend(day.date());
            }
        });
        if self.set_pos.is_empty() {
            for &day in &self.days {
                for &time in &self.times {
                    self.buffer.push(day.to_datetime(time));
                }
            }
        } else {
            select_positions(&self.days, &self.times, &self.set_pos, &mut self.buffer);
        }
        true
    }
}

impl Iterator for Occurrences {
    type Item = DateTime;

    fn next(&mut self) -> Option<DateTime> {
        while !self.done {
            if self.remaining == Some(0) {
                break;
            }
            let Some(&dt) = self.buffer.get(self.next) else {
                if !self.refill() {
                    break;
                }
                continue;
            };
            self.next += 1;
            if dt < self.dtstart {
                continue;
            }
            if dt > self.limit || self.until.as_ref().is_some_and(|u| u.exceeded_by(dt)) {
                break;
            }
            if let Some(left) = &mut self.remaining {
                *left -= 1;
            }
            return Some(dt);
        }
        self.done = true;
        None
    }
}

impl std::iter::FusedIterator for Occurrences {}

#[cfg(test)]
mod tests {
    use super::super::parse_rrule;
    use jiff::civil::{date, datetime};
    use jiff::tz::TimeZone;

    /// The scan stops at UNTIL, not only at `limit`, so a rule that never
    /// matches does not walk to the end of the calendar.
    #[test]
    fn scan_ends_at_until() {
        let start = datetime(2027, 3, 1, 19, 0, 0, 0);
        let limit = datetime(9000, 1, 1, 0, 0, 0, 0);
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        for (rule, last) in [
            ("FREQ=DAILY;UNTIL=20280101", date(2028, 1, 1)),
            ("FREQ=DAILY;UNTIL=20280101T120000", date(2028, 1, 1)),
            ("FREQ=DAILY;UNTIL=20280101T200000Z", date(2028, 1, 3)),
            ("FREQ=DAILY", date(9000, 1, 1)),
        ] {
            let it = parse_rrule(rule).unwrap().occurrences(start, &tz, limit);
            assert_eq!(it.last_day, last, "{rule}");
        }
    }
}
