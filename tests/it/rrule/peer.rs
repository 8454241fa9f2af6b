//! python-dateutil's own test suite as a peer check: every "rule → these dates"
//! assertion of its `tests/test_rrule.py` (extracted by `scripts/dateutil_peer.py`),
//! read as pasted iCalendar text. Each is accepted and expanded as dateutil does,
//! or refused as RFC 5545 forbids, or departs on purpose as the README says.

use super::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Doc {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    ical: String,
    expected: Vec<DateTime>,
}

/// Refusals on purpose: what RFC 5545 forbids, and dateutil's own `BYEASTER`.
const REFUSED_ON_PURPOSE: [&str; 5] = [
    "cannot be used with",
    "needs FREQ=",
    "a numbered weekday",
    "`BYEASTER` is not part of RFC 5545",
    "`RRULE` is given twice",
];

#[test]
fn dateutils_own_suite() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/rrule/dateutil_suite.json"
    );
    let text = std::fs::read_to_string(path).expect("the peer data is committed");
    let doc: Doc = serde_json::from_str(&text).expect("the peer data is valid JSON");
    let (mut same, mut refused, mut departed) = (0, Vec::new(), Vec::new());
    let mut failures = Vec::new();
    for case in &doc.cases {
        let spec = match parse_ical(&case.ical) {
            Ok(spec) => spec,
            Err(err) if REFUSED_ON_PURPOSE.iter().any(|w| err.message.contains(w)) => {
                refused.push(err.message);
                continue;
            }
            Err(err) => {
                failures.push(format!("{}: `{}` refused: {err}", case.name, case.ical));
                continue;
            }
        };
        let got = match spec.occurrences(&TimeZone::UTC, DateTime::MAX) {
            Ok(got) => got,
            Err(err) => {
                failures.push(format!("{}: {err}", case.name));
                continue;
            }
        };
        if got == case.expected {
            same += 1;
            continue;
        }
        // RFC 5545 takes the union of plain and numbered weekdays (`BYDAY=MO,1FR`);
        // dateutil keeps only days that are both.
        let rule = spec.rule.as_ref();
        let mixed = rule.is_some_and(|r| {
            r.by_day().iter().any(|d| d.nth.is_some()) && r.by_day().iter().any(|d| d.nth.is_none())
        });
        if mixed {
            departed.push(case.name.clone());
            continue;
        }
        failures.push(format!(
            "{}: `{}`: got {} dates, dateutil {}; first {:?} vs {:?}",
            case.name,
            case.ical,
            got.len(),
            case.expected.len(),
            got.first(),
            case.expected.first()
        ));
    }
    eprintln!(
        "dateutil's suite: {} assertions; {same} expanded alike, {} refused as RFC 5545 forbids, {} depart on purpose",
        doc.cases.len(),
        refused.len(),
        departed.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 359 of 498 when this was written: the refusals are 42 BYEASTER, 60 BYWEEKNO and
    // 24 BYYEARDAY at frequencies RFC 5545 does not allow them, 8 BYMONTHDAY in
    // weekly rules and 5 sets of two RRULEs.
    assert!(same >= 359, "only {same} alike");
}
