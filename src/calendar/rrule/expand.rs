//! Lazy expansion of a rule into wall-clock occurrences, period by period, as python-dateutil does.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

use super::filter::Filter;
use super::period::{Periods, for_each_day};
use super::rule::{Frequency, RRule, Until};
use super::steps::{Steps, reachable, seconds_of};

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

/// How the periods are walked: whole days (DAILY and coarser) or steps within days.
#[derive(Debug, Clone)]
enum Scan {
    Periods(Periods),
    Steps(Steps),
}

/// The occurrences of a rule in wall-clock time, ascending; see [`RRule::occurrences`].
///
/// Memory stays bounded whatever the rule: a period's candidates are walked as days ×
/// times of day (at most 366 × 86,400) without being collected, and only BYSETPOS's
/// picks are kept.
#[derive(Debug, Clone)]
pub struct Occurrences {
    filter: Filter,
    /// The times of day each kept day expands to; for a sub-daily rule, those of the
    /// current step.
    times: Vec<Time>,
    /// What a sub-daily step expands to: BYMINUTE (HOURLY) and BYSECOND (HOURLY, MINUTELY).
    minutes: Vec<i8>,
    seconds: Vec<i8>,
    freq: Frequency,
    set_pos: Vec<i16>,
    dtstart: DateTime,
    limit: DateTime,
    /// No period starting after this day can yield anything (`limit` or UNTIL).
    last_day: Date,
    until: Option<Bound>,
    remaining: Option<u32>,
    scan: Scan,
    /// The kept days of the current period.
    days: Vec<Date>,
    /// The next candidate of the current period: a day and a time of day, or
    /// (with BYSETPOS) an index into `picked`.
    day: usize,
    time: usize,
    picked: Vec<DateTime>,
    done: bool,
    /// Days and steps looked at, and how many may be before giving up.
    work: u64,
    budget: u64,
    exhausted: bool,
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
        // dateutil drops sub-second precision from DTSTART too.
        let dtstart = dtstart
            .with()
            .subsec_nanosecond(0)
            .build()
            .unwrap_or(dtstart);
        let minutes = defaulted(&self.by_minute, dtstart.minute());
        let seconds = defaulted(&self.by_second, dtstart.second());
        let times = if self.freq.is_sub_daily() {
            Vec::new()
        } else {
            let hours = defaulted(&self.by_hour, dtstart.hour());
            let mut times = Vec::with_capacity(hours.len() * minutes.len() * seconds.len());
            for &h in &hours {
                for &m in &minutes {
                    for &s in &seconds {
                        times.extend(Time::new(h, m, s, 0).ok());
                    }
                }
            }
            times
        };
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
        let scan = if self.freq.is_sub_daily() {
            // A rule whose steps never land on an allowed time of day yields nothing,
            // rather than stepping through every day to the limit.
            let last = if reachable(self, dtstart) {
                seconds_of(last_day.to_datetime(Time::MAX))
            } else {
                i64::MIN
            };
            Scan::Steps(Steps::new(self, seconds_of(dtstart), last))
        } else {
            Scan::Periods(Periods::new(
                self.freq,
                self.interval,
                self.wkst,
                dtstart.date(),
            ))
        };
        Occurrences {
            last_day,
            filter: Filter::new(self, Some(dtstart)),
            times,
            minutes,
            seconds,
            freq: self.freq,
            set_pos: self.by_set_pos.clone(),
            dtstart,
            limit,
            until,
            remaining: self.count,
            scan,
            days: Vec::new(),
            day: 0,
            time: 0,
            picked: Vec::new(),
            done: false,
            work: 0,
            budget: u64::MAX,
            exhausted: false,
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
    /// Gives up (ends) after looking at `budget` days or steps, so that asking whether
    /// a rule produces anything costs a bounded time; see [`Occurrences::exhausted`].
    pub fn with_budget(mut self, budget: u64) -> Self {
        self.budget = budget;
        self
    }

    /// Whether the iteration ended because its budget ran out, not because the rule did.
    pub fn exhausted(&self) -> bool {
        self.exhausted
    }

    /// Moves to the next period's candidates; false when no period is left.
    fn refill(&mut self) -> bool {
        if self.work >= self.budget {
            self.exhausted = true;
            return false;
        }
        self.days.clear();
        self.picked.clear();
        self.day = 0;
        self.time = 0;
        let found = match &mut self.scan {
            Scan::Periods(periods) => {
                // Periods only move forward, so one starting after `limit` or UNTIL
                // ends the scan, even for a rule that never matches.
                if periods.peek().is_none_or(|start| start > self.last_day) {
                    return false;
                }
                let Some((start, len)) = periods.advance() else {
                    return false;
                };
                self.work += u64::from(len);
                let (filter, days) = (&self.filter, &mut self.days);
                for_each_day(start, len, |day| {
                    if filter.matches(day) {
                        days.extend(day.date());
                    }
                });
                true
            }
            Scan::Steps(steps) => match steps.advance(&self.filter, &mut self.work) {
                Some((day, time_of_day)) => {
                    self.days.extend(day.date());
                    step_times(
                        self.freq,
                        time_of_day,
                        &self.minutes,
                        &self.seconds,
                        &mut self.times,
                    );
                    true
                }
                None => false,
            },
        };
        if found && !self.set_pos.is_empty() {
            select_positions(&self.days, &self.times, &self.set_pos, &mut self.picked);
        }
        found
    }

    /// The current period's next candidate, if any is left.
    fn candidate(&mut self) -> Option<DateTime> {
        if !self.set_pos.is_empty() {
            let dt = self.picked.get(self.day).copied();
            self.day += 1;
            return dt;
        }
        let day = *self.days.get(self.day)?;
        let time = *self.times.get(self.time)?;
        self.time += 1;
        if self.time == self.times.len() {
            self.time = 0;
            self.day += 1;
        }
        Some(day.to_datetime(time))
    }
}

/// The times a sub-daily step at `time_of_day` expands to: BYMINUTE × BYSECOND within
/// its hour (HOURLY), BYSECOND within its minute (MINUTELY), or itself (SECONDLY).
fn step_times(
    freq: Frequency,
    time_of_day: i64,
    minutes: &[i8],
    seconds: &[i8],
    out: &mut Vec<Time>,
) {
    out.clear();
    let hour = i8::try_from(time_of_day / 3600).unwrap_or(0);
    let minute = i8::try_from(time_of_day / 60 % 60).unwrap_or(0);
    let second = i8::try_from(time_of_day % 60).unwrap_or(0);
    let minutes = if freq == Frequency::Hourly {
        minutes
    } else {
        std::slice::from_ref(&minute)
    };
    let seconds = if freq == Frequency::Secondly {
        std::slice::from_ref(&second)
    } else {
        seconds
    };
    for &m in minutes {
        for &s in seconds {
            out.extend(Time::new(hour, m, s, 0).ok());
        }
    }
}

impl Iterator for Occurrences {
    type Item = DateTime;

    fn next(&mut self) -> Option<DateTime> {
        while !self.done {
            if self.remaining == Some(0) {
                break;
            }
            let Some(dt) = self.candidate() else {
                if !self.refill() {
                    break;
                }
                continue;
            };
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
