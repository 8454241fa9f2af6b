//! `validate`: every problem of every broken file, at the right line and column.

use crate::support::{TERM, Test, repo};

/// (file under tests/data/broken, place shown, words the message must hold)
const CORPUS: &[(&str, &str, &str)] = &[
    ("01-yaml-syntax.yaml", "8:11", "invalid YAML"),
    ("02-unknown-field.yaml", "7:5", "unknown field `thme`"),
    (
        "03-wrong-type.yaml",
        "9:15",
        "`classes[0].duration` should be text, found a list",
    ),
    (
        "04-bad-date.yaml",
        "3:10",
        "invalid `term.start`: `2027-02-30`",
    ),
    (
        "05-unknown-weekday.yaml",
        "10:27",
        "invalid `classes[0].weekly.days[1]`: `fro`",
    ),
    (
        "06-unknown-timezone.yaml",
        "3:13",
        "invalid `term.timezone`: `Asia/Shanghia`",
    ),
    ("07-duplicate-id.yaml", "10:9", "duplicate class id `a`"),
    ("08-theme-too-long.yaml", "7:12", "too long"),
    (
        "09-bad-time.yaml",
        "10:33",
        "invalid `classes[0].weekly.at`: `25:00`",
    ),
    (
        "10-bad-duration.yaml",
        "9:15",
        "invalid `classes[0].duration`: `ninety`",
    ),
    (
        "11-bad-weeks.yaml",
        "10:12",
        "invalid `classes[0].weeks`: `8-1`",
    ),
    (
        "12-bad-type.yaml",
        "9:11",
        "invalid `classes[0].type`: `webinar`",
    ),
    ("13-missing-anchor.yaml", "6:9", "class `a` has no `anchor`"),
    ("14-no-recurrence.yaml", "6:9", "class `a` never meets"),
    (
        "15-two-recurrences.yaml",
        "10:9",
        "gives both `weekly` and `at`",
    ),
    ("16-term-backwards.yaml", "4:8", "the term ends"),
    ("17-no-term.yaml", "1:1", "the schedule has no `term`"),
    ("18-unknown-top-level.yaml", "5:1", "unknown field `clases`"),
    (
        "19-change-unknown-class.yaml",
        "8:14",
        "unknown class `mll`",
    ),
    ("20-change-does-nothing.yaml", "8:5", "changes nothing"),
    ("21-bad-version.yaml", "1:10", "unsupported `version`"),
    (
        "22-description-too-long.yaml",
        "11:18",
        "description of `a` is too long",
    ),
    (
        "23-image-missing.yaml",
        "12:24",
        "image `images/nope.png` not found",
    ),
    ("24-bad-move.yaml", "8:45", "invalid `changes[0].move_to`"),
    (
        "25-bad-workday.yaml",
        "6:31",
        "invalid `term.workdays[0].as`: `fryday`",
    ),
    (
        "26-rrule-without-start.yaml",
        "10:12",
        "has an `rrule` but no `start`",
    ),
    (
        "27-csv-too-few-columns.yaml",
        "27-classes.csv:3:15",
        "row 3 has 5 columns",
    ),
    (
        "28-csv-unknown-column.yaml",
        "28-classes.csv:1:10",
        "unknown column `anchr`",
    ),
    (
        "29-csv-bad-day.yaml",
        "29-classes.csv:2:16",
        "invalid `days`: `fro`",
    ),
    (
        "30-bad-skip.yaml",
        "11:24",
        "invalid `classes[0].skip[1]`: `2027-13-01`",
    ),
];

#[test]
fn every_broken_file_is_reported_at_its_place() {
    let t = Test::new().current_dir(repo().join("tests/data/broken"));
    let mut failures = Vec::new();
    for (file, place, words) in CORPUS {
        let out = t.run(&["validate", file]);
        let place = if place.contains(".csv") {
            format!("[{place}]")
        } else {
            format!("[{file}:{place}]")
        };
        if out.code != 3 || !out.stderr.contains(&place) || !out.stderr.contains(words) {
            failures.push(format!(
                "{file}: exit {} (want 3), want {place} and {words:?}\n{}",
                out.code, out.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(CORPUS.len() >= 25);
}

#[test]
fn every_problem_of_a_file_is_reported_in_one_run() {
    let out = Test::new()
        .schedule(format!(
            "{TERM}classes:\n  - id: a\n    theme: x\n    anchor: z\n    duration: 1h\n    weekly: {{ days: [mon, fro], at: \"19:61\" }}\n  - id: b\n    thme: y\n"
        ))
        .run(&["validate", "t.yaml"]);
    out.assert_code(3);
    for expected in [
        "`fro`",
        "`19:61`",
        "unknown field `thme`",
        "did you mean `theme`?",
        "class `b` has no `anchor`",
    ] {
        assert!(
            out.stderr.contains(expected),
            "missing {expected}:\n{}",
            out.stderr
        );
    }
    out.assert_stderr_contains("(7 errors, 0 warnings)");
}

#[test]
fn a_gbk_file_with_a_bad_byte_is_located() {
    let t = Test::new().schedule(format!("{TERM}classes_from: [c.csv]\n"));
    let (gbk, _, _) =
        encoding_rs::GBK.encode("id,theme,anchor,duration,days,at\nml,机器学习,z,1h,mon,19:00\n");
    let mut bytes = gbk.into_owned();
    // A lone 0xFF is valid in neither encoding: put it in the theme of row 2.
    let at = bytes.iter().position(|&b| b == b'z').expect("anchor cell");
    bytes.insert(at - 1, 0xFF);
    t.write("c.csv", bytes);
    let out = t.run(&["validate", "t.yaml"]);
    out.assert_code(3);
    out.assert_stderr_contains("is neither UTF-8 nor GB18030");
    // Columns count characters: `ml,机器学习` is 7 of them.
    out.assert_stderr_contains("[c.csv:2:8]");
}

#[test]
fn a_gbk_csv_reads_like_its_utf8_twin() {
    let csv = "id,theme,anchor,duration,days,at,weeks\nml,机器学习 第{n}讲,张三,1h30m,\"周一,周三\",19:00,单周\n";
    let t = Test::new()
        .file("utf8.yaml", format!("{TERM}classes_from: [u.csv]\n"))
        .file("gbk.yaml", format!("{TERM}classes_from: [g.csv]\n"))
        .file("u.csv", format!("\u{feff}{csv}"))
        .file("g.csv", &encoding_rs::GBK.encode(csv).0)
        .now("2027-01-01T00:00:00+08:00");
    let a = t.run(&["plan", "utf8.yaml", "--format", "json"]);
    let b = t.run(&["plan", "gbk.yaml", "--format", "json"]);
    a.assert_code(0);
    a.assert_stdout_contains("机器学习 第1讲");
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn the_example_terms_are_valid() {
    let t = Test::new().current_dir(repo());
    for file in [
        "schedules/spring-2027.yaml",
        "examples/spring-2027-csv.yaml",
    ] {
        let out = t.run(&["validate", "--strict", file]);
        assert_eq!(out.code, 0, "{file}: {}", out.stderr);
        out.assert_stderr_contains("valid, 294 sessions (0 errors, 0 warnings)");
    }
}

#[test]
fn a_rendered_diagnostic_reads_like_a_compiler_error() {
    let out = Test::new()
        .current_dir(repo().join("tests/data/broken"))
        .run(&["validate", "05-unknown-weekday.yaml"]);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn activity_text_and_sections_that_would_not_be_sent_are_named() {
    let out = Test::new()
        .schedule(format!(
            "{TERM}defaults: {{ anchor: a, duration: 1h }}\nclasses:\n  - id: act\n    theme: 活动\n    type: activity\n    description: 写在外面\n    at: 2027-03-01T10:00\n    activity: {{ description: 写在里面 }}\n  - id: plain\n    theme: 课\n    at: 2027-03-02T10:00\n    activity: {{ description: 没用 }}\n"
        ))
        .run(&["validate", "t.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let not_sent =
        "`description` of activity `act` is not sent: activity lives take `activity.description`";
    let ignored = "`activity` of `plain` is ignored: it is not an activity live";
    let (a, b) = (out.stderr.find(not_sent), out.stderr.find(ignored));
    assert!(a.is_some() && b.is_some(), "{}", out.stderr);
    assert!(a < b, "problems follow the classes' order:\n{}", out.stderr);
    assert!(
        out.stderr.contains("(0 errors, 2 warnings)"),
        "{}",
        out.stderr
    );
}

#[test]
fn lints_that_warn() {
    let t = Test::new().schedule(format!(
        "{TERM}defaults: {{ anchor: a, duration: 1h }}\nclasses:\n  - id: act\n    theme: 活动\n    type: activity\n    description: 写在外面\n    at: 2027-03-01T10:00\n    activity: {{ images: [m1, m2, m3, m4, m5, m6] }}\n  - id: never\n    theme: 空\n    weekly: {{ days: [mon], at: \"10:00\" }}\n    from: 2027-06-28\n"
    ));
    let out = t.run(&["validate", "t.yaml"]);
    out.assert_code(0);
    for expected in [
        "`description` of activity `act` is sent as `activity_detail.description`",
        "activity `act` has 6 images; WeCom keeps the first 5",
        "class `never` has no session",
        "(0 errors, 3 warnings)",
    ] {
        assert!(
            out.stderr.contains(expected),
            "missing {expected}:\n{}",
            out.stderr
        );
    }
    let plan = t.run_at(
        "2027-01-01T00:00:00Z",
        &["plan", "t.yaml", "--format", "json"],
    );
    let doc = plan.json();
    let images = doc["lives"][0]["request"]["activity_detail"]["image_list"]
        .as_array()
        .unwrap();
    assert_eq!(images.len(), 5);
    assert_eq!(doc["warnings"].as_array().unwrap().len(), 3);
}

#[test]
fn more_creates_than_a_day_allows_is_warned() {
    let times: Vec<String> = (0..96)
        .map(|i| format!("\"{:02}:{:02}\"", i / 4, (i % 4) * 15))
        .collect();
    let out = Test::new()
        .schedule(format!(
            "{TERM}classes:\n  - id: many\n    theme: t\n    anchor: a\n    duration: 10m\n    weekly: {{ days: [mon, tue, wed, thu, fri, sat, sun], at: [{}] }}\n",
            times.join(", ")
        ))
        .now("2027-01-01T00:00:00Z")
        .run(&["plan", "t.yaml", "--format", "csv"]);
    out.assert_code(0);
    out.assert_stderr_contains("12096 lives to create; WeCom allows 10000 per app per day");
}

#[test]
fn validate_checks_every_file_given() {
    let out = Test::new().current_dir(repo()).run(&[
        "validate",
        "schedules/spring-2027.yaml",
        "tests/data/broken/04-bad-date.yaml",
    ]);
    out.assert_code(3);
    assert!(out.stderr.contains("`schedules/spring-2027.yaml`: valid"));
    assert!(
        out.stderr
            .contains("`tests/data/broken/04-bad-date.yaml`: invalid")
    );
}

#[test]
fn quoted_csv_cells_read_as_excel_writes_them() {
    let out = Test::new()
        .schedule(format!("{TERM}classes_from: [c.csv]\n"))
        .file(
            "c.csv",
            "id,theme,anchor,duration,days,at\nml,\"讲座 \"\"AI\"\", 第{n}讲\",z,1h,\"mon,wed\",19:00\n",
        )
        .now("2027-01-01T00:00:00Z")
        .run(&["plan", "t.yaml", "--format", "json"]);
    out.assert_code(0);
    let doc = out.json();
    assert_eq!(doc["lives"][0]["request"]["theme"], "讲座 \"AI\", 第1讲");
    assert_eq!(
        doc["lives"][1]["key"], "ml/2027-02-24",
        "both days of `mon,wed`"
    );
}

/// Values one reader let through: `agentid: -5` and `count: 200000` from CSV,
/// `theme: ""` from YAML (sent on as an empty theme). Each is refused from both,
/// at the value.
#[test]
fn a_value_refused_in_yaml_is_refused_from_csv() {
    // (theme, another field and its value, YAML place and words, CSV place and words)
    let cases = [
        (
            "x",
            Some(("agentid", "-5")),
            ("t.yaml:11:14", "invalid `classes[0].agentid`: `-5`"),
            ("c.csv:2:20", "invalid `agentid`: `-5`"),
        ),
        (
            "x",
            Some(("count", "200000")),
            ("t.yaml:11:12", "invalid `classes[0].count`: `200000`"),
            ("c.csv:2:20", "invalid `count`: `200000`"),
        ),
        (
            "",
            None,
            ("t.yaml:7:12", "class `a` has no `theme`"),
            ("c.csv:2:3", "class `a` has no `theme`"),
        ),
    ];
    for (theme, extra, (yaml_place, yaml_words), (csv_place, csv_words)) in cases {
        let env = Test::new();
        let yaml_extra = extra.map_or(String::new(), |(k, v)| format!("    {k}: {v}\n"));
        env.write(
            "t.yaml",
            format!(
                "{}classes:\n  - id: a\n    theme: {theme:?}\n    anchor: z\n    duration: 1h\n    weekly: {{ days: [mon], at: \"19:00\" }}\n{yaml_extra}",
                crate::support::TERM
            ),
        );
        env.write(
            "c.yaml",
            format!("{}classes_from: [c.csv]\n", crate::support::TERM),
        );
        let (column, cell) = extra.map_or((String::new(), String::new()), |(k, v)| {
            (format!(",{k}"), format!(",{v}"))
        });
        env.write(
            "c.csv",
            format!("id,theme,anchor,duration,days,at{column}\na,{theme},z,1h,mon,19:00{cell}\n"),
        );
        for (file, place, words) in [
            ("t.yaml", yaml_place, yaml_words),
            ("c.yaml", csv_place, csv_words),
        ] {
            let out = env.run(&["validate", file]);
            assert_eq!(out.code, 3, "{file} with {extra:?}\n{}", out.stderr);
            assert!(
                out.stderr.contains(&format!("[{place}]")) && out.stderr.contains(words),
                "{file} with {extra:?}: want [{place}] and {words:?}\n{}",
                out.stderr
            );
        }
    }
}
