//! Properties of expansion over generated terms: sessions inside the term, never on
//! a holiday unless a change put them there, sorted, uniquely keyed, deterministic.

use std::collections::HashSet;
use std::fmt::Write;

use jiff::civil::Date;
use livesched::plan::plan_term;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Gen {
    tz: &'static str,
    start: Date,
    days: i64,
    holidays: Vec<(i64, i64)>,
    workdays: Vec<(i64, &'static str)>,
    classes: Vec<GenClass>,
    moves: Vec<(usize, i64, i64)>,
}

#[derive(Debug, Clone)]
struct GenClass {
    days: Vec<&'static str>,
    times: Vec<(u8, u8)>,
    weeks: Option<String>,
    every: i32,
    skip: Vec<i64>,
    count: Option<u32>,
    dates: Option<Vec<(i64, u8)>>,
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn class() -> impl Strategy<Value = GenClass> {
    (
        proptest::sample::subsequence(DAYS.to_vec(), 1..=3),
        proptest::collection::vec((0u8..24, prop_oneof![Just(0u8), Just(30u8)]), 1..=2),
        prop_oneof![
            Just(None),
            Just(Some("odd".to_string())),
            Just(Some("even".to_string())),
            (1i32..5, 0i32..10).prop_map(|(a, n)| Some(format!("{a}-{}", a + n))),
        ],
        1i32..=3,
        proptest::collection::vec(0i64..200, 0..3),
        proptest::option::of(1u32..20),
        proptest::option::of(proptest::collection::vec((0i64..200, 0u8..24), 1..4)),
    )
        .prop_map(
            |(days, mut times, weeks, every, skip, count, dates)| GenClass {
                days,
                times: {
                    times.sort();
                    times.dedup();
                    times
                },
                weeks,
                every,
                skip,
                count,
                dates,
            },
        )
}

fn term() -> impl Strategy<Value = Gen> {
    (
        prop_oneof![
            Just("Asia/Shanghai"),
            Just("America/New_York"),
            Just("Europe/London"),
        ],
        0i64..365,
        7i64..200,
        proptest::collection::vec((0i64..200, 0i64..6), 0..4),
        proptest::collection::vec((0i64..200, prop_oneof![Just("mon"), Just("fri")]), 0..3),
        proptest::collection::vec(class(), 1..5),
        proptest::collection::vec((0usize..5, 0i64..200, 0i64..200), 0..3),
    )
        .prop_map(
            |(tz, offset, days, holidays, workdays, classes, moves)| Gen {
                tz,
                start: jiff::civil::date(2027, 1, 1) + jiff::Span::new().days(offset),
                days,
                holidays,
                workdays,
                classes,
                moves,
            },
        )
}

impl Gen {
    fn day(&self, n: i64) -> Date {
        self.start + jiff::Span::new().days(n % self.days)
    }

    fn end(&self) -> Date {
        self.day(self.days - 1)
    }

    fn yaml(&self) -> String {
        let mut s = format!(
            "version: 1\nterm:\n  timezone: {}\n  start: {}\n  end: {}\n  holidays:\n",
            self.tz,
            self.start,
            self.end()
        );
        let mut off = Vec::new();
        for (from, len) in &self.holidays {
            let from = self.day(*from);
            let to = (from + jiff::Span::new().days(*len)).min(self.end());
            let _ = writeln!(s, "    - {{ from: {from}, to: {to} }}");
            off.push(from..=to);
        }
        s.push_str("  workdays:\n");
        let mut used = HashSet::new();
        for (d, as_) in &self.workdays {
            let d = self.day(*d);
            // A day is a holiday or a make-up day, never both (that is an error).
            if !off.iter().any(|h| h.contains(&d)) && used.insert(d) {
                let _ = writeln!(s, "    - {{ date: {d}, as: {as_} }}");
            }
        }
        s.push_str("defaults: { anchor: a, duration: 30m }\nclasses:\n");
        for (i, c) in self.classes.iter().enumerate() {
            let _ = writeln!(s, "  - id: c{i}\n    theme: t{i} {{n}}");
            match &c.dates {
                Some(dates) => {
                    let list: Vec<String> = dates
                        .iter()
                        .map(|(d, h)| format!("{}T{h:02}:15", self.day(*d)))
                        .collect();
                    let _ = writeln!(s, "    dates: [{}]", list.join(", "));
                }
                None => {
                    let times: Vec<String> = c
                        .times
                        .iter()
                        .map(|(h, m)| format!("\"{h:02}:{m:02}\""))
                        .collect();
                    let _ = writeln!(
                        s,
                        "    weekly: {{ days: [{}], at: [{}], every: {} }}",
                        c.days.join(", "),
                        times.join(", "),
                        c.every
                    );
                    if let Some(w) = &c.weeks {
                        let _ = writeln!(s, "    weeks: {w}");
                    }
                    if let Some(n) = c.count {
                        let _ = writeln!(s, "    count: {n}");
                    }
                }
            }
            if !c.skip.is_empty() {
                let skips: Vec<String> = c.skip.iter().map(|d| self.day(*d).to_string()).collect();
                let _ = writeln!(s, "    skip: [{}]", skips.join(", "));
            }
        }
        s
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn expansion_keeps_its_promises(g in term()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.yaml");
        // Moves are added once the plain plan is known, onto real session dates.
        let mut yaml = g.yaml();
        std::fs::write(&path, &yaml).unwrap();
        let plain = plan_term(&path, false);
        let plan = plain.plan.as_ref().expect("generated terms are valid");
        let mut moved = HashSet::new();
        if !g.moves.is_empty() && !plan.lives.is_empty() {
            yaml.push_str("changes:\n");
            let mut seen = HashSet::new();
            for (i, _, to) in &g.moves {
                let live = &plan.lives[i % plan.lives.len()];
                if !seen.insert((live.class_id(), live.original_date())) {
                    continue;
                }
                let target = g.day(*to);
                let _ = writeln!(
                    yaml,
                    "  - {{ class: {}, date: {}, move_to: {target}T12:00 }}",
                    live.class_id(), live.original_date()
                );
                // A change acts on every session of its class on that date.
                for l in plan.lives.iter().filter(|l| l.class_id() == live.class_id() && l.original_date() == live.original_date()) {
                    moved.insert(l.key.clone());
                }
            }
            std::fs::write(&path, &yaml).unwrap();
        }
        let first = plan_term(&path, false);
        let plan = first.plan.as_ref().expect("moves inside the term are valid");
        let term = first.schedule.as_ref().unwrap().term.clone();
        let mut keys = HashSet::new();
        for l in &plan.lives {
            let date = l.start.date();
            prop_assert!(date >= term.start && date <= term.end, "{} outside the term", l.key);
            let on_holiday = term.holidays.iter().any(|h| (h.from..=h.to).contains(&date))
                && !term.workdays.iter().any(|w| w.date == date);
            prop_assert!(!on_holiday || moved.contains(&l.key), "{} on a holiday", l.key);
            prop_assert!(keys.insert(l.key.clone()), "duplicate key {}", l.key);
            let class = first.schedule.as_ref().unwrap().classes.iter().find(|c| c.id == l.class_id()).unwrap();
            prop_assert!(!class.bounds.skip.contains(&l.original_date()), "{} was skipped", l.key);
        }
        for pair in plan.lives.windows(2) {
            prop_assert!(
                (pair[0].start.timestamp(), &pair[0].key) <= (pair[1].start.timestamp(), &pair[1].key),
                "not sorted: {} then {}", pair[0].key, pair[1].key
            );
        }
        let again = plan_term(&path, false);
        prop_assert_eq!(&again.plan.as_ref().unwrap().lives, &plan.lives);
    }
}
