//! `attendance` over several schedules: one run through one gate, a report per
//! schedule, and the outputs grouped by file.

use serde_json::Value;

use super::term::{BEFORE, HALF, ROSTER, SCHEDULE, config};
use crate::support::{TERM, Test};

/// A second schedule, with its own class and learners (all of the corp).
const OTHER: &str = "defaults:\n  duration: 1h\nclasses:\n  - id: hr\n    theme: 入职培训 第{n}讲\n    anchor: t2\n    weekly: { days: [wed], at: \"14:00\" }\n    weeks: 1-8\n    learners: [b1, b2, a1]\n";

fn two_applied() -> Test {
    let t = Test::new()
        .schedule(format!("{TERM}{SCHEDULE}"))
        .file("u.yaml", format!("{TERM}{OTHER}"))
        .file("rosters/ds.csv", ROSTER)
        .now(BEFORE)
        .simulator(config());
    t.run(&["apply", "t.yaml", "u.yaml", "--yes", "--rate", "0"])
        .assert_code(0);
    t
}

#[test]
fn several_schedules_give_a_report_each_in_one_run() {
    let t = two_applied();
    let json = t.run_at(
        HALF,
        &[
            "attendance",
            "t.yaml",
            "u.yaml",
            "--rate",
            "0",
            "--format",
            "json",
            "--reread-days",
            "0",
        ],
    );
    json.assert_code(0);
    json.assert_stderr_contains("for `u.yaml`");
    let doc: Value = json.json();
    let files = doc["files"].as_array().expect("a files array");
    let schedules: Vec<&str> = files
        .iter()
        .map(|f| f["schedule"].as_str().unwrap())
        .collect();
    assert_eq!(schedules, ["t.yaml", "u.yaml"]);
    let classes = |i: usize| -> Vec<String> {
        files[i]["classes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["class"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(classes(0), ["ml", "ds", "open"]);
    assert_eq!(classes(1), ["hr"]);
    // Each one is what the schedule's own run reports; nothing is read twice.
    let alone = t.run_at(
        HALF,
        &[
            "attendance",
            "u.yaml",
            "--format",
            "json",
            "--reread-days",
            "0",
        ],
    );
    alone.assert_code(0);
    assert!(!alone.stderr.contains("reading"), "{}", alone.stderr);
    let mut one: Value = alone.json();
    let mut from_many = files[1].clone();
    one.as_object_mut().unwrap().remove("now");
    from_many.as_object_mut().unwrap().remove("now");
    assert_eq!(one, from_many);

    // The table under each file's name; the CSV with a `file` column.
    let table = t.run_at(HALF, &["attendance", ".", "--rate", "0"]);
    table.assert_code(0);
    table.assert_stdout_contains("==> ./t.yaml <==");
    table.assert_stdout_contains("==> ./u.yaml <==");
    let csv = t.run_at(HALF, &["attendance", "t.yaml", "u.yaml", "--format", "csv"]);
    csv.assert_code(0);
    let mut lines = csv.stdout.lines();
    // With the BOM, as one schedule's CSV has it for Excel.
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("\u{feff}file,class,userid")
    );
    let files_seen: std::collections::BTreeSet<&str> =
        lines.map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(files_seen, ["t.yaml", "u.yaml"].into());
}

#[test]
fn a_page_or_a_workbook_is_of_one_schedule() {
    let t = two_applied();
    for format in ["html", "xlsx"] {
        let out = t.run_at(
            HALF,
            &[
                "attendance",
                "t.yaml",
                "u.yaml",
                "--format",
                format,
                "--out",
                "x",
            ],
        );
        out.assert_code(1);
        out.assert_stderr_contains("report on one schedule");
    }
}
