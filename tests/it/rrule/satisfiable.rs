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
