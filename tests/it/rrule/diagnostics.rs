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
fn forbidden_and_unknown_parts_point_at_the_part() {
    check(
        "FREQ=MONTHLY;BYWEEKNO=3",
        "BYWEEKNO=3",
        "`BYWEEKNO` needs FREQ=YEARLY, not FREQ=MONTHLY",
    );
    check(
        "FREQ=MONTHLY;byyearday=100,200",
        "byyearday=100,200",
        "`BYYEARDAY` cannot be used with FREQ=MONTHLY",
    );
    check(
        "FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO",
        "1",
        "a numbered weekday cannot be used with `BYWEEKNO`",
    );
    check("FREQ=HOURLY;BYDAY=2MO", "2", "numbered weekday needs");
    check("FREQ=DAILY;FOO=1", "FOO", "unknown rule part `FOO`");
    check(
        "FREQ=DAILY;BYEASTER=0",
        "BYEASTER",
        "`BYEASTER` is not part of RFC 5545",
    );
}

#[test]
fn every_frequency_parses() {
    for freq in [
        "SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY",
    ] {
        assert_eq!(rule(&format!("FREQ={freq}")).freq().as_str(), freq);
    }
    check("FREQ=FORTNIGHTLY", "FORTNIGHTLY", "not a frequency");
}

/// Every bad item of a list is named, the first under the caret, the others beside it.
#[test]
fn lists_name_every_bad_item() {
    let text = "FREQ=DAILY;BYSECOND=0,61,30,75";
    let err = error(text);
    assert_eq!(err.message, "`61` and `75` are not seconds");
    assert_eq!(&text[err.span.clone()], "61");
    let also: Vec<&str> = err.also.iter().map(|s| &text[s.clone()]).collect();
    assert_eq!(also, ["75"]);
    let text = "FREQ=MONTHLY;BYDAY=MO,XX,1FR,YY,ZZ";
    let err = error(text);
    assert_eq!(err.message, "`XX`, `YY` and `ZZ` are not weekdays");
    let text = "FREQ=MONTHLY;BYDAY=0MO,60FR";
    assert_eq!(error(text).message, "`0` and `60` are not weekday numbers");
    let text = "FREQ=WEEKLY;BYDAY=MO,,FR,";
    let err = error(text);
    assert_eq!(err.message, "empty item in `BYDAY`");
    assert_eq!(err.also.len(), 1);
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
    check("FREQ=DAILY;BYSECOND=60", "60", "`60` is not a second");
    check(
        "FREQ=YEARLY;BYYEARDAY=367",
        "367",
        "`367` is not a day of the year",
    );
    check("FREQ=YEARLY;BYWEEKNO=0", "0", "`0` is not a week number");
    check(
        "FREQ=YEARLY;BYWEEKNO=-54",
        "-54",
        "`-54` is not a week number",
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
    check("FREQ=WEEKLY;BYDAY=MO,XX,FR", "XX", "`XX` is not a weekday");
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
    assert!(out.contains("expected 1 to 31"), "{out}");
    assert!(
        out.contains("help: `BYMONTHDAY=-1` is the last day"),
        "{out}"
    );
    assert!(out.contains("FREQ=MONTHLY;BYMONTHDAY=1,32"), "{out}");
    // The underline sits exactly under `32` (columns in characters: the frame is box drawing).
    let lines: Vec<Vec<char>> = out.lines().map(|l| l.chars().collect()).collect();
    let source = lines
        .iter()
        .position(|l| String::from_iter(l).contains("FREQ=MONTHLY"))
        .unwrap();
    let under = &lines[source + 1];
    let marked: Vec<usize> = (0..under.len())
        .filter(|&i| matches!(under[i], '─' | '┬'))
        .collect();
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
        "FREQ=MONTHLY;BYWEEKNO=3",
        "FREQ=HOURLY;BYDAY=1MO",
        "FREQ=DAILY;COUNT=3;UNTIL=20270301",
        "FREQ=YEARLY;BYMONTH=13",
        "BYDAY=MO",
    ] {
        let err = error(text);
        assert!(err.help.is_some(), "`{text}` has no help");
        assert!(err.expected.is_some(), "`{text}` says nothing expected");
    }
}
