//! RRULE classes in schedule files: the term's holidays, bounds, skips and changes
//! act on them, and a bad rule is shown at its place inside the value.

use crate::support::{TERM, Test};

const NOW: &str = "2027-01-04T09:00:00+08:00";

/// The key and start of each session of the schedule `yaml`.
fn keys(yaml: impl AsRef<[u8]>) -> Vec<String> {
    let out = Test::new()
        .schedule(yaml)
        .now(NOW)
        .run(&["plan", "t.yaml", "--format", "json"]);
    out.assert_code(0);
    let doc = out.json();
    doc["lives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{} {}",
                l["key"].as_str().unwrap(),
                l["start"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn holidays_skips_bounds_and_changes_act_on_rule_sessions() {
    let schedule = "version: 1\nterm:\n  start: 2027-02-22\n  end: 2027-06-27\n  holidays: [{ date: 2027-04-02, name: 清明调休 }]\nclasses:\n  - id: allhands\n    theme: 全员\n    anchor: a\n    duration: 1h\n    rrule: FREQ=MONTHLY;BYDAY=1FR\n    start: 2027-01-01T15:00\n    skip: [2027-05-07]\n    until: 2027-06-30\nchanges:\n  - { class: allhands, date: 2027-06-04, move_to: 2027-06-03T16:00 }\n";
    // January and February fall before the term; April's is a holiday; May's is skipped.
    assert_eq!(
        keys(schedule),
        [
            "allhands/2027-03-05 2027-03-05T15:00:00+08:00",
            "allhands/2027-06-04 2027-06-03T16:00:00+08:00",
        ]
    );
}

#[test]
fn a_rule_without_count_stops_at_the_term_end() {
    let schedule = format!(
        "{TERM}classes:\n  - {{ id: d, theme: t, anchor: a, duration: 30m, rrule: \"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH\", start: 2027-02-23T09:00 }}\n"
    );
    let k = keys(schedule);
    assert_eq!(k.len(), 18);
    // Weeks 1, 3 … 17: the last Thursday is 17 June.
    assert!(k.last().unwrap().starts_with("d/2027-06-17"), "{k:?}");
}

#[test]
fn pasted_icalendar_with_exdate() {
    let schedule = format!(
        "{TERM}classes:\n  - id: m\n    theme: t\n    anchor: a\n    duration: 1h\n    rrule: |\n      DTSTART;TZID=Asia/Shanghai:20270301T190000\n      RRULE:FREQ=WEEKLY;COUNT=4\n      EXDATE;TZID=Asia/Shanghai:20270308T190000\n"
    );
    assert_eq!(
        keys(schedule),
        [
            "m/2027-03-01 2027-03-01T19:00:00+08:00",
            "m/2027-03-15 2027-03-15T19:00:00+08:00",
            "m/2027-03-22 2027-03-22T19:00:00+08:00",
        ]
    );
}

#[test]
fn a_bad_rule_is_shown_inside_the_value() {
    let schedule = format!(
        "{TERM}classes:\n  - id: x\n    theme: t\n    anchor: a\n    duration: 1h\n    start: 2027-03-01T10:00\n    rrule: FREQ=MONTHLY;BYWEEKNO=3\n"
    );
    let out = Test::new().schedule(schedule).run(&["validate", "t.yaml"]);
    out.assert_code(3);
    // `    rrule: FREQ=MONTHLY;` is 24 characters: BYWEEKNO starts at column 25.
    out.assert_stderr_contains("[t.yaml:11:25]");
    out.assert_stderr_contains("BYWEEKNO");
}

#[test]
fn a_bad_line_in_pasted_icalendar_is_shown_on_its_line() {
    let schedule = format!(
        "{TERM}classes:\n  - id: x\n    theme: t\n    anchor: a\n    duration: 1h\n    rrule: |\n      DTSTART;TZID=Asia/Shanghai:20270301T190000\n      RRULE:FREQ=WEEKLY;BYDAY=XX\n"
    );
    let out = Test::new().schedule(schedule).run(&["validate", "t.yaml"]);
    out.assert_code(3);
    // Line 12 is `      RRULE:FREQ=WEEKLY;BYDAY=XX`: `XX` starts at column 31.
    out.assert_stderr_contains("[t.yaml:12:31]");
}

#[test]
fn a_rule_that_can_never_match_is_reported() {
    let schedule = format!(
        "{TERM}classes:\n  - {{ id: x, theme: t, anchor: a, duration: 1h, start: 2027-03-01T10:00, rrule: \"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\" }}\n"
    );
    let out = Test::new().schedule(schedule).run(&["validate", "t.yaml"]);
    out.assert_code(3);
    out.assert_stderr_contains("invalid `rrule` of class `x`");
}

#[test]
fn a_rule_in_another_zone_is_refused() {
    let schedule = format!(
        "{TERM}classes:\n  - id: x\n    theme: t\n    anchor: a\n    duration: 1h\n    rrule: |\n      DTSTART;TZID=Europe/London:20270301T190000\n      RRULE:FREQ=WEEKLY;COUNT=2\n"
    );
    let out = Test::new().schedule(schedule).run(&["validate", "t.yaml"]);
    out.assert_code(3);
    out.assert_stderr_contains("is in `Europe/London`, the term in `Asia/Shanghai`");
}

#[test]
fn a_rule_keeps_wall_clock_time_across_dst() {
    let schedule = "version: 1\nterm:\n  timezone: Europe/London\n  start: 2027-03-22\n  end: 2027-04-04\nclasses:\n  - { id: x, theme: t, anchor: a, duration: 1h, start: 2027-03-22T09:00, rrule: \"FREQ=WEEKLY\" }\n";
    assert_eq!(
        keys(schedule),
        [
            "x/2027-03-22 2027-03-22T09:00:00+00:00",
            "x/2027-03-29 2027-03-29T09:00:00+01:00",
        ]
    );
}
