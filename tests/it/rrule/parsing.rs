//! Reading every part of a rule, the forms of UNTIL, and Display back to the same text.

use super::*;
use jiff::civil::Weekday;

#[test]
fn reads_every_part() {
    let r = rule(
        "rrule:freq=monthly;interval=2;count=5;byday=1fr,-1MO;bymonthday=1,-1;bymonth=3,1;bysetpos=-1,1;byhour=9,14;byminute=30;bysecond=0;wkst=SU",
    );
    assert_eq!(r.freq(), Frequency::Monthly);
    assert_eq!(r.interval(), 2);
    assert_eq!(r.count(), Some(5));
    assert_eq!(r.by_month(), &[1, 3]);
    assert_eq!(r.by_month_day(), &[-1, 1]);
    assert_eq!(r.by_set_pos(), &[-1, 1]);
    assert_eq!(r.by_hour(), &[9, 14]);
    assert_eq!(r.by_minute(), &[30]);
    assert_eq!(r.wkst(), Weekday::Sunday);
    assert_eq!(
        r.by_day(),
        &[
            WeekdayNum {
                nth: Some(-1),
                weekday: Weekday::Monday
            },
            WeekdayNum {
                nth: Some(1),
                weekday: Weekday::Friday
            },
        ]
    );
}

#[test]
fn until_forms() {
    assert_eq!(
        rule("FREQ=DAILY;UNTIL=20270630").until(),
        Some(Until::Date(date(2027, 6, 30)))
    );
    assert_eq!(
        rule("FREQ=DAILY;UNTIL=20270630T190000").until(),
        Some(Until::Local(datetime(2027, 6, 30, 19, 0, 0, 0)))
    );
    assert_eq!(
        rule("FREQ=DAILY;UNTIL=20270630T110000Z").until(),
        Some(Until::Utc("2027-06-30T11:00:00Z".parse().unwrap()))
    );
}

#[test]
fn display_round_trips() {
    for text in [
        "FREQ=DAILY",
        "FREQ=WEEKLY;INTERVAL=2;COUNT=8;BYDAY=TU,TH;WKST=SU",
        "FREQ=MONTHLY;UNTIL=20270630T110000Z;BYMONTHDAY=-1,1;BYSETPOS=-1",
        "FREQ=YEARLY;UNTIL=20270630;BYMONTH=3;BYDAY=-1SU;BYHOUR=1,2;BYMINUTE=30",
        "FREQ=MONTHLY;UNTIL=20270630T190000;BYDAY=1FR",
    ] {
        let parsed = rule(text);
        assert_eq!(parsed.to_string(), text);
        assert_eq!(rule(&parsed.to_string()), parsed);
    }
    assert_eq!(
        rule("byday=we,mo;freq=weekly").to_string(),
        "FREQ=WEEKLY;BYDAY=MO,WE"
    );
}

#[test]
fn trailing_semicolon_is_fine() {
    assert_eq!(rule("FREQ=DAILY;COUNT=2;").count(), Some(2));
}
