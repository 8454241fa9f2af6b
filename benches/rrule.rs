//! Throughput of RRULE expansion: occurrences per second for typical timetable rules.
//!
//! Run with `cargo bench --bench rrule`; it prints figures, it asserts nothing.

use std::hint::black_box;
use std::time::{Duration, Instant};

use jiff::civil::{DateTime, datetime};
use jiff::tz::TimeZone;
use livesched::calendar::rrule::parse_rrule;

/// Expands `rule` from 2000 to the end of the calendar repeatedly for about a second.
fn measure(rule: &str, tz: &TimeZone) {
    let parsed = match parse_rrule(rule) {
        Ok(parsed) => parsed,
        Err(err) => {
            eprintln!("cannot parse `{rule}`: {err}");
            std::process::exit(2);
        }
    };
    let start = datetime(2000, 1, 3, 9, 0, 0, 0);
    let limit = DateTime::MAX;
    let mut occurrences = 0u64;
    let mut runs = 0u32;
    let began = Instant::now();
    while began.elapsed() < Duration::from_secs(1) {
        occurrences += black_box(&parsed)
            .occurrences(start, tz, limit)
            .map(black_box)
            .count() as u64;
        runs += 1;
    }
    let elapsed = began.elapsed().as_secs_f64();
    println!(
        "{rule:<45} {:>12.0} occurrences/s  ({} per run, {runs} runs in {elapsed:.2} s)",
        occurrences as f64 / elapsed,
        occurrences / u64::from(runs),
    );
}

fn main() {
    let tz = TimeZone::get("Asia/Shanghai").unwrap_or(TimeZone::UTC);
    for rule in [
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "FREQ=DAILY;BYHOUR=9,14,19",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    ] {
        measure(rule, &tz);
    }
}
