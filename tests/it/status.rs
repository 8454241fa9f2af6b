//! `status`, `completions` and `man`: the ledger summarised, and what is generated from the CLI.

use serde_json::json;

use crate::support::{Test, repo};

const TERM: &str = r#"version: 1
term:
  name: 状态
  start: 2027-02-22
  end: 2027-03-21
defaults: { anchor: zhangsan, type: training, duration: 90m }
classes:
  - id: ml
    theme: 机器学习 第{n}讲
    weekly: { days: [mon, wed], at: "19:00" }
"#;

/// Sessions on 02-22 and 02-24 are past at `NOW`; the rest are the future.
const NOW: &str = "2027-03-01T00:00:00+08:00";

/// A ledger with one session of each kind: created, failed, drifted, in doubt, and one to cancel.
fn with_ledger() -> Test {
    let t = Test::new().schedule(TERM).now(NOW);
    let plan = t.run(&["plan", "t.yaml", "--format", "json"]);
    plan.assert_code(0);
    let doc = plan.json();
    let request = |key: &str| {
        doc["lives"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["key"] == key)
            .map(|l| l["request"].clone())
            .unwrap()
    };
    let at = "2027-02-01T00:00:00Z";
    let lines = [
        json!({"key": "ml/2027-02-22", "event": "created", "livingid": "L0", "at": at, "request": request("ml/2027-02-22")}),
        json!({"key": "ml/2027-03-01", "event": "created", "livingid": "L1", "at": at, "request": request("ml/2027-03-01")}),
        json!({"key": "ml/2027-03-03", "event": "failed", "errcode": 40003, "error": "bad userid", "at": at}),
        json!({"key": "ml/2027-03-08", "event": "created", "livingid": "L3", "at": at, "request": request("ml/2027-03-08")}),
        json!({"key": "ml/2027-03-08", "event": "refreshed", "livingid": "L3", "status": 4, "at": at}),
        json!({"key": "ml/2027-03-10", "event": "intent", "action": "create", "at": at}),
        json!({"key": "gone/2027-03-20", "event": "created", "livingid": "L9", "at": at, "request": {"living_start": 1_900_000_000}}),
    ];
    t.write_ledger(&lines);
    t
}

#[test]
fn status_as_a_table() {
    let out = with_ledger().run(&["status", "t.yaml"]);
    out.assert_code(0);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn status_as_json() {
    let out = with_ledger().run(&["status", "t.yaml", "--format", "json"]);
    out.assert_code(0);
    let doc = out.json();
    // 8 sessions: 2 past, 1 created, 1 failed, 1 drifted, 2 pending, 1 in doubt.
    assert_eq!(
        doc["counts"],
        json!({"sessions": 8, "created": 1, "pending": 2, "in_doubt": 1, "failed": 1, "drifted": 1, "past": 2})
    );
    assert_eq!(doc["apply"]["cancel"], 1, "the live the plan dropped");
    assert_eq!(doc["next"].as_array().unwrap().len(), 5);
    assert_eq!(doc["next"][0]["key"], "ml/2027-03-01");
    assert_eq!(doc["next"][0]["livingid"], "L1");
    assert_eq!(doc["next"][2]["drift"], "cancelled outside");
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn status_without_a_ledger_counts_everything_pending() {
    let out = Test::new()
        .current_dir(repo())
        .now("2027-01-04T09:00:00+08:00")
        .run(&[
            "status",
            "schedules/spring-2027.yaml",
            "--ledger",
            "does-not-exist.jsonl",
            "--format",
            "json",
        ]);
    out.assert_code(0);
    let doc = out.json();
    assert_eq!(doc["counts"]["sessions"], 294);
    assert_eq!(doc["counts"]["pending"], 294);
    assert_eq!(doc["apply"]["create"], 294);
}

#[test]
fn status_of_an_invalid_schedule_is_exit_3() {
    let out = Test::new()
        .file("bad.yaml", format!("{}classes: 3\n", crate::support::TERM))
        .now(NOW)
        .run(&["status", "bad.yaml"]);
    out.assert_code(3);
    assert!(out.stdout.is_empty());
}

#[test]
fn completions_for_each_shell_name_the_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let out = Test::new().run(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains("validate"), "{shell}");
        assert!(out.stdout.contains("detailed-exitcode"), "{shell}");
    }
}

#[test]
fn the_man_pages_are_roff() {
    let t = Test::new();
    let out = t.run(&["man"]);
    out.assert_code(0);
    assert!(out.stdout.contains(".TH livesched 1"));
    assert!(out.stdout.contains("validate"));
    let plan = t.run(&["man", "plan"]);
    plan.assert_code(0);
    assert!(plan.stdout.contains(".TH livesched-plan 1"));
    assert!(plan.stdout.contains("detailed\\-exitcode"));
    let none = t.run(&["man", "nope"]);
    none.assert_code(1);
    none.assert_stderr_contains("`validate`");
}
