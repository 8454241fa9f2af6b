//! Careless and hostile input: a torn ledger, signals, odd paths. Each test
//! drives the binary as a user (or an attacker) would.

use crate::support::{TERM, Test};

const NOW: &str = "--now=2027-01-04T09:00:00+08:00";

fn term() -> Test {
    Test::new().schedule(
        format!(
            "{TERM}defaults: {{ anchor: a, duration: 1h }}\nclasses:\n  - {{ id: x, theme: 'X {{n}}', weekly: {{ days: [mon], at: '10:00' }}, count: 3 }}\n"
        ),
    )
}

#[test]
fn a_torn_last_line_is_looked_up_not_created_again() {
    let env = term();
    let first = env.run(&["apply", "t.yaml", "--sandbox", NOW]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stderr.contains("3 created"), "{}", first.stderr);
    // A power cut in the middle of the last line: its `created` record is half gone.
    let ledger = env.path(".livesched-sandbox/t.ledger.jsonl");
    let bytes = std::fs::read(&ledger).unwrap();
    let last = String::from_utf8_lossy(&bytes)
        .lines()
        .last()
        .unwrap()
        .to_string();
    assert!(last.contains("\"event\":\"created\""), "{last}");
    std::fs::write(&ledger, &bytes[..bytes.len() - 60]).unwrap();

    let second = env.run(&["apply", "t.yaml", "--sandbox", NOW, "--report", "r.json"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(second.stderr.contains("repaired"), "{}", second.stderr);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.path("r.json")).unwrap()).unwrap();
    assert_eq!(report["created"], 0, "{report}");
    assert_eq!(report["adopted"], 1, "{report}");
    let third = env.run(&["apply", "t.yaml", "--sandbox", NOW]);
    assert!(third.stderr.contains("nothing to do"), "{}", third.stderr);
}

#[cfg(unix)]
#[test]
fn a_ledger_reached_through_a_symlink_stays_the_one_ledger() {
    let env = term();
    std::fs::create_dir(env.path("state")).unwrap();
    std::os::unix::fs::symlink("state/real.jsonl", env.path("t.ledger.jsonl")).unwrap();
    let first = env.run(&[
        "apply",
        "t.yaml",
        "--sandbox",
        NOW,
        "--ledger",
        "t.ledger.jsonl",
    ]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let link = std::fs::symlink_metadata(env.path("t.ledger.jsonl")).unwrap();
    assert!(link.file_type().is_symlink(), "compaction kept the link");
    let real = std::fs::read_to_string(env.path("state/real.jsonl")).unwrap();
    assert_eq!(
        real.lines().count(),
        3,
        "the target holds the records:\n{real}"
    );
    // Through the real path, nothing is left to do.
    let again = env.run(&[
        "apply",
        "t.yaml",
        "--sandbox",
        NOW,
        "--ledger",
        "state/real.jsonl",
    ]);
    assert!(again.stderr.contains("nothing to do"), "{}", again.stderr);
}

/// Excel's "Unicode text": UTF-16 with a BOM, tab-separated, Chinese column names.
#[test]
fn a_utf16_csv_with_chinese_headers_reads_as_its_utf8_twin() {
    let yaml = format!("{TERM}classes_from: [c.csv]\n");
    let english = "id,theme,anchor,duration,days,at\nml,机器学习 {n},zhang,1h,\"mon, wed\",19:00\n";
    let chinese =
        "编号\t主题\t主播\t时长\t星期\t时间\nml\t机器学习 {n}\tzhang\t1h\tmon, wed\t19:00\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(chinese.encode_utf16().flat_map(u16::to_le_bytes));
    let plan = |csv: &[u8]| {
        let t = Test::new().schedule(yaml.as_bytes()).file("c.csv", csv);
        let out = t.run(&["plan", "t.yaml", "--format", "json", NOW]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let (a, b) = (plan(english.as_bytes()), plan(&utf16));
    assert!(a.contains("机器学习 1"), "{a}");
    assert_eq!(a, b);
}

/// A make-up day running another date's timetable is in that date's teaching
/// week: whether a class meets, `{week}`, and the week shown all agree.
#[test]
fn a_make_up_day_shows_the_week_that_decided_it() {
    // 2027-04-25 (a Sunday of week 9) runs Wednesday 2027-05-05 (week 11).
    let t = Test::new().schedule(
        "version: 1\nterm:\n  start: 2027-02-22\n  end: 2027-06-27\n  workdays:\n    - { date: 2027-04-25, as: 2027-05-05 }\ndefaults: { anchor: a, duration: 1h }\nclasses:\n  - { id: odd, theme: '第{week}周', weekly: { days: [wed], at: '10:00' }, weeks: odd }\n  - { id: even, theme: '第{week}周', weekly: { days: [wed], at: '12:00' }, weeks: even }\n",
    );
    let out = t.run(&["plan", "t.yaml", "--format", "json", NOW]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let lives = doc["lives"].as_array().unwrap();
    let makeup: Vec<_> = lives
        .iter()
        .filter(|l| l["key"].as_str().unwrap().ends_with("/2027-04-25"))
        .collect();
    assert_eq!(
        makeup.len(),
        1,
        "only the class meeting in week 11: {makeup:?}"
    );
    assert_eq!(makeup[0]["key"], "odd/2027-04-25");
    assert_eq!(makeup[0]["week"], 11);
    assert_eq!(makeup[0]["request"]["theme"], "第11周");
}

/// Values that used to pass silently: each is refused, naming every place involved.
#[test]
fn values_that_make_no_sense_are_refused_with_both_places() {
    let class = "defaults: { anchor: a, duration: 1h }\nclasses:\n  - { id: x, theme: t, weekly: { days: [mon], at: '10:00' } }\n";
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "term:\n  start: 2027-02-22\n  end: 2027-06-27\n  holidays: [2027-05-08]\n  workdays:\n    - { date: 2027-05-08, as: fri }\n",
            "",
            &[
                "[t.yaml:7:15]",
                "`2027-05-08` is both a make-up workday and a holiday",
                "line 5, column 14",
            ],
        ),
        (
            "term:\n  start: 2027-02-22\n  end: 2027-06-27\n  workdays:\n    - { date: 2027-05-08, as: fri }\n    - { date: 2027-05-08, as: mon }\n",
            "",
            &["[t.yaml:7:15]", "listed twice", "line 6, column 15"],
        ),
        (
            "term:\n  start: 2027-02-22\n  end: 2027-06-27\n  workdays:\n    - { date: 2027-08-07, as: fri }\n",
            "",
            &[
                "[t.yaml:6:15]",
                "outside the term",
                "`2027-02-22` to `2027-06-27`",
            ],
        ),
        (
            "term:\n  start: 2027-02-22\n  end: 2027-06-27\n",
            "changes:\n  - { class: x, date: 2027-03-01, move_to: 2027-03-02T10:00 }\n  - { class: x, date: 2027-03-01, cancel: true }\n",
            &[
                "[t.yaml:10:5]",
                "changes the session of `x` on `2027-03-01` again",
                "it is changed at line 9",
            ],
        ),
    ];
    for (term, changes, expected) in cases {
        let t = Test::new().schedule(format!("version: 1\n{term}{class}{changes}"));
        let out = t.run(&["validate", "t.yaml"]);
        assert_eq!(out.code, 3, "{term}{changes}\n{}", out.stderr);
        for e in *expected {
            assert!(out.stderr.contains(e), "want {e:?}:\n{}", out.stderr);
        }
    }
    for remind in ["99999999999999999h", "9000h", "8d"] {
        let t = Test::new().schedule(format!(
            "{TERM}defaults: {{ anchor: a, duration: 1h, remind: {remind} }}\nclasses:\n  - {{ id: x, theme: t, at: 2027-03-01T10:00 }}\n"
        ));
        let out = t.run(&["validate", "t.yaml"]);
        assert_eq!(out.code, 3, "remind: {remind}\n{}", out.stderr);
        assert!(out.stderr.contains("[t.yaml:5:46]"), "{}", out.stderr);
    }
}

/// A schedule from a pull request names files: none outside the tree the run
/// was started in, none that is not what it claims, nothing echoed from them.
#[cfg(unix)]
#[test]
fn a_schedule_cannot_read_or_send_files_outside_the_tree() {
    const MARK: &str = "LIVESCHED_TEST_MARK_b7e1";
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.csv"), "id,theme\nsecret,秘密\n").unwrap();
    let t = Test::new();
    std::fs::create_dir(t.path("repo")).unwrap();
    let far = outside.path().join("x.csv");
    std::os::unix::fs::symlink("/etc/passwd", t.path("repo/cover.png")).unwrap();
    t.write("repo/text.png", "not a picture at all");
    let cases = [
        (
            "classes_from: [/proc/self/environ]\n".to_string(),
            "is outside the folder",
        ),
        (
            format!("classes_from: [{}]\n", far.display()),
            "is outside the folder",
        ),
        (
            "classes_from: [../../../../../../../../etc/passwd]\n".to_string(),
            "is outside the folder",
        ),
        (class_with_cover("cover.png"), "is outside the folder"),
        (class_with_cover("text.png"), "is not a PNG or JPEG"),
    ];
    for (body, why) in cases {
        t.write("repo/t.yaml", format!("{TERM}{body}"));
        let out = t
            .command(&["validate", "repo/t.yaml"])
            .env(MARK, "must-not-leak")
            .output();
        assert_eq!(out.code, 3, "{body}\n{}", out.stderr);
        assert!(
            out.stderr.contains(why),
            "{body}: want {why:?}\n{}",
            out.stderr
        );
        assert!(!out.stderr.contains("must-not-leak"), "{}", out.stderr);
        assert!(!out.stderr.contains("root:"), "{}", out.stderr);
        assert!(!out.stderr.contains("秘密"), "{}", out.stderr);
    }
    // The user may allow more, on the command line only.
    t.write(
        "repo/t.yaml",
        format!(
            "{TERM}defaults: {{ anchor: a, duration: 1h }}\nclasses_from: [{}]\n",
            far.display()
        ),
    );
    let allowed = t.run(&["validate", "repo/t.yaml", "--allow-outside"]);
    assert!(!allowed.stderr.contains("is outside"), "{}", allowed.stderr);
    assert!(
        allowed.stderr.contains("class `secret`"),
        "read: {}",
        allowed.stderr
    );
}

fn class_with_cover(cover: &str) -> String {
    format!(
        "defaults: {{ anchor: a, duration: 1h }}\nclasses:\n  - {{ id: k, theme: t, type: activity, at: 2027-03-01T10:00, activity: {{ cover: {cover} }} }}\n"
    )
}

/// Work is bounded: a term that would expand without end, a file without end,
/// and a value of megabytes are refused early, and nothing huge is echoed.
#[test]
fn unbounded_input_is_refused_early_and_briefly() {
    let t = Test::new();
    let times: Vec<String> = (0..720)
        .map(|m| format!("'{:02}:{:02}'", m / 60, m % 60))
        .collect();
    t.write(
        "century.yaml",
        format!(
            "version: 1\nterm: {{ start: 2027-01-01, end: 2126-12-31 }}\ndefaults: {{ anchor: a, duration: 1m }}\nclasses:\n  - {{ id: x, theme: t, weekly: {{ days: [mon, tue, wed, thu, fri, sat, sun], at: [{}] }} }}\n",
            times.join(", ")
        ),
    );
    let out = t.run(&["validate", "century.yaml"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("more than 1000000 sessions"),
        "{}",
        out.stderr
    );
    let raised = t.run(&["validate", "century.yaml", "--max-sessions", "10"]);
    assert!(
        raised.stderr.contains("more than 10 sessions"),
        "{}",
        raised.stderr
    );

    #[cfg(unix)]
    {
        let zero = t.run(&["plan", "/dev/zero"]);
        assert_eq!(zero.code, 3, "{}", zero.stderr);
        assert!(zero.stderr.contains("over 8 MB"), "{}", zero.stderr);
    }

    let huge = "主".repeat(1_000_000);
    t.write(
        "huge.yaml",
        format!("{TERM}defaults: {{ anchor: a, duration: 1h }}\nclasses:\n  - {{ id: x, theme: \"{huge}\", at: 2027-03-01T10:00 }}\n"),
    );
    let out = t.run(&["validate", "huge.yaml"]);
    assert_eq!(out.code, 3, "{}", &out.stderr[..out.stderr.len().min(2000)]);
    assert!(
        out.stderr.len() < 4_000,
        "{} bytes of stderr",
        out.stderr.len()
    );
    assert!(
        out.stderr.contains("1000000 characters long"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("[huge.yaml:7:"), "{}", out.stderr);
}

/// Parser limits read as sentences, not as the parser's types.
#[test]
fn a_yaml_bomb_is_refused_in_words() {
    let values = vec!["1"; 250_001].join(",");
    let t = Test::new().schedule(format!("{TERM}x: [{values}]\n"));
    let out = t.run(&["validate", "t.yaml"]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.contains("more values than a schedule may"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("Nodes {"), "{}", out.stderr);
}

/// A ledger whose first live is of a class the schedule has since dropped is
/// still the schedule's while it holds any other class of it.
#[test]
fn a_ledger_whose_first_class_was_dropped_is_still_the_schedules() {
    let class = |id: &str, day: &str| {
        format!(
            "  - {{ id: {id}, theme: t, weekly: {{ days: [{day}], at: '10:00' }}, count: 2 }}\n"
        )
    };
    let head = format!("{TERM}defaults: {{ anchor: a, duration: 1h }}\nclasses:\n");
    let both = format!("{head}{}{}", class("a", "mon"), class("b", "tue"));
    let t = Test::new().file("s.yaml", both);
    t.run(&["apply", "s.yaml", "--sandbox", NOW]).assert_code(0);
    let ledger = std::fs::read_to_string(t.path(".livesched-sandbox/s.ledger.jsonl")).unwrap();
    assert!(ledger.starts_with(r#"{"key":"a/"#), "{ledger}");
    t.write("s.yaml", format!("{head}{}", class("b", "tue")));
    let out = t.run(&["plan", "s.yaml", "--sandbox", "--format", "diff", NOW]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("- cancel"), "{}", out.stdout);
}

/// `--ledger` pointing at another schedule's ledger would plan to cancel all of
/// its lives: it is refused unless the user says every class was renamed.
#[test]
fn another_schedules_ledger_is_refused() {
    let class = |id: &str| {
        format!(
            "{TERM}defaults: {{ anchor: a, duration: 1h }}\nclasses:\n  - {{ id: {id}, theme: t, weekly: {{ days: [mon], at: '10:00' }}, count: 2 }}\n"
        )
    };
    let t = Test::new()
        .file("a.yaml", class("a"))
        .file("b.yaml", class("b"));
    t.run(&["apply", "a.yaml", "--sandbox", NOW]).assert_code(0);
    let theirs = ".livesched-sandbox/a.ledger.jsonl";
    for command in ["plan", "status"] {
        let out = t.run(&[command, "b.yaml", "--ledger", theirs, NOW]);
        assert_eq!(out.code, 1, "{command}: {}", out.stderr);
        assert!(
            out.stderr.contains("holds no session of `b.yaml`"),
            "{}",
            out.stderr
        );
    }
    let out = t.run(&["apply", "b.yaml", "--sandbox", "--ledger", theirs, NOW]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        !out.stderr.contains("to cancel"),
        "nothing planned: {}",
        out.stderr
    );
    let told = t.run(&[
        "plan",
        "b.yaml",
        "--ledger",
        theirs,
        "--accept-ledger",
        "--format",
        "diff",
        NOW,
    ]);
    assert_eq!(told.code, 0, "{}", told.stderr);
    assert!(told.stdout.contains("- cancel"), "{}", told.stdout);
}
