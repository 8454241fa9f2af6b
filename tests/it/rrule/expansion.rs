//! Expanding a rule: the limit, rules that never match, the calendar's end, DST gaps, laziness.

use super::*;

#[test]
fn limit_is_inclusive() {
    let start = datetime(2027, 3, 1, 19, 0, 0, 0);
    let got = expand("FREQ=DAILY", start, datetime(2027, 3, 3, 19, 0, 0, 0));
    assert_eq!(got.len(), 3);
}

#[test]
fn never_matching_rule_terminates() {
    let start = datetime(2027, 3, 1, 19, 0, 0, 0);
    let far = datetime(2400, 1, 1, 0, 0, 0, 0);
    assert!(expand("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", start, far).is_empty());
    assert!(expand("FREQ=MONTHLY;BYDAY=6FR", start, far).is_empty());
    assert!(
        expand(
            "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31",
            start,
            datetime(2100, 1, 1, 0, 0, 0, 0)
        )
        .is_empty()
    );
}

#[test]
fn never_matching_rule_stops_at_until() {
    let start = datetime(2027, 3, 1, 19, 0, 0, 0);
    for rule in [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;UNTIL=20280101",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;UNTIL=20280101T000000",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;UNTIL=20280101T000000Z",
    ] {
        // Not a scan to the year 9999 day by day: UNTIL ends it.
        assert!(expand_early(rule, start).is_empty(), "{rule}");
    }
}

#[test]
fn runs_to_the_end_of_the_calendar() {
    let start = datetime(9998, 12, 1, 9, 0, 0, 0);
    let got = expand("FREQ=WEEKLY;BYDAY=FR", start, DateTime::MAX);
    assert_eq!(got.last(), Some(&datetime(9999, 12, 31, 9, 0, 0, 0)));
    assert_eq!(expand("FREQ=YEARLY", start, DateTime::MAX).len(), 2);
}

#[test]
fn huge_interval_ends_quietly() {
    let start = datetime(2027, 3, 1, 9, 0, 0, 0);
    for freq in ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"] {
        let got = expand(
            &format!("FREQ={freq};INTERVAL=999999999"),
            start,
            DateTime::MAX,
        );
        assert_eq!(got, [start], "{freq}");
    }
}

#[test]
fn plain_and_numbered_weekdays_are_a_union() {
    // RFC 5545: every Monday plus the first Friday (python-dateutil yields nothing here).
    let got = expand(
        "FREQ=MONTHLY;BYDAY=MO,1FR",
        datetime(2027, 3, 1, 9, 0, 0, 0),
        datetime(2027, 3, 31, 23, 0, 0, 0),
    );
    let days: Vec<i8> = got.iter().map(|d| d.day()).collect();
    assert_eq!(days, [1, 5, 8, 15, 22, 29]);
}

#[test]
fn gap_times_are_kept() {
    let tz = TimeZone::get("America/New_York").unwrap();
    let got: Vec<_> = rule("FREQ=DAILY;COUNT=3")
        .occurrences(datetime(2027, 3, 13, 2, 30, 0, 0), &tz, DateTime::MAX)
        .collect();
    assert_eq!(got[1], datetime(2027, 3, 14, 2, 30, 0, 0));
}

#[test]
fn iterator_is_lazy_and_fused() {
    let mut it = rule("FREQ=DAILY").occurrences(
        datetime(2027, 1, 1, 0, 0, 0, 0),
        &TimeZone::UTC,
        DateTime::MAX,
    );
    assert_eq!(it.nth(1_000), Some(datetime(2029, 9, 27, 0, 0, 0, 0)));
    let mut short = rule("FREQ=DAILY;COUNT=1").occurrences(
        datetime(2027, 1, 1, 0, 0, 0, 0),
        &TimeZone::UTC,
        DateTime::MAX,
    );
    assert!(short.next().is_some());
    assert!(short.next().is_none());
    assert!(short.next().is_none());
}
