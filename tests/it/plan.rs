//! `plan`: the table, JSON, CSV and iCalendar renderings, DST, make-up days, exit codes.

use crate::support::{TERM, Test, repo};

const NOW: &str = "2027-01-04T09:00:00+08:00";

#[test]
fn the_example_term_as_a_table() {
    let out = Test::new()
        .current_dir(repo())
        .now(NOW)
        .run(&["plan", "schedules/spring-2027.yaml"]);
    out.assert_code(0);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn yaml_and_yaml_with_csv_give_the_identical_plan() {
    let t = Test::new().current_dir(repo()).now(NOW);
    let a = t.run(&["plan", "schedules/spring-2027.yaml", "--format", "json"]);
    let b = t.run(&["plan", "examples/spring-2027-csv.yaml", "--format", "json"]);
    a.assert_code(0);
    assert!(a.stdout.len() > 10_000);
    // The CSV twin lives in `examples/` (so that applying `schedules/` does not make
    // every live twice) and names the same pictures from there.
    let b = b
        .stdout
        .replace("upload:examples/../schedules/", "upload:schedules/");
    assert_eq!(a.stdout, b);
}

const SMALL: &str = r#"version: 1
term:
  name: 测试学期
  start: 2027-02-22
  end: 2027-03-14
  holidays: [{ date: 2027-03-01, name: 停课 }]
  workdays: [{ date: 2027-03-06, as: mon }]
defaults: { anchor: zhangsan, type: training, duration: 90m, remind: 15m }
classes:
  - id: ml
    theme: 机器学习 第{n}讲
    description: 入门课
    weekly: { days: [mon], at: "19:00" }
  - id: open
    theme: 开场
    type: activity
    at: 2027-02-23T10:00
    activity: { cover: MEDIA_COVER, images: [M1, M2], description: 开场活动 }
changes:
  - { class: ml, date: 2027-03-08, move_to: 2027-03-09T20:00 }
"#;

#[test]
fn the_json_document() {
    let out = Test::new()
        .schedule(SMALL)
        .now(NOW)
        .run(&["plan", "t.yaml", "--format", "json"]);
    out.assert_code(0);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn holidays_makeup_days_and_moves_shape_the_sessions() {
    let out = Test::new()
        .schedule(SMALL)
        .now(NOW)
        .run(&["plan", "t.yaml", "--format", "json"]);
    let doc = out.json();
    let keys: Vec<&str> = doc["lives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["key"].as_str().unwrap())
        .collect();
    // 03-01 is a holiday; Saturday 03-06 runs Monday's timetable; 03-08 moved keeps its key.
    assert_eq!(
        keys,
        [
            "ml/2027-02-22",
            "open/2027-02-23",
            "ml/2027-03-06",
            "ml/2027-03-08"
        ]
    );
    let moved = &doc["lives"][3];
    assert_eq!(moved["start"], "2027-03-09T20:00:00+08:00");
    assert_eq!(moved["request"]["theme"], "机器学习 第3讲");
    let open = &doc["lives"][1]["request"];
    assert_eq!(open["type"], 4);
    assert!(
        open.get("description").is_none(),
        "activity text goes in activity_detail"
    );
    assert_eq!(open["activity_detail"]["description"], "开场活动");
    assert_eq!(doc["skipped"][0]["reason"], "holiday");
}

#[test]
fn csv_and_ics_formats() {
    let t = Test::new().schedule(SMALL).now(NOW);
    let csv = t.run(&["plan", "t.yaml", "--format", "csv"]);
    csv.assert_code(0);
    let mut lines = csv.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("key,class,n,start,weekday,week,duration_minutes,anchor,type,theme,action")
    );
    assert_eq!(
        lines.next(),
        Some(
            "ml/2027-02-22,ml,1,2027-02-22T19:00:00+08:00,mon,1,90,zhangsan,training,机器学习 第1讲,create"
        )
    );
    let ics = t.run(&["plan", "t.yaml", "--format", "ics"]);
    ics.assert_code(0);
    insta::assert_snapshot!(ics.stdout.replace("\r\n", "\n"));
    assert!(
        ics.stdout.lines().all(|l| l.len() <= 76),
        "lines fold at 75 octets"
    );
}

fn dst_plan(tz: &str, at: &str, day: &str) -> serde_json::Value {
    let out = Test::new()
        .schedule(format!(
            "version: 1\nterm:\n  timezone: {tz}\n  start: 2027-01-04\n  end: 2027-12-31\nclasses:\n  - {{ id: c, theme: t, anchor: a, duration: 1h, dates: [{day}T{at}] }}\n"
        ))
        .now(NOW)
        .run(&["plan", "t.yaml", "--format", "json"]);
    out.assert_code(0);
    out.json()
}

#[test]
fn a_time_in_a_dst_gap_moves_forward_and_says_so() {
    // 2027-03-14 02:30 does not exist in New York.
    let doc = dst_plan("America/New_York", "02:30", "2027-03-14");
    assert_eq!(doc["lives"][0]["start"], "2027-03-14T03:30:00-04:00");
    assert!(
        doc["lives"][0]["notes"][0]
            .as_str()
            .unwrap()
            .contains("does not exist")
    );
    // London springs forward on 2027-03-28 at 01:00.
    let doc = dst_plan("Europe/London", "01:15", "2027-03-28");
    assert_eq!(doc["lives"][0]["start"], "2027-03-28T02:15:00+01:00");
}

#[test]
fn an_ambiguous_time_takes_the_first_instant() {
    let doc = dst_plan("America/New_York", "01:30", "2027-11-07");
    assert_eq!(doc["lives"][0]["start"], "2027-11-07T01:30:00-04:00");
    assert!(
        doc["lives"][0]["notes"][0]
            .as_str()
            .unwrap()
            .contains("twice")
    );
    let doc = dst_plan("Europe/London", "01:30", "2027-10-31");
    assert_eq!(doc["lives"][0]["start"], "2027-10-31T01:30:00+01:00");
}

#[test]
fn wall_clock_times_stay_put_across_dst() {
    let out = Test::new()
        .schedule("version: 1\nterm:\n  timezone: America/New_York\n  start: 2027-03-08\n  end: 2027-03-21\nclasses:\n  - { id: c, theme: t, anchor: a, duration: 1h, weekly: { days: [mon], at: \"09:00\" } }\n")
        .now(NOW)
        .run(&["plan", "t.yaml", "--format", "json"]);
    let doc = out.json();
    assert_eq!(doc["lives"][0]["start"], "2027-03-08T09:00:00-05:00");
    assert_eq!(doc["lives"][1]["start"], "2027-03-15T09:00:00-04:00");
}

#[test]
fn detailed_exit_codes_follow_terraform() {
    let t = Test::new().schedule(SMALL).now(NOW);
    let pending = t.run(&["plan", "t.yaml", "--detailed-exitcode"]);
    pending.assert_code(2);
    let all_past = t.run_at(
        "2028-01-01T00:00:00Z",
        &["plan", "t.yaml", "--detailed-exitcode"],
    );
    assert_eq!(all_past.code, 0, "every session is past: nothing to do");
    all_past.assert_stdout_contains("4 past");
    t.write("bad.yaml", format!("{TERM}classes: 3\n"));
    t.run(&["plan", "bad.yaml", "--detailed-exitcode"])
        .assert_code(1);
    t.run(&["plan", "bad.yaml"]).assert_code(3);
}

#[test]
fn strict_turns_warnings_into_errors() {
    let t = Test::new().schedule(format!(
        "{TERM}classes:\n  - {{ id: c, theme: t, anchor: a, duration: 1h, dates: [2027-08-01T10:00] }}\n"
    ));
    let lax = t.run(&["validate", "t.yaml"]);
    lax.assert_code(0);
    lax.assert_stderr_contains("outside the term");
    t.run(&["validate", "--strict", "t.yaml"]).assert_code(3);
}

#[test]
fn overlapping_sessions_of_one_anchor_are_warned() {
    Test::new()
        .schedule(format!("{TERM}defaults: {{ anchor: a, duration: 2h }}\nclasses:\n  - {{ id: x, theme: t, at: 2027-03-01T10:00 }}\n  - {{ id: y, theme: u, at: 2027-03-01T11:00 }}\n"))
        .run(&["validate", "t.yaml"])
        .assert_stderr_contains("anchor `a` has two sessions at once");
}

#[test]
fn help_lists_the_commands() {
    let out = Test::new().run(&["--help"]);
    out.assert_code(0);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn the_ledger_turns_creates_into_unchanged_modify_and_cancel() {
    let t = Test::new().schedule(SMALL).now(NOW);
    let doc = t.run(&["plan", "t.yaml", "--format", "json"]).json();
    let same = doc["lives"][0]["request"].clone();
    let mut edited = doc["lives"][2]["request"].clone();
    edited["theme"] = "旧主题".into();
    let mut gone = same.clone();
    gone["living_start"] = 1_900_000_000.into();
    let record = |key: &str, id: &str, request: &serde_json::Value| serde_json::json!({"key": key, "event": "created", "livingid": id, "at": "2027-01-01T00:00:00Z", "request": request});
    t.write_ledger(&[
        record("ml/2027-02-22", "L1", &same),
        record("ml/2027-03-06", "L2", &edited),
        record("dropped/2027-03-02", "L3", &gone),
    ]);
    let out = t.run(&["plan", "t.yaml", "--format", "json"]);
    out.assert_code(0);
    let doc = out.json();
    let actions: Vec<(String, String, Option<String>)> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["action"].as_str().unwrap().to_string(),
                c["key"].as_str().unwrap().to_string(),
                c["livingid"].as_str().map(str::to_string),
            )
        })
        .collect();
    let find = |key: &str| actions.iter().find(|a| a.1 == key).cloned().unwrap();
    assert_eq!(
        find("ml/2027-02-22"),
        (
            "unchanged".into(),
            "ml/2027-02-22".into(),
            Some("L1".into())
        )
    );
    assert_eq!(
        find("ml/2027-03-06"),
        ("modify".into(), "ml/2027-03-06".into(), Some("L2".into()))
    );
    assert_eq!(find("open/2027-02-23").0, "create");
    assert_eq!(
        find("dropped/2027-03-02"),
        (
            "cancel".into(),
            "dropped/2027-03-02".into(),
            Some("L3".into())
        )
    );
    let detailed = t.run(&["plan", "t.yaml", "--detailed-exitcode"]);
    detailed.assert_code(2);
}

#[test]
fn a_corrupt_ledger_stops_the_plan() {
    let t = Test::new().schedule(SMALL).now(NOW);
    t.write("t.ledger.jsonl", "{\"key\":\"a\",\"event\":\"created\",\"at\":\"2027-01-01T00:00:00Z\"}\nnot json\n{\"key\":\"b\",\"event\":\"intent\",\"at\":\"2027-01-01T00:00:00Z\"}\n");
    let out = t.run(&["plan", "t.yaml"]);
    out.assert_code(1);
    out.assert_stderr_contains("line 2 of");
    assert!(out.stdout.is_empty());
}

/// A term of `classes` classes meeting every weekday for four weeks.
fn weekday_term(classes: usize) -> String {
    let mut yaml = String::from(
        "version: 1\nterm: { name: 大学期, start: 2027-03-01, end: 2027-03-28 }\n\
         defaults: { anchor: zhangsan, type: training, duration: 45m }\nclasses:\n",
    );
    for c in 0..classes {
        yaml += &format!(
            "  - {{ id: c{c}, theme: \"课{c} 第{{n}}讲\", weekly: {{ days: [mon, tue, wed, thu, fri], at: \"08:00\" }} }}\n"
        );
    }
    yaml
}

#[test]
fn a_large_ledger_in_key_order_diffs_as_a_small_one() {
    // 250 classes × 20 days: enough sessions for the diff's halves to go on threads.
    let t = Test::new().schedule(weekday_term(250)).now(NOW);
    let doc = t.run(&["plan", "t.yaml", "--format", "json"]).json();
    let lives = doc["lives"].as_array().unwrap();
    assert_eq!(lives.len(), 5000);
    // Every session held, in key order as compaction leaves them, but every
    // seventh left out (create) and every eleventh held with another theme
    // (modify); and lives of a class the plan no longer has (cancel).
    let mut records = Vec::new();
    let mut expected = std::collections::BTreeMap::new();
    for (i, live) in lives.iter().enumerate() {
        let key = live["key"].as_str().unwrap().to_string();
        let mut request = live["request"].clone();
        let action = if i % 7 == 0 {
            "create"
        } else if i % 11 == 0 {
            request["theme"] = "旧主题".into();
            "modify"
        } else {
            "unchanged"
        };
        expected.insert(key.clone(), action);
        if action != "create" {
            records.push(serde_json::json!({"key": key, "event": "created", "livingid": format!("L{i}"), "at": "2027-01-01T00:00:00Z", "request": request}));
        }
    }
    for day in ["2027-03-01", "2027-03-02"] {
        let key = format!("gone/{day}");
        expected.insert(key.clone(), "cancel");
        let request = serde_json::json!({"anchor_userid": "zhangsan", "living_start": 1_900_000_000, "theme": "x", "type": 3});
        records.push(serde_json::json!({"key": key, "event": "created", "livingid": key, "at": "2027-01-01T00:00:00Z", "request": request}));
    }
    records.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
    t.write_ledger(&records);
    let doc = t.run(&["plan", "t.yaml", "--format", "json"]).json();
    let changes = doc["changes"].as_array().unwrap();
    // In the plan's order, then what only the ledger holds.
    let keys: Vec<&str> = changes.iter().map(|c| c["key"].as_str().unwrap()).collect();
    let planned: Vec<&str> = lives.iter().map(|l| l["key"].as_str().unwrap()).collect();
    let astray = keys.iter().zip(&planned).position(|(k, p)| k != p);
    assert_eq!(astray, None, "the first change out of the plan's order");
    assert_eq!(keys[5000..], ["gone/2027-03-01", "gone/2027-03-02"]);
    for (i, c) in changes.iter().enumerate() {
        let key = c["key"].as_str().unwrap();
        assert_eq!(c["action"], expected[key], "{key}");
        let livingid = c["livingid"].as_str();
        match expected[key] {
            "create" => assert_eq!(livingid, None, "{key}"),
            "cancel" => assert_eq!(livingid, Some(key)),
            _ => assert_eq!(livingid, Some(format!("L{i}").as_str()), "{key}"),
        }
    }
}
