//! Pasted iCalendar text: DTSTART, folding, RDATE and EXDATE, and errors within the text.

use super::*;

#[test]
fn reads_the_design_example() {
    let text = "DTSTART;TZID=Asia/Shanghai:20270305T150000\r\nRRULE:FREQ=MONTHLY;BYDAY=1FR\r\nEXDATE;TZID=Asia/Shanghai:20270402T150000,20270507T150000\r\nRDATE:20270410T150000\r\n";
    let spec = parse_ical(text).unwrap();
    assert_eq!(spec.dtstart, Some(datetime(2027, 3, 5, 15, 0, 0, 0)));
    assert_eq!(spec.tzid.as_deref(), Some("Asia/Shanghai"));
    assert_eq!(spec.rule.unwrap().to_string(), "FREQ=MONTHLY;BYDAY=1FR");
    assert_eq!(
        spec.exdates,
        [
            datetime(2027, 4, 2, 15, 0, 0, 0),
            datetime(2027, 5, 7, 15, 0, 0, 0)
        ]
    );
    assert_eq!(spec.rdates, [datetime(2027, 4, 10, 15, 0, 0, 0)]);
}

#[test]
fn utc_and_date_forms() {
    let spec = parse_ical("DTSTART:20270305T070000Z\nRRULE:FREQ=DAILY;COUNT=2").unwrap();
    assert_eq!(spec.tzid.as_deref(), Some("UTC"));
    assert_eq!(spec.dtstart, Some(datetime(2027, 3, 5, 7, 0, 0, 0)));

    let spec = parse_ical(
            "DTSTART;TZID=Asia/Shanghai:20270305T150000\nEXDATE:20270306T070000Z\nEXDATE;VALUE=DATE:20270308\nRDATE;TZID=Europe/London:20270309T070000",
        )
        .unwrap();
    assert_eq!(
        spec.exdates,
        [
            datetime(2027, 3, 6, 15, 0, 0, 0),
            datetime(2027, 3, 8, 15, 0, 0, 0)
        ]
    );
    assert_eq!(spec.rdates, [datetime(2027, 3, 9, 15, 0, 0, 0)]);

    let spec = parse_ical("DTSTART;VALUE=DATE:20270305").unwrap();
    assert_eq!(spec.dtstart, Some(datetime(2027, 3, 5, 0, 0, 0, 0)));
    assert_eq!(spec.tzid, None);
}

#[test]
fn folded_lines_are_joined() {
    let text = "DTSTART;TZID=Asia/Sha\r\n nghai:20270305T150000\r\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYS\r\n ETPOS=-1;BYMONTH=1\r\n\t3\r\n";
    let err = parse_ical(text).unwrap_err();
    assert_eq!(&text[err.span.clone()], "1\r\n\t3", "{}", err.message);
    assert!(
        err.message.contains("`13` is not a month"),
        "{}",
        err.message
    );

    let text = "DTSTART;TZID=Asia/Sha\n nghai:20270305T150000\nRRULE:FREQ=MONTHLY;BYDAY=6FR;BYS\n ETPOS=-1\n";
    let spec = parse_ical(text).unwrap();
    assert_eq!(spec.tzid.as_deref(), Some("Asia/Shanghai"));
    let err = spec.rule.unwrap().check_satisfiable().unwrap_err();
    assert_eq!(&text[err.span], "BYDAY=6FR");
}

#[test]
fn indented_block_is_not_folding() {
    let text = "  DTSTART:20270305T150000\n  RRULE:FREQ=DAILY;BYMONTH=13\n";
    let err = parse_ical(text).unwrap_err();
    assert_eq!(&text[err.span], "13");
}

#[test]
fn byte_order_mark_is_ignored() {
    let spec = parse_ical("\u{feff}DTSTART:20270305T150000\nRRULE:FREQ=DAILY").unwrap();
    assert_eq!(spec.dtstart, Some(datetime(2027, 3, 5, 15, 0, 0, 0)));
}

#[test]
fn bare_rule_line() {
    let spec = parse_ical("FREQ=WEEKLY;BYDAY=MO,WE").unwrap();
    assert!(spec.dtstart.is_none());
    assert_eq!(spec.rule.unwrap().freq(), Frequency::Weekly);
}

#[test]
fn recurrence_set_adds_rdates_and_removes_exdates() {
    let spec = parse_ical(
            "DTSTART;TZID=Asia/Shanghai:20270305T150000\nRRULE:FREQ=MONTHLY;BYDAY=1FR;COUNT=4\nEXDATE:20270402T070000Z\nRDATE;TZID=Asia/Shanghai:20270410T150000,20270305T150000,20280101T150000",
        )
        .unwrap();
    let tz = TimeZone::get("Asia/Shanghai").unwrap();
    let got = spec
        .occurrences(&tz, datetime(2027, 12, 31, 0, 0, 0, 0))
        .unwrap();
    assert_eq!(
        got,
        [
            datetime(2027, 3, 5, 15, 0, 0, 0),
            datetime(2027, 4, 10, 15, 0, 0, 0),
            datetime(2027, 5, 7, 15, 0, 0, 0),
            datetime(2027, 6, 4, 15, 0, 0, 0),
        ]
    );
}

#[test]
fn recurrence_set_needs_dtstart_for_a_rule() {
    let text = "RDATE:20270305T150000\nRRULE:FREQ=DAILY";
    let err = parse_ical(text)
        .unwrap()
        .occurrences(&TimeZone::UTC, DateTime::MAX)
        .unwrap_err();
    assert_eq!(&text[err.span], "FREQ=DAILY");
    let one_off = parse_ical("DTSTART:20270305T150000").unwrap();
    assert_eq!(
        one_off.occurrences(&TimeZone::UTC, DateTime::MAX).unwrap(),
        [datetime(2027, 3, 5, 15, 0, 0, 0)]
    );
}

#[track_caller]
fn ical_error(text: &str, at: &str, message: &str) {
    let err = parse_ical(text).expect_err(text);
    assert_eq!(
        text.get(err.span.clone()),
        Some(at),
        "{text:?}: {}",
        err.message
    );
    assert!(err.message.contains(message), "{:?}", err.message);
}

#[test]
fn errors_point_into_the_whole_text() {
    let head = "DTSTART;TZID=Asia/Shanghai:20270305T150000\n";
    ical_error(
        &format!("{head}RRULE:FREQ=MONTHLY;BYWEEKNO=3"),
        "BYWEEKNO=3",
        "BYWEEKNO",
    );
    ical_error(
        &format!("{head}FREQ=MONTHLY;BYMONTH=13  \n"),
        "13",
        "not a month",
    );
    ical_error(
        "DTSTART;TZID=Mars/Base:20270305T150000",
        "Mars/Base",
        "unknown time zone",
    );
    ical_error(
        &format!("{head}EXDATE:20270305T150000,2027"),
        "2027",
        "not a date",
    );
    ical_error(
        &format!("{head}DTEND:20270305T160000"),
        "DTEND",
        "unsupported line",
    );
    ical_error(
        &format!("{head}{head}"),
        head.trim_end(),
        "`DTSTART` is given twice",
    );
    ical_error(
        &format!("{head}RRULE:FREQ=DAILY\nRRULE:FREQ=WEEKLY"),
        "RRULE:FREQ=WEEKLY",
        "`RRULE` is given twice",
    );
    ical_error(
        "EXDATE;VALUE=DATE:20270305T150000",
        "20270305T150000",
        "not a date",
    );
    ical_error("RDATE;FOO=1:20270305", "FOO=1", "unsupported parameter");
    ical_error("DTSTART;TZID:20270305", "TZID", "unknown time zone");
    ical_error(
        "DTSTART;VALUE=PERIOD:20270305",
        "PERIOD",
        "unsupported value type",
    );
    ical_error("RRULE;X=1:FREQ=DAILY", "RRULE;X=1", "takes no parameters");
    ical_error(
        "DTSTART:20270305,20270306",
        "20270305,20270306",
        "single value",
    );
    ical_error(
        "DTSTART;TZID=Asia/Shanghai:20270305T070000Z",
        "20270305T070000Z",
        "UTC value",
    );
    ical_error("just words", "just words", "expected `NAME:VALUE`");
}
