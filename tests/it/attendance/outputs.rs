//! The five outputs say the same thing: the workbook and the CSV read back equal the
//! JSON, the page has one cell per learner and held session; and `--fail-under` gates.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use serde_json::Value;

use super::term::{HALF, applied, config};
use crate::support::Test;

fn run(t: &Test, extra: &[&str]) -> crate::support::Output {
    let mut args = vec!["attendance", "t.yaml", "--rate", "0"];
    args.extend(extra);
    t.run_at(HALF, &args)
}

/// Seconds a learner watched of one session, from the JSON.
fn watched(session: &Value, userid: &str) -> i64 {
    session["viewers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["userid"] == userid)
        .map(|v| v["watch_seconds"].as_i64().unwrap())
        .sum()
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, found {other:?}"),
    }
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, found {other:?}"),
    }
}

#[test]
fn the_workbook_read_back_equals_the_json() {
    let t = applied(config());
    let doc = run(&t, &["--format", "json"]).json();
    // The format follows the file's extension.
    run(&t, &["--out", "a.xlsx"]).assert_code(0);
    let bytes = std::fs::read(t.path("a.xlsx")).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["Summary", "ml", "ds", "open"]);

    let summary = book.worksheet_range("Summary").unwrap();
    let rows: Vec<&[Data]> = summary.rows().collect();
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(
        header,
        [
            "class",
            "userid",
            "name",
            "department",
            "held",
            "attended",
            "completion",
            "watch_minutes"
        ]
    );
    let mut n = 1;
    for class in doc["classes"].as_array().unwrap() {
        for l in class["learners"].as_array().unwrap() {
            let row = rows[n];
            n += 1;
            assert_eq!(text(&row[0]), class["class"].as_str().unwrap());
            assert_eq!(text(&row[1]), l["userid"].as_str().unwrap());
            assert_eq!(text(&row[2]), l["name"].as_str().unwrap_or(""));
            assert_eq!(text(&row[3]), l["department"].as_str().unwrap_or(""));
            assert_eq!(number(&row[4]), l["held"].as_f64().unwrap());
            assert_eq!(number(&row[5]), l["attended"].as_f64().unwrap());
            assert_eq!(number(&row[6]), l["completion"].as_f64().unwrap());
            assert_eq!(number(&row[7]), l["watch_seconds"].as_f64().unwrap() / 60.0);
        }
    }
    assert_eq!(rows.len(), n, "one row per class × learner");
    assert_eq!(n - 1, 9);

    // A sheet per class: learners down, sessions across, minutes in the cells.
    let sessions = doc["sessions"].as_array().unwrap();
    for class in doc["classes"].as_array().unwrap() {
        let name = class["class"].as_str().unwrap();
        let sheet = book.worksheet_range(name).unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        let mine: Vec<&Value> = sessions.iter().filter(|s| s["class"] == name).collect();
        assert_eq!(rows[0].len(), 3 + mine.len() + 2, "{name}");
        for (r, l) in class["learners"].as_array().unwrap().iter().enumerate() {
            let row = rows[r + 1];
            let userid = l["userid"].as_str().unwrap();
            assert_eq!(text(&row[0]), userid);
            for (i, s) in mine.iter().enumerate() {
                let cell = &row[3 + i];
                if s["held"] == true {
                    assert_eq!(
                        number(cell),
                        watched(s, userid) as f64 / 60.0,
                        "{name} {userid} {}",
                        s["key"]
                    );
                } else {
                    assert_eq!(text(cell), s["state"].as_str().unwrap());
                }
            }
            assert_eq!(
                number(&row[3 + mine.len()]),
                l["completion"].as_f64().unwrap()
            );
            assert_eq!(
                number(&row[4 + mine.len()]),
                l["watch_seconds"].as_f64().unwrap() / 60.0
            );
        }
    }
}

#[test]
fn csv_has_a_bom_and_exactly_the_documented_columns() {
    let t = applied(config());
    let doc = run(&t, &["--format", "json"]).json();
    let out = run(&t, &["--format", "csv"]);
    out.assert_code(0);
    assert!(
        out.stdout.starts_with('\u{feff}'),
        "UTF-8 with BOM for Excel"
    );
    let mut lines = out.stdout.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some("class,userid,name,department,held,attended,completion,watch_minutes")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 9);
    let ds_b1 = &doc["classes"][1]["learners"][0];
    let want = format!(
        "ds,b1,李一,研发部,{},{},{:.1}%,{:.1}",
        ds_b1["held"],
        ds_b1["attended"],
        ds_b1["completion"].as_f64().unwrap() * 100.0,
        ds_b1["watch_minutes"].as_f64().unwrap()
    );
    assert!(rows.contains(&want.as_str()), "{want} in {rows:#?}");
    assert!(rows.iter().any(|r| r.starts_with("ml,ghost,,,")));

    // --detail: one row per session × learner.
    let detail = run(&t, &["--format", "csv", "--detail"]);
    detail.assert_code(0);
    let header = detail
        .stdout
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap();
    assert_eq!(
        header,
        "class,userid,name,department,session,start,state,attended,watch_minutes"
    );
    assert_eq!(detail.stdout.lines().count(), 1 + 5 * 8 + 4 * 8);
    run(&t, &["--format", "json", "--detail"])
        .assert_code(1)
        .assert_stderr_contains("`--detail` goes with `--format csv`");
}

#[test]
fn the_page_has_one_cell_per_learner_and_held_session_and_no_script() {
    let t = applied(config());
    let doc = run(&t, &["--format", "json"]).json();
    let out = run(&t, &["--format", "html"]);
    out.assert_code(0);
    let page = &out.stdout;
    let cells: u64 = doc["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["held"].as_u64().unwrap() * c["learners"].as_array().unwrap().len() as u64)
        .sum();
    assert!(cells > 0);
    assert_eq!(page.matches("<td class=\"cell ").count() as u64, cells);
    let not_held: usize = doc["classes"][0]["not_held"].as_u64().unwrap() as usize
        + doc["classes"][1]["not_held"].as_u64().unwrap() as usize;
    assert_eq!(
        page.matches("<td class=\"not-held\"").count(),
        not_held,
        "marked once each"
    );
    assert!(page.contains("Content-Security-Policy"));
    assert!(page.contains("@page{size:A4"));
    for banned in ["<script", "<img", "<link", "http://", "https://"] {
        assert!(!page.contains(banned), "{banned}");
    }
    assert!(page.contains("Off the roster:"));
}

#[test]
fn fail_under_exits_5_when_a_learner_is_below_it() {
    let t = applied(config());
    // `ghost` never watched: 0% is below any bar above nothing.
    let out = run(&t, &["--fail-under", "80%"]);
    out.assert_code(5)
        .assert_stderr_contains("ml/ghost 0%")
        .assert_stdout_contains("ghost");
    run(&t, &["--fail-under", "0%"]).assert_code(0);
    run(&t, &["--fail-under", "1.5"])
        .assert_code(1)
        .assert_stderr_contains("from 0% to 100%");
    // The bar is any rule's: with a lower threshold, more attended.
    let strict = run(&t, &["--format", "json", "--threshold", "90%"]).json();
    let lenient = run(&t, &["--format", "json", "--min-minutes", "1"]).json();
    let attended = |doc: &Value| -> u64 {
        doc["learners"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|l| l["classes"].as_array().unwrap().iter())
            .map(|c| c["attended"].as_u64().unwrap())
            .sum()
    };
    assert!(attended(&lenient) > attended(&strict));
    assert_eq!(lenient["rule"], serde_json::json!({ "min_minutes": 1 }));
    run(&t, &["--threshold", "50%", "--min-minutes", "3"]).assert_code(1);
}

#[test]
fn the_table_counts_learners_off_the_roster_and_outsiders_apart() {
    let t = applied(config());
    let out = run(&t, &[]);
    out.assert_code(0);
    let table = &out.stdout;
    assert!(
        table.contains("attended = watched 50% of each session"),
        "{table}"
    );
    assert!(table.contains("\nml\n  "), "{table}");
    assert!(table.contains("of 8 sessions held"), "{table}");
    assert!(table.contains("ghost"), "{table}");
    assert!(table.contains("0/"), "{table}");
    assert!(table.contains("off the roster:"), "{table}");
    assert!(table.contains("from outside the corp:"), "{table}");
    assert!(
        table.contains("no learners named"),
        "`open` names nobody: {table}"
    );
}
