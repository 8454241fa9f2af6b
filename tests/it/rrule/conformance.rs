//! Conformance with python-dateutil: every committed case, all mismatches reported at once.

use super::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Doc {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    dtstart: DateTime,
    tz: String,
    rule: String,
    limit: DateTime,
    expected: Vec<DateTime>,
    expected_utc: Vec<Timestamp>,
}

/// Runs every case from python-dateutil and reports all mismatches at once.
#[test]
fn matches_python_dateutil() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/rrule/conformance.json"
    );
    let text = std::fs::read_to_string(path).expect("conformance data is committed");
    let doc: Doc = serde_json::from_str(&text).expect("conformance data is valid JSON");
    assert!(doc.cases.len() >= 150, "only {} cases", doc.cases.len());
    let mut failures = Vec::new();
    for case in &doc.cases {
        let tz = match TimeZone::get(&case.tz) {
            Ok(tz) => tz,
            Err(err) => {
                failures.push(format!("{}: zone: {err}", case.name));
                continue;
            }
        };
        let parsed = match parse_rrule(&case.rule) {
            Ok(rule) => rule,
            Err(err) => {
                failures.push(format!("{}: parse `{}`: {err}", case.name, case.rule));
                continue;
            }
        };
        let got: Vec<DateTime> = parsed.occurrences(case.dtstart, &tz, case.limit).collect();
        if got != case.expected {
            let first = got
                .iter()
                .zip(&case.expected)
                .position(|(g, e)| g != e)
                .unwrap_or(got.len().min(case.expected.len()));
            failures.push(format!(
                    "{}: `{}` from {}: got {} occurrences, want {}; first difference at #{first}: got {:?}, want {:?}",
                    case.name,
                    case.rule,
                    case.dtstart,
                    got.len(),
                    case.expected.len(),
                    got.get(first),
                    case.expected.get(first),
                ));
            continue;
        }
        for (dt, want) in got.iter().zip(&case.expected_utc) {
            let instant = tz.to_ambiguous_timestamp(*dt).compatible();
            if instant.as_ref().ok() != Some(want) {
                failures.push(format!(
                    "{}: {dt} in {} is {instant:?}, python says {want}",
                    case.name, case.tz
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        doc.cases.len(),
        failures.join("\n")
    );
}
