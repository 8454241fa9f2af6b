//! A bad rule's error: its span points at the offending part, and it renders with help.

use super::*;

/// Parses `text`, expecting an error whose span covers exactly `at`.
fn error(text: &str) -> RRuleError {
    match parse_rrule(text) {
        Ok(rule) => panic!("`{text}` should not parse, got {rule}"),
        Err(err) => err,
    }
}

#[track_caller]
fn check(text: &str, at: &str, message: &str) {
    let err = error(text);
    let got = text.get(err.span.clone());
    assert_eq!(
        got,
        Some(at),
        "span of `{text}` ({:?}): {}",
        err.span,
        err.message
    );
    assert!(
        err.message.contains(message),
        "message for `{text}`: {:?} should contain {message:?}",
        err.message
    );
}

#[test]
fn unsupported_parts_point_at_the_part() {
    check(
        "FREQ=YEARLY;BYWEEKNO=3",
        "BYWEEKNO=3",
        "`BYWEEKNO` is not supported",
    );
    check(
        "FREQ=YEARLY;byyearday=100,200",
        "byyearday=100,200",
        "`BYYEARDAY` is not supported",
    );
    check("FREQ=DAILY;FOO=1", "FOO", "unknown rule part `FOO`");
    check("FREQ=DAILY;BYEASTER=0", "BYEASTER", "unknown rule part");
}

#[test]
fn unsupported_frequencies_point_at_the_value() {
    check(
        "FREQ=HOURLY;COUNT=3",
        "HOURLY",
        "`FREQ=HOURLY` is not supported",
    );
    check("FREQ=MINUTELY", "MINUTELY", "not supported");
    check("FREQ=SECONDLY", "SECONDLY", "not supported");
    check("FREQ=FORTNIGHTLY", "FORTNIGHTLY", "not a frequency");
}

#[test]
fn bad_values_point_at_the_item() {
    check("FREQ=WEEKLY;BYDAY=MO,XX,FR", "XX", "`XX` is not a weekday");
    check("FREQ=MONTHLY;BYDAY=0FR", "0", "`0` is not a weekday number");
    check("FREQ=MONTHLY;BYDAY=54FR", "54", "weekday number");
    check("FREQ=MONTHLY;BYDAY=1F", "1F", "not a weekday");
    check(
        "FREQ=MONTHLY;BYMONTHDAY=1,0",
        "0",
        "`0` is not a day of the month",
    );
    check(
        "FREQ=MONTHLY;BYMONTHDAY=32",
        "32",
        "`32` is not a day of the month",
    );
    check(
        "FREQ=MONTHLY;BYMONTHDAY=-32",
        "-32",
        "not a day of the month",
    );
    check("FREQ=YEARLY;BYMONTH=1,13", "13", "`13` is not a month");
    check(
        "FREQ=DAILY;INTERVAL=0",
        "0",
        "`INTERVAL` must be a whole number",
    );
    check("FREQ=DAILY;INTERVAL=x", "x", "`INTERVAL`");
    check("FREQ=DAILY;COUNT=-1", "-1", "`COUNT`");
    check("FREQ=DAILY;BYHOUR=9,24", "24", "`24` is not an hour");
    check("FREQ=DAILY;BYMINUTE=60", "60", "not a minute");
    check(
        "FREQ=DAILY;BYSECOND=30",
        "30",
        "`BYSECOND=30` is not supported",
    );
    check(
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0",
        "0",
        "not a set position",
    );
    check(
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=367",
        "367",
        "not a set position",
    );
    check("FREQ=WEEKLY;WKST=XY", "XY", "`XY` is not a weekday");
    check(
        "FREQ=DAILY;UNTIL=20270230",
        "20270230",
        "not a date or date-time",
    );
    check(
        "FREQ=DAILY;UNTIL=2027-03-01",
        "2027-03-01",
        "not a date or date-time",
    );
    check("FREQ=WEEKLY;BYDAY=MO,,FR", "", "empty item in `BYDAY`");
    check("FREQ=WEEKLY;BYDAY=", "BYDAY=", "`BYDAY` has no value");
}

#[test]
fn conflicts_point_at_the_later_part() {
    check(
        "FREQ=DAILY;COUNT=3;UNTIL=20270301",
        "UNTIL=20270301",
        "`COUNT` and `UNTIL`",
    );
    check(
        "FREQ=DAILY;UNTIL=20270301;COUNT=3",
        "COUNT=3",
        "`COUNT` and `UNTIL`",
    );
    check(
        "FREQ=DAILY;BYDAY=MO;byday=TU",
        "byday=TU",
        "`BYDAY` is given twice",
    );
    check(
        "FREQ=DAILY;FREQ=WEEKLY",
        "FREQ=WEEKLY",
        "`FREQ` is given twice",
    );
    check(
        "FREQ=WEEKLY;BYDAY=MO,1FR",
        "1",
        "numbered weekday needs FREQ=MONTHLY",
    );
    check("FREQ=DAILY;BYDAY=-1FR", "-1", "numbered weekday");
    check(
        "FREQ=WEEKLY;BYMONTHDAY=1",
        "BYMONTHDAY=1",
        "`BYMONTHDAY` cannot be used",
    );
    check("FREQ=DAILY;COUNT", "COUNT", "expected `NAME=VALUE`");
}

#[test]
fn missing_freq_points_at_the_rule() {
    check("BYDAY=MO;COUNT=2", "BYDAY=MO;COUNT=2", "missing `FREQ`");
    check("RRULE:BYDAY=MO", "BYDAY=MO", "missing `FREQ`");
    check("  ", "", "missing `FREQ`");
}

#[test]
fn spans_skip_prefix_and_whitespace() {
    check("RRULE:FREQ=DAILY;BYMONTH=14", "14", "not a month");
    check("  FREQ=DAILY ; BYMONTH = 1, 14 ", "14", "not a month");
    check("FREQ=WEEKLY;BYDAY=MO,é", "é", "not a weekday");
    check("FREQ=WEEKLY;BYDAY=éé", "éé", "not a weekday");
}

#[test]
fn renders_with_miette() {
    let text = "FREQ=MONTHLY;BYMONTHDAY=1,32";
    let report = miette::Report::new(error(text)).with_source_code(text);
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut out, report.as_ref())
        .unwrap();
    assert!(out.contains("`32` is not a day of the month"), "{out}");
    assert!(out.contains("help: expected 1 to 31"), "{out}");
    assert!(out.contains("FREQ=MONTHLY;BYMONTHDAY=1,32"), "{out}");
    // The underline sits exactly under `32` (columns in characters: the frame is box drawing).
    let lines: Vec<Vec<char>> = out.lines().map(|l| l.chars().collect()).collect();
    let source = lines
        .iter()
        .position(|l| String::from_iter(l).contains("FREQ=MONTHLY"))
        .unwrap();
    let under = &lines[source + 1];
    let marked: Vec<usize> = (0..under.len()).filter(|&i| under[i] == '─').collect();
    let text_col = String::from_iter(&lines[source]).find("FREQ").unwrap();
    let text_col = String::from_iter(&lines[source])[..text_col]
        .chars()
        .count();
    let want: Vec<usize> = (text_col + 26..text_col + 28).collect();
    assert_eq!(marked, want, "{out}");
}

#[test]
fn errors_carry_help() {
    for text in [
        "FREQ=YEARLY;BYWEEKNO=3",
        "FREQ=HOURLY",
        "FREQ=DAILY;COUNT=3;UNTIL=20270301",
        "FREQ=YEARLY;BYMONTH=13",
        "BYDAY=MO",
    ] {
        assert!(error(text).help.is_some(), "`{text}` has no help");
    }
}
