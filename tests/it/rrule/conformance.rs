//! Conformance with python-dateutil: every committed case, all mismatches reported at once.

use super::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Doc {
    cases: Vec<Case>,
}

/// A rule from a DTSTART, or (with `ical`) a pasted block carrying its own DTSTART.
#[derive(Deserialize)]
struct Case {
    name: String,
    dtstart: Option<DateTime>,
    tz: String,
    rule: Option<String>,
    ical: Option<String>,
    limit: DateTime,
    expected: Vec<DateTime>,
    expected_utc: Vec<Timestamp>,
    /// Why stock dateutil answers otherwise (its answer is kept beside), for a departure on purpose.
    departure: Option<String>,
    dateutil: Option<Vec<DateTime>>,
}

impl Case {
    fn text(&self) -> &str {
        self.rule.as_deref().or(self.ical.as_deref()).unwrap_or("")
    }

    fn expand(&self, tz: &TimeZone) -> Result<Vec<DateTime>, String> {
        if let Some(text) = &self.ical {
            let spec = parse_ical(text).map_err(|e| format!("parse: {e}"))?;
            return spec
                .occurrences(tz, self.limit)
                .map_err(|e| format!("expand: {e}"));
        }
        let rule = parse_rrule(self.text()).map_err(|e| format!("parse: {e}"))?;
        let dtstart = self.dtstart.ok_or("a rule case needs a dtstart")?;
        Ok(rule.occurrences(dtstart, tz, self.limit).collect())
    }
}

fn load() -> Doc {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/rrule/conformance.json"
    );
    let text = std::fs::read_to_string(path).expect("conformance data is committed");
    serde_json::from_str(&text).expect("conformance data is valid JSON")
}

/// Runs every case from python-dateutil and reports all mismatches at once.
#[test]
fn matches_python_dateutil() {
    let doc = load();
    assert!(doc.cases.len() >= 500, "only {} cases", doc.cases.len());
    let mut failures = Vec::new();
    for case in &doc.cases {
        let tz = match TimeZone::get(&case.tz) {
            Ok(tz) => tz,
            Err(err) => {
                failures.push(format!("{}: zone: {err}", case.name));
                continue;
            }
        };
        let got = match case.expand(&tz) {
            Ok(got) => got,
            Err(err) => {
                failures.push(format!("{}: `{}`: {err}", case.name, case.text()));
                continue;
            }
        };
        if got != case.expected {
            let first = got
                .iter()
                .zip(&case.expected)
                .position(|(g, e)| g != e)
                .unwrap_or(got.len().min(case.expected.len()));
            failures.push(format!(
                "{}: `{}` from {:?}: got {} occurrences, want {}; first difference at #{first}: got {:?}, want {:?}",
                case.name,
                case.text(),
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

/// The data covers every part of the grammar, at every frequency it applies to, in
/// zones with DST; and a departure from dateutil is one the README names.
#[test]
fn covers_every_part() {
    let doc = load();
    let mut missing = Vec::new();
    let freqs = [
        "SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY",
    ];
    let parts = [
        "INTERVAL",
        "COUNT",
        "UNTIL",
        "BYSECOND",
        "BYMINUTE",
        "BYHOUR",
        "BYDAY",
        "BYMONTHDAY",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYMONTH",
        "BYSETPOS",
        "WKST",
        "EXRULE",
        "EXDATE;VALUE=DATE",
        "RDATE;VALUE=DATE",
        "RDATE;VALUE=PERIOD",
    ];
    for word in freqs
        .iter()
        .map(|f| format!("FREQ={f}"))
        .chain(parts.map(String::from))
    {
        let zones: Vec<&str> = doc
            .cases
            .iter()
            .filter(|c| c.text().contains(&word))
            .map(|c| c.tz.as_str())
            .collect();
        if !zones.iter().any(|z| *z != "Asia/Shanghai") {
            missing.push(format!(
                "{word}: no case in a zone with DST ({} cases)",
                zones.len()
            ));
        }
    }
    for (freq, part) in [
        ("HOURLY", "BYSECOND"),
        ("HOURLY", "BYMINUTE"),
        ("HOURLY", "BYHOUR"),
        ("HOURLY", "BYYEARDAY"),
        ("MINUTELY", "BYSECOND"),
        ("MINUTELY", "BYMINUTE"),
        ("MINUTELY", "BYHOUR"),
        ("SECONDLY", "BYSECOND"),
        ("SECONDLY", "BYMINUTE"),
        ("SECONDLY", "BYHOUR"),
        ("SECONDLY", "BYDAY"),
        ("DAILY", "BYSECOND"),
        ("WEEKLY", "BYSECOND"),
        ("MONTHLY", "BYSECOND"),
        ("YEARLY", "BYSECOND"),
        ("YEARLY", "BYWEEKNO=1,52,53,-1;WKST=SU"),
        ("YEARLY", "BYYEARDAY=-1"),
    ] {
        let found = doc.cases.iter().any(|c| {
            let text = c.text();
            text.contains(&format!("FREQ={freq}")) && text.contains(part)
        });
        if !found {
            missing.push(format!("FREQ={freq} with {part}"));
        }
    }
    assert!(missing.is_empty(), "not covered:\n{}", missing.join("\n"));
    for case in doc.cases.iter().filter(|c| c.departure.is_some()) {
        assert!(
            case.text().contains("BYWEEKNO") && case.dateutil.is_some(),
            "{}: a departure other than ISO weeks: {:?}",
            case.name,
            case.departure
        );
        assert_ne!(
            case.dateutil.as_ref(),
            Some(&case.expected),
            "{}",
            case.name
        );
    }
}
