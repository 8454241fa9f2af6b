//! Properties against a brute-force oracle: the same occurrences, ascending, bounded, reparsable.

use super::*;
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use proptest::prelude::*;

const CODES: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const MONTH_DAYS: [i8; 10] = [1, 2, 15, 28, 29, 30, 31, -1, -2, -31];

#[derive(Debug, Clone)]
struct Case {
    freq: Frequency,
    interval: u32,
    weekdays: Vec<usize>,
    nth: Vec<(i8, usize)>,
    month_days: Vec<i8>,
    months: Vec<i8>,
    set_pos: Vec<i16>,
    wkst: usize,
    count: Option<u32>,
    dtstart: DateTime,
}

impl Case {
    fn text(&self) -> String {
        let mut out = format!("FREQ={}", self.freq.as_str());
        if self.interval != 1 {
            out += &format!(";INTERVAL={}", self.interval);
        }
        if let Some(count) = self.count {
            out += &format!(";COUNT={count}");
        }
        let days: Vec<String> = self
            .weekdays
            .iter()
            .map(|&w| CODES[w].to_owned())
            .chain(self.nth.iter().map(|&(n, w)| format!("{n}{}", CODES[w])))
            .collect();
        let join = |v: Vec<String>| v.join(",");
        if !days.is_empty() {
            out += &format!(";BYDAY={}", join(days));
        }
        if !self.month_days.is_empty() {
            out += &format!(
                ";BYMONTHDAY={}",
                join(self.month_days.iter().map(i8::to_string).collect())
            );
        }
        if !self.months.is_empty() {
            out += &format!(
                ";BYMONTH={}",
                join(self.months.iter().map(i8::to_string).collect())
            );
        }
        if !self.set_pos.is_empty() {
            out += &format!(
                ";BYSETPOS={}",
                join(self.set_pos.iter().map(i16::to_string).collect())
            );
        }
        out += &format!(";WKST={}", CODES[self.wkst]);
        out
    }

    /// The period a day belongs to, as a number that grows by one per period.
    fn period(&self, d: Date) -> i64 {
        let epoch = date(2000, 1, 3); // a Monday
        let days = epoch.until(d).unwrap().get_days() as i64;
        match self.freq {
            Frequency::Weekly => (days - self.wkst as i64).div_euclid(7),
            Frequency::Monthly => i64::from(d.year()) * 12 + i64::from(d.month()),
            Frequency::Yearly => i64::from(d.year()),
            // The cases are DAILY or coarser; finer rules have an oracle of their own.
            _ => days,
        }
    }

    fn day_matches(&self, d: Date) -> bool {
        let weekday = d.weekday().to_monday_zero_offset() as usize;
        let (day, dim) = (d.day(), d.days_in_month());
        if !self.months.is_empty() && !self.months.contains(&d.month()) {
            return false;
        }
        let defaults =
            self.weekdays.is_empty() && self.nth.is_empty() && self.month_days.is_empty();
        if defaults {
            return match self.freq {
                Frequency::Weekly => d.weekday() == self.dtstart.weekday(),
                Frequency::Monthly => day == self.dtstart.day(),
                Frequency::Yearly => {
                    day == self.dtstart.day()
                        && (!self.months.is_empty() || d.month() == self.dtstart.month())
                }
                _ => true,
            };
        }
        if !self.weekdays.is_empty() || !self.nth.is_empty() {
            let plain = self.weekdays.contains(&weekday);
            let numbered = self.nth.iter().any(|&(n, w)| {
                w == weekday && (n == (day - 1) / 7 + 1 || n == -((dim - day) / 7 + 1))
            });
            if !plain && !numbered {
                return false;
            }
        }
        self.month_days.is_empty()
            || self
                .month_days
                .iter()
                .any(|&m| m == day || m == day - dim - 1)
    }

    /// Every day from the period of DTSTART to `limit`, filtered and picked one by one.
    fn oracle(&self, limit: DateTime) -> Vec<DateTime> {
        let first = self.period(self.dtstart.date());
        let mut groups: Vec<(i64, Vec<DateTime>)> = Vec::new();
        let mut d = self.dtstart.date().first_of_year();
        // BYSETPOS counts within whole periods, so scan to the end of the last one.
        let end = limit.date().last_of_year().checked_add(7.days()).unwrap();
        while d <= end {
            let p = self.period(d);
            // Like python-dateutil, the first week starts at DTSTART, not at WKST,
            // which changes what BYSETPOS picks in it.
            let clipped = self.freq == Frequency::Weekly && d < self.dtstart.date();
            if !clipped
                && p >= first
                && (p - first) % i64::from(self.interval) == 0
                && self.day_matches(d)
            {
                let dt = d.to_datetime(self.dtstart.time());
                match groups.last_mut() {
                    Some((q, list)) if *q == p => list.push(dt),
                    _ => groups.push((p, vec![dt])),
                }
            }
            d = d.tomorrow().unwrap();
        }
        let mut out = Vec::new();
        for (_, list) in groups {
            let picked: Vec<DateTime> = if self.set_pos.is_empty() {
                list
            } else {
                let mut picked: Vec<DateTime> = self
                    .set_pos
                    .iter()
                    .filter_map(|&p| {
                        let i = if p > 0 {
                            p as i64 - 1
                        } else {
                            list.len() as i64 + p as i64
                        };
                        usize::try_from(i).ok().and_then(|i| list.get(i).copied())
                    })
                    .collect();
                picked.sort();
                picked.dedup();
                picked
            };
            out.extend(
                picked
                    .into_iter()
                    .filter(|dt| *dt >= self.dtstart && *dt <= limit),
            );
        }
        if let Some(count) = self.count {
            out.truncate(count as usize);
        }
        out
    }
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![
            Just(Frequency::Daily),
            Just(Frequency::Weekly),
            Just(Frequency::Monthly),
            Just(Frequency::Yearly)
        ],
        1u32..=3,
        proptest::sample::subsequence((0..7).collect::<Vec<usize>>(), 0..=3),
        proptest::collection::vec((prop_oneof![1i8..=5, -5i8..=-1], 0usize..7), 0..=2),
        proptest::sample::subsequence(MONTH_DAYS.to_vec(), 0..=3),
        proptest::sample::subsequence((1..=12).collect::<Vec<i8>>(), 0..=3),
        proptest::collection::vec(prop_oneof![1i16..=4, -4i16..=-1], 0..=2),
        0usize..7,
        proptest::option::of(1u32..40),
        (0i64..1500, 0i8..24, 0i8..4),
    )
        .prop_map(
            |(
                freq,
                interval,
                weekdays,
                nth,
                month_days,
                months,
                set_pos,
                wkst,
                count,
                (day, hour, quarter),
            )| {
                let weekly_or_daily = matches!(freq, Frequency::Daily | Frequency::Weekly);
                Case {
                    freq,
                    interval,
                    weekdays,
                    // Numbered weekdays are only valid in monthly and yearly rules; keep
                    // the yearly oracle simple by numbering within months (BYMONTH set).
                    nth: if weekly_or_daily || (freq == Frequency::Yearly && months.is_empty()) {
                        Vec::new()
                    } else {
                        nth
                    },
                    month_days: if freq == Frequency::Weekly {
                        Vec::new()
                    } else {
                        month_days
                    },
                    months,
                    set_pos,
                    wkst,
                    count,
                    dtstart: date(2026, 1, 1).checked_add(day.days()).unwrap().at(
                        hour,
                        quarter * 15,
                        0,
                        0,
                    ),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn occurrences_match_brute_force(case in case(), years in 1i64..=3) {
        let text = case.text();
        let parsed = parse_rrule(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        let limit = case.dtstart.checked_add(years.years()).unwrap();
        let got: Vec<DateTime> = parsed.occurrences(case.dtstart, &TimeZone::UTC, limit).collect();
        let want = case.oracle(limit);
        prop_assert_eq!(got, want, "rule {} from {}", text, case.dtstart);
    }

    #[test]
    fn occurrences_are_strictly_ascending_and_bounded(case in case()) {
        let text = case.text();
        let parsed = parse_rrule(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        let limit = case.dtstart.checked_add(2.years()).unwrap();
        let got: Vec<DateTime> = parsed.occurrences(case.dtstart, &TimeZone::UTC, limit).collect();
        prop_assert!(got.windows(2).all(|w| w[0] < w[1]));
        prop_assert!(got.iter().all(|dt| *dt >= case.dtstart && *dt <= limit));
        if let Some(count) = case.count {
            prop_assert!(got.len() <= count as usize);
        }
        // A rule that produces something is never reported as impossible.
        if !got.is_empty() {
            prop_assert!(parsed.check_satisfiable().is_ok(), "{} produced {:?}", text, got);
        }
    }

    #[test]
    fn display_reparses_to_the_same_rule(case in case()) {
        let parsed = parse_rrule(&case.text()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let again = parse_rrule(&parsed.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(again, parsed);
    }

    #[test]
    fn errors_point_inside_the_text(
        text in "[A-Z0-9=;,:+-]{0,40}",
        other in "\\PC{0,30}",
        parts in proptest::collection::vec(
            (
                proptest::sample::select(vec![
                    "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH",
                    "BYSETPOS", "BYHOUR", "BYMINUTE", "BYSECOND", "WKST", "BYWEEKNO", "X",
                ]),
                "(MONTHLY|WEEKLY|[-+0-9A-Z, TéZ]{0,10})",
            ),
            0..6,
        ),
    ) {
        let rule_text: Vec<String> = parts.iter().map(|(n, v)| format!("{n}={v}")).collect();
        let texts = [
            rule_text.join(";"),
            text.clone(),
            other.clone(),
            format!("DTSTART;TZID={other}:{text}\nRRULE:{other}{text}"),
            format!("RRULE:FREQ=MONTHLY;{text}\n {other}"),
        ];
        if let Ok(parsed) = parse_rrule(&texts[0]) {
            if let Err(err) = parsed.check_satisfiable() {
                prop_assert!(texts[0].get(err.span.clone()).is_some(), "{:?}", err.span);
            }
            // Whatever parses also expands, without panicking and within bounds.
            let start = datetime(2027, 3, 1, 9, 0, 0, 0);
            let limit = datetime(2029, 3, 1, 9, 0, 0, 0);
            let n = parsed.occurrences(start, &TimeZone::UTC, limit).take(5_000).count();
            prop_assert!(n <= 5_000);
        }
        for t in &texts {
            for err in [parse_rrule(t).err(), parse_ical(t).err()].into_iter().flatten() {
                prop_assert!(t.get(err.span.clone()).is_some(), "{:?} for {:?}", err.span, t);
            }
        }
    }
}

#[test]
fn weekday_offsets_match_codes() {
    for (i, code) in CODES.iter().enumerate() {
        let parsed = rule(&format!("FREQ=WEEKLY;BYDAY={code}"));
        assert_eq!(
            parsed.by_day()[0].weekday,
            Weekday::from_monday_zero_offset(i as i8).unwrap()
        );
    }
}

/// A sub-daily rule against the plainest oracle: every step from DTSTART, one unit
/// at a time, kept when its day, hour, minute and second pass.
#[derive(Debug, Clone)]
struct Fine {
    freq: Frequency,
    interval: u32,
    hours: Vec<i8>,
    minutes: Vec<i8>,
    seconds: Vec<i8>,
    weekdays: Vec<usize>,
    month_days: Vec<i8>,
    year_days: Vec<i16>,
    set_pos: Vec<i16>,
    count: Option<u32>,
    dtstart: DateTime,
}

impl Fine {
    fn text(&self) -> String {
        let list = |name: &str, v: Vec<String>| {
            if v.is_empty() {
                String::new()
            } else {
                format!(";{name}={}", v.join(","))
            }
        };
        let s = |v: &[i8]| v.iter().map(i8::to_string).collect::<Vec<_>>();
        format!(
            "FREQ={};INTERVAL={}{}{}{}{}{}{}{}{}",
            self.freq.as_str(),
            self.interval,
            list("BYHOUR", s(&self.hours)),
            list("BYMINUTE", s(&self.minutes)),
            list("BYSECOND", s(&self.seconds)),
            list(
                "BYDAY",
                self.weekdays.iter().map(|&w| CODES[w].to_owned()).collect()
            ),
            list("BYMONTHDAY", s(&self.month_days)),
            list(
                "BYYEARDAY",
                self.year_days.iter().map(i16::to_string).collect()
            ),
            list(
                "BYSETPOS",
                self.set_pos.iter().map(i16::to_string).collect()
            ),
            self.count.map_or(String::new(), |c| format!(";COUNT={c}")),
        )
    }

    fn day_passes(&self, d: Date) -> bool {
        let weekday = d.weekday().to_monday_zero_offset() as usize;
        let (day, dim) = (d.day(), d.days_in_month());
        let (yday, diy) = (d.day_of_year(), d.days_in_year());
        (self.weekdays.is_empty() || self.weekdays.contains(&weekday))
            && (self.month_days.is_empty()
                || self
                    .month_days
                    .iter()
                    .any(|&m| m == day || m == day - dim - 1))
            && (self.year_days.is_empty()
                || self
                    .year_days
                    .iter()
                    .any(|&y| y == yday || y == yday - diy - 1))
    }

    fn oracle(&self, limit: DateTime) -> Vec<DateTime> {
        let unit: i64 = match self.freq {
            Frequency::Hourly => 3600,
            Frequency::Minutely => 60,
            _ => 1,
        };
        let start = self.dtstart;
        let first = start
            .checked_sub(jiff::SignedDuration::from_secs(
                (i64::from(start.minute()) * 60 + i64::from(start.second())) % unit,
            ))
            .unwrap();
        let step = jiff::SignedDuration::from_secs(unit * i64::from(self.interval));
        let or = |v: &[i8], d: i8| if v.is_empty() { vec![d] } else { v.to_vec() };
        let mut out = Vec::new();
        let mut at = first;
        while at <= limit {
            let ok = self.day_passes(at.date())
                && (self.hours.is_empty() || self.hours.contains(&at.hour()))
                && (self.freq == Frequency::Hourly
                    || self.minutes.is_empty()
                    || self.minutes.contains(&at.minute()))
                && (self.freq != Frequency::Secondly
                    || self.seconds.is_empty()
                    || self.seconds.contains(&at.second()));
            if ok {
                let minutes = if self.freq == Frequency::Hourly {
                    or(&self.minutes, start.minute())
                } else {
                    vec![at.minute()]
                };
                let seconds = if self.freq == Frequency::Secondly {
                    vec![at.second()]
                } else {
                    or(&self.seconds, start.second())
                };
                let mut set: Vec<DateTime> = Vec::new();
                for &m in &minutes {
                    for &s in &seconds {
                        set.push(at.date().at(at.hour(), m, s, 0));
                    }
                }
                set.sort();
                let picked: Vec<DateTime> = if self.set_pos.is_empty() {
                    set
                } else {
                    let mut p: Vec<DateTime> = self
                        .set_pos
                        .iter()
                        .filter_map(|&p| {
                            let i = if p > 0 {
                                p as i64 - 1
                            } else {
                                set.len() as i64 + p as i64
                            };
                            usize::try_from(i).ok().and_then(|i| set.get(i).copied())
                        })
                        .collect();
                    p.sort();
                    p.dedup();
                    p
                };
                out.extend(picked.into_iter().filter(|dt| *dt >= start && *dt <= limit));
            }
            at = at.checked_add(step).unwrap();
        }
        if let Some(count) = self.count {
            out.truncate(count as usize);
        }
        out
    }
}

fn fine() -> impl Strategy<Value = Fine> {
    let some = |max: i8| proptest::sample::subsequence((0..max).collect::<Vec<i8>>(), 0..=3);
    (
        prop_oneof![
            Just(Frequency::Hourly),
            Just(Frequency::Minutely),
            Just(Frequency::Secondly)
        ],
        prop_oneof![1u32..=3, Just(7), Just(25), Just(90)],
        (some(24), some(60), some(60)),
        proptest::sample::subsequence((0..7).collect::<Vec<usize>>(), 0..=3),
        proptest::sample::subsequence(vec![1i8, 2, 15, 28, -1], 0..=2),
        proptest::sample::subsequence(vec![1i16, 2, 59, 60, 61, -1, -306], 0..=2),
        proptest::collection::vec(prop_oneof![1i16..=3, -3i16..=-1], 0..=2),
        proptest::option::of(1u32..60),
        (
            0i64..1500,
            0i8..24,
            0i8..60,
            prop_oneof![Just(0i8), 0i8..60],
        ),
    )
        .prop_map(
            |(
                freq,
                interval,
                (hours, minutes, seconds),
                weekdays,
                month_days,
                year_days,
                set_pos,
                count,
                (day, h, m, s),
            )| Fine {
                freq,
                interval,
                hours,
                minutes,
                seconds,
                weekdays,
                month_days,
                year_days,
                set_pos,
                count,
                dtstart: date(2026, 1, 1)
                    .checked_add(day.days())
                    .unwrap()
                    .at(h, m, s, 0),
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn sub_daily_rules_match_stepping_one_unit_at_a_time(case in fine()) {
        let text = case.text();
        let parsed = parse_rrule(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        // Long enough to cross days, short enough to step second by second.
        let span = match case.freq {
            Frequency::Hourly => 40.days(),
            Frequency::Minutely => 3.days(),
            _ => 6.hours(),
        };
        let limit = case.dtstart.checked_add(span).unwrap();
        let got: Vec<DateTime> = parsed.occurrences(case.dtstart, &TimeZone::UTC, limit).collect();
        prop_assert_eq!(got, case.oracle(limit), "rule {} from {}", text, case.dtstart);
    }
}

/// However many candidates a period holds, the expansion is lazy: the first of a
/// year of every second comes at once, and the millionth without a year's buffer.
#[test]
fn expansion_is_lazy_however_fine_the_rule() {
    let start = datetime(2027, 1, 1, 0, 0, 0, 0);
    let every_second = "FREQ=YEARLY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59;BYSECOND=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59;BYYEARDAY=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15";
    let mut it = rule(every_second).occurrences(start, &TimeZone::UTC, DateTime::MAX);
    assert_eq!(it.next(), Some(start));
    assert_eq!(it.nth(999_999), Some(datetime(2027, 1, 12, 13, 46, 40, 0)));
    let mut secondly = rule("FREQ=SECONDLY").occurrences(start, &TimeZone::UTC, DateTime::MAX);
    assert_eq!(secondly.nth(86_400), Some(datetime(2027, 1, 2, 0, 0, 0, 0)));
}

/// A rule whose steps never land where its limits allow ends at once.
#[test]
fn unreachable_steps_end_at_once() {
    let start = datetime(2027, 3, 1, 9, 0, 0, 0);
    for text in [
        "FREQ=HOURLY;INTERVAL=2;BYHOUR=10",
        "FREQ=MINUTELY;INTERVAL=120;BYHOUR=10",
        "FREQ=SECONDLY;INTERVAL=7200;BYMINUTE=30",
    ] {
        assert_eq!(expand_early(text, start), [], "{text}");
        let err = rule(text)
            .check_produces(start, &TimeZone::UTC)
            .unwrap_err();
        assert_eq!(err.message, "this rule produces nothing", "{text}");
    }
}
