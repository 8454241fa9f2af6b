//! Rules that can never match are reported at the part that makes them so.

use super::*;

#[track_caller]
fn unsatisfiable(text: &str, at: &str) {
    let err = rule(text).check_satisfiable().expect_err(text);
    assert_eq!(
        text.get(err.span.clone()),
        Some(at),
        "{text}: {}",
        err.message
    );
    assert!(err.help.is_some());
}

#[test]
fn impossible_rules_are_reported() {
    unsatisfiable("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "BYMONTHDAY=30");
    unsatisfiable(
        "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4,6,9,11",
        "BYMONTHDAY=31",
    );
    unsatisfiable("FREQ=DAILY;BYMONTHDAY=-30;BYMONTH=2", "BYMONTHDAY=-30");
    unsatisfiable("FREQ=MONTHLY;BYDAY=6FR", "BYDAY=6FR");
    unsatisfiable(
        "FREQ=YEARLY;BYMONTH=2;BYDAY=5FR;BYMONTHDAY=1",
        "BYMONTHDAY=1",
    );
    unsatisfiable("FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2", "BYSETPOS=2");
    unsatisfiable(
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=24",
        "BYSETPOS=24",
    );
    unsatisfiable("FREQ=MONTHLY;BYSETPOS=2", "BYSETPOS=2");
    unsatisfiable("FREQ=DAILY;BYHOUR=9,14;BYSETPOS=3", "BYSETPOS=3");
}

#[test]
fn possible_rules_pass() {
    for text in [
        "FREQ=DAILY",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=MONTHLY;BYDAY=5FR",
        "FREQ=YEARLY;BYDAY=53FR",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=23",
        "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR",
        "FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9,14;BYSETPOS=-4",
        "FREQ=YEARLY;BYMONTH=2",
        "FREQ=MONTHLY;BYMONTHDAY=31",
    ] {
        if let Err(err) = rule(text).check_satisfiable() {
            panic!("`{text}` should be satisfiable: {err}");
        }
    }
}

#[test]
fn spans_point_into_the_ical_text() {
    let text = "DTSTART:20270101T090000\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\n";
    let spec = parse_ical(text).unwrap();
    let err = spec.rule.unwrap().check_satisfiable().unwrap_err();
    assert_eq!(&text[err.span], "BYMONTHDAY=30");
}

#[track_caller]
fn produces_nothing(text: &str, start: DateTime, at: &str) {
    let tz = TimeZone::get("America/New_York").unwrap();
    let err = rule(text).check_produces(start, &tz).expect_err(text);
    assert_eq!(err.message, "this rule produces nothing", "{text}");
    assert_eq!(text.get(err.span.clone()), Some(at), "{text}");
    assert!(err.expected.is_some() && err.help.is_some(), "{text}");
}

/// An UNTIL before DTSTART, a rule that never matches and one whose INTERVAL never
/// lands on an allowed period are one error, at the part to blame.
#[test]
fn a_rule_that_produces_nothing_from_its_start() {
    let start = datetime(2027, 3, 1, 19, 0, 0, 0);
    produces_nothing("FREQ=DAILY;UNTIL=20270228", start, "UNTIL=20270228");
    produces_nothing(
        "FREQ=DAILY;UNTIL=20270301T185959",
        start,
        "UNTIL=20270301T185959",
    );
    // 19:00 in New York is 00:00 UTC the next day.
    produces_nothing(
        "FREQ=DAILY;UNTIL=20270301T235959Z",
        start,
        "UNTIL=20270301T235959Z",
    );
    produces_nothing(
        "FREQ=MONTHLY;BYDAY=1FR;UNTIL=20270304",
        start,
        "UNTIL=20270304",
    );
    produces_nothing(
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        start,
        "BYMONTHDAY=30",
    );
    produces_nothing("FREQ=MONTHLY;INTERVAL=12;BYMONTH=6", start, "INTERVAL=12");
    produces_nothing(
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",
        start,
        "INTERVAL=4",
    );
    produces_nothing("FREQ=HOURLY;INTERVAL=2;BYHOUR=8,10", start, "BYHOUR=8,10");
    produces_nothing(
        "FREQ=MINUTELY;INTERVAL=30;BYMINUTE=15",
        start,
        "BYMINUTE=15",
    );
}

#[test]
fn a_rule_that_produces_something_passes() {
    let tz = TimeZone::get("Asia/Shanghai").unwrap();
    let start = datetime(2027, 3, 1, 19, 0, 0, 0);
    for text in [
        "FREQ=DAILY;UNTIL=20270301",
        "FREQ=DAILY;UNTIL=20270301T190000",
        "FREQ=HOURLY;INTERVAL=2;BYHOUR=9,21",
        "FREQ=SECONDLY;BYSECOND=30",
        "FREQ=YEARLY;BYWEEKNO=53",
    ] {
        if let Err(err) = rule(text).check_produces(start, &tz) {
            panic!("`{text}`: {err}");
        }
    }
    // INTERVAL=4 from 2028, a leap year, meets February 29th.
    rule("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29")
        .check_produces(datetime(2028, 1, 1, 9, 0, 0, 0), &tz)
        .unwrap();
}
