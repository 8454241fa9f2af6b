//! Declarative convergence against the simulator: each kind of edit to an applied
//! term costs exactly the calls it must, drift found by `refresh` is handled as
//! documented, `import` adopts what exists, `destroy` cancels what is ahead.

use livesched::sim::SimConfig;

use crate::support::{Test, client_for};

const NOW: &str = "2027-01-04T09:00:00+08:00";
/// A "now" in the middle of the example: 3/1, 3/3, 3/5 and 3/8 have happened.
const LATER: &str = "2027-03-10T00:00:00+08:00";

const BASE: &str = r#"version: 1
term: { start: 2027-03-01, end: 2027-03-28 }
defaults: { anchor: a, duration: 1h, remind: 10m }
classes:
  - { id: x, theme: "X {n}", description: 说明, weekly: { days: [mon], at: "10:00" } }
  - { id: y, theme: "Y {n}", weekly: { days: [wed], at: "14:00" } }
  - id: act
    theme: 活动
    type: activity
    at: 2027-03-05T10:00
    activity: { cover: cover.png, images: [hall.png] }
"#;

/// `BASE` and its images in a temp dir, and a simulator, both at `NOW`.
fn world(config: SimConfig) -> Test {
    Test::new()
        .schedule(BASE)
        .copy("schedules/images/cover.png", "cover.png")
        .copy("schedules/images/hall.png", "hall.png")
        .copy("schedules/images/cover.png", "hall2.png")
        .now(NOW)
        .simulator(config)
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
struct Calls {
    create: u64,
    modify: u64,
    cancel: u64,
}

/// What the convergence tests ask of a [`Test`] besides runs.
trait Converge {
    /// The calls that change lives, so far.
    fn calls(&self) -> Calls;
    /// Rewrites `t.yaml`, which must change.
    fn edit(&self, f: impl Fn(String) -> String);
    fn livingid(&self, key: &str) -> String;
    /// Every live the simulator holds scheduled is one the ledger holds, and back.
    fn assert_in_step(&self);
    fn no_changes_left(&self);
}

impl Converge for Test {
    fn calls(&self) -> Calls {
        let s = self.sim().stats();
        Calls {
            create: s.calls_to("living/create"),
            modify: s.calls_to("living/modify"),
            cancel: s.calls_to("living/cancel"),
        }
    }

    fn edit(&self, f: impl Fn(String) -> String) {
        let text = self.read("t.yaml");
        let edited = f(text.clone());
        assert_ne!(edited, text, "the edit changed nothing");
        self.write("t.yaml", edited);
    }

    fn livingid(&self, key: &str) -> String {
        self.ledger()
            .get(key)
            .and_then(|k| k.livingid().map(str::to_string))
            .unwrap()
    }

    fn assert_in_step(&self) {
        let ledger = self.ledger();
        let mut held: Vec<String> = ledger
            .iter()
            .filter(|k| livesched::plan::changes::is_live(k))
            .filter_map(|k| k.livingid().map(str::to_string))
            .collect();
        let mut scheduled: Vec<String> = self
            .sim()
            .lives()
            .into_iter()
            .filter(|l| l.status == 0)
            .map(|l| l.livingid)
            .collect();
        held.sort();
        scheduled.sort();
        assert_eq!(held, scheduled, "ledger and WeCom differ");
        assert_eq!(self.sim().stats().duplicates, 0);
    }

    fn no_changes_left(&self) {
        let out = self.run(&["plan", "t.yaml", "--detailed-exitcode"]);
        assert_eq!(
            out.code, 0,
            "a second plan still has changes:\n{}",
            out.stdout
        );
    }
}

fn delta(before: Calls, after: Calls) -> (u64, u64, u64) {
    (
        after.create - before.create,
        after.modify - before.modify,
        after.cancel - before.cancel,
    )
}

/// (what is edited, the edit, the calls it must cost: creates, modifies, cancels)
type Edit = (&'static str, fn(String) -> String, (u64, u64, u64));

const EDITS: &[Edit] = &[
    (
        "time",
        |s| s.replace(r#"days: [mon], at: "10:00""#, r#"days: [mon], at: "11:00""#),
        (0, 4, 0),
    ),
    // Keys name the original date: another day is other sessions.
    (
        "day",
        |s| s.replace("days: [mon]", "days: [tue]"),
        (4, 0, 4),
    ),
    (
        "duration",
        |s| s.replace(r#"theme: "X {n}","#, r#"theme: "X {n}", duration: 90m,"#),
        (0, 4, 0),
    ),
    ("theme", |s| s.replace("Y {n}", "Y 第{n}讲"), (0, 4, 0)),
    ("description", |s| s.replace("说明", "新的说明"), (0, 4, 0)),
    (
        "remind",
        |s| s.replace("remind: 10m", "remind: 15m"),
        (0, 9, 0),
    ),
    // WeCom cannot modify the anchor: replace, new lives first.
    (
        "anchor",
        |s| s.replace(r#"theme: "Y {n}","#, r#"theme: "Y {n}", anchor: b,"#),
        (4, 0, 4),
    ),
    (
        "activity image",
        |s| s.replace("images: [hall.png]", "images: [hall2.png]"),
        (1, 0, 1),
    ),
    (
        "removed class",
        |s| {
            s.replace(
                "  - { id: y, theme: \"Y {n}\", weekly: { days: [wed], at: \"14:00\" } }\n",
                "",
            )
        },
        (0, 0, 4),
    ),
    (
        "added class",
        |s| s + "  - { id: z, theme: Z, at: 2027-03-10T10:00 }\n",
        (1, 0, 0),
    ),
    // The holiday drops one session; `{n}` of the two after it moves down by one.
    (
        "new holiday",
        |s| {
            s.replace(
                "end: 2027-03-28 }",
                "end: 2027-03-28, holidays: [2027-03-08] }",
            )
        },
        (0, 2, 1),
    ),
    (
        "moved session",
        |s| s + "changes:\n  - { class: x, date: 2027-03-15, move_to: 2027-03-16T10:00 }\n",
        (0, 1, 0),
    ),
];

#[test]
fn each_edit_costs_exactly_the_calls_it_must() {
    let mut failures = Vec::new();
    for (name, edit, expected) in EDITS {
        let w = world(SimConfig::default());
        w.apply(&[]).assert_code(0);
        assert_eq!(
            w.calls(),
            Calls {
                create: 9,
                modify: 0,
                cancel: 0
            }
        );
        let before = w.calls();
        w.edit(edit);
        w.apply(&[]).assert_code(0);
        let got = delta(before, w.calls());
        if got != *expected {
            failures.push(format!(
                "{name}: calls (create, modify, cancel) = {got:?}, want {expected:?}"
            ));
            continue;
        }
        w.assert_in_step();
        w.no_changes_left();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn redact(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("lv") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 2..];
        let n = tail.chars().take_while(char::is_ascii_hexdigit).count();
        if n >= 8 {
            out.push_str("[livingid]");
            rest = &tail[n..];
        } else {
            out.push_str("lv");
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn the_diff_and_the_json_plan_of_an_edited_term() {
    let w = world(SimConfig::default());
    w.apply(&[]).assert_code(0);
    w.edit(|s| {
        s.replace(r#"days: [mon], at: "10:00""#, r#"days: [mon], at: "11:00""#)
            .replace(r#"theme: "Y {n}","#, r#"theme: "Y {n}", anchor: b,"#)
            .replace(
                "  - id: act\n",
                "  - id: z\n    theme: Z\n    at: 2027-03-10T10:00\n  - id: act2\n",
            )
    });
    let diff = w.run(&["plan", "t.yaml"]);
    diff.assert_code(0);
    insta::assert_snapshot!("diff", redact(&diff.stdout));
    let json = w.run(&["plan", "t.yaml", "--format", "json"]);
    let doc = json.json();
    let changes = serde_json::to_string_pretty(&doc["changes"]).unwrap();
    insta::assert_snapshot!("json_changes", redact(&changes));
}

#[test]
fn drift_is_recorded_by_refresh_and_handled_as_documented() {
    let w = world(SimConfig::default());
    w.apply(&[]).assert_code(0);
    let cancelled = w.livingid("x/2027-03-08");
    let edited = w.livingid("y/2027-03-03");
    assert!(w.sim().cancel_live(&cancelled));
    assert!(
        w.sim()
            .modify_live(&edited, |l| l.request.theme = "改过".into())
    );
    let refresh = w.run(&["refresh", "t.yaml"]);
    refresh.assert_code(0);
    refresh.assert_stderr_contains("`x/2027-03-08`");
    refresh.assert_stderr_contains("cancelled in WeCom");
    refresh.assert_stderr_contains("modified in WeCom (theme)");
    refresh.assert_stderr_contains("7 as recorded, 2 drifted");
    let plan = w.run(&["plan", "t.yaml"]);
    plan.assert_stdout_contains("! drifted  x/2027-03-08");
    plan.assert_stdout_contains("~ modify   y/2027-03-03");
    plan.assert_stdout_contains(r#"theme: "改过" → "Y 1""#);
    // The live edited in WeCom is put back; the cancelled one is not re-created.
    let before = w.calls();
    w.apply(&[]).assert_code(0);
    assert_eq!(delta(before, w.calls()), (0, 1, 0));
    assert_eq!(w.run(&["plan", "t.yaml", "--detailed-exitcode"]).code, 0);
    // Unless asked.
    let before = w.calls();
    w.apply(&["--recreate-cancelled"]).assert_code(0);
    assert_eq!(delta(before, w.calls()), (1, 0, 0));
    w.assert_in_step();
}

#[test]
fn import_adopts_lives_made_outside_and_apply_creates_only_the_rest() {
    let w = world(SimConfig::default());
    let plan = w.run(&["plan", "t.yaml", "--format", "json"]);
    let doc = plan.json();
    // Three lives made by hand in WeCom, one with another length.
    let client = client_for(w.sim());
    for (i, live) in doc["lives"].as_array().unwrap().iter().take(4).enumerate() {
        let mut body: livesched::wecom::CreateLiving =
            serde_json::from_value(live["request"].clone()).unwrap();
        if body.living_type == 4 {
            continue;
        }
        if i == 0 {
            body.living_duration = 1800;
        }
        w.block_on(client.create(&body)).unwrap();
    }
    let made = w.sim().lives().len() as u64;
    assert_eq!(made, 3);
    let import = w.run(&["import", "t.yaml"]);
    import.assert_code(0);
    import.assert_stderr_contains("imported 3 of 9");
    // The one with another length is modified, the rest created.
    let before = w.calls();
    w.apply(&[]).assert_code(0);
    assert_eq!(delta(before, w.calls()), (6, 1, 0));
    w.assert_in_step();
    w.no_changes_left();
}

#[test]
fn destroy_cancels_every_future_live_and_leaves_the_past() {
    let w = world(SimConfig::default());
    w.apply(&[]).assert_code(0);
    // From 10 March on: 3/1, 3/3, 3/5 and 3/8 have happened.
    let out = w.run_at(LATER, &["destroy", "t.yaml", "--yes"]);
    let stderr = &out.stderr;
    assert_eq!(out.code, 0, "{stderr}");
    assert!(
        stderr.contains("5 cancelled, 4 past (not touched)"),
        "{stderr}"
    );
    assert_eq!(w.calls().cancel, 5);
    let scheduled = w.sim().lives().iter().filter(|l| l.status == 0).count();
    assert_eq!(scheduled, 0, "lives ahead are all cancelled");
}

#[test]
fn an_edit_to_a_session_that_started_is_a_warning_and_not_applied() {
    let w = world(SimConfig::default());
    w.apply(&[]).assert_code(0);
    w.edit(|s| s.replace("Y {n}", "Y 第{n}讲"));
    // On 10 March, y/2027-03-03 has happened; the three after it have not.
    let plan = w.run_at(LATER, &["plan", "t.yaml"]);
    let (stdout, stderr) = (&plan.stdout, &plan.stderr);
    assert!(
        stderr.contains("`y/2027-03-03` has started; the change to it is not applied"),
        "{stderr}"
    );
    assert!(stdout.contains("! past     y/2027-03-03"), "{stdout}");
    assert!(stdout.contains("3 to modify"), "{stdout}");
}

#[test]
fn a_replace_whose_new_live_is_refused_keeps_the_old_one() {
    // Anchor `b` does not exist in WeCom: its new lives are refused (40003).
    let w = world(SimConfig {
        users: Some(vec!["a".to_string()]),
        ..SimConfig::default()
    });
    w.apply(&[]).assert_code(0);
    let old = w.livingid("y/2027-03-03");
    w.edit(|s| s.replace(r#"theme: "Y {n}","#, r#"theme: "Y {n}", anchor: b,"#));
    let out = w.apply(&[]);
    out.assert_code(4);
    out.assert_stderr_contains("40003");
    // Nothing was cancelled: every session still has its live.
    assert_eq!(w.calls().cancel, 0);
    assert_eq!(w.livingid("y/2027-03-03"), old);
    w.assert_in_step();
    // The replace is offered again, and nothing else.
    let plan = w.run(&["plan", "t.yaml"]);
    plan.assert_stdout_contains("4 to replace, 0 to cancel");
    // Back to the anchor that exists: the old lives are the right ones after all.
    w.edit(|s| s.replace(r#"theme: "Y {n}", anchor: b,"#, r#"theme: "Y {n}","#));
    w.no_changes_left();
    w.assert_in_step();
}

#[test]
fn a_create_whose_reply_comes_after_the_timeout_is_found_not_made_twice() {
    // Every fourth create acts, then answers after the client has given up on it.
    let w = world(SimConfig {
        faults: livesched::sim::Faults {
            p_slow_reply: 0.25,
            slow_reply_delay: std::time::Duration::from_secs(3),
            seed: 7,
            ..livesched::sim::Faults::default()
        },
        ..SimConfig::default()
    });
    let out = w.apply(&["--request-timeout", "1s"]);
    out.assert_code(0);
    assert!(w.sim().stats().slow_replies > 0, "the fault never struck");
    out.assert_stderr_contains("looking it up before creating again");
    w.assert_in_step();
    assert_eq!(w.sim().lives().len(), 9, "one live per session, none twice");
    w.no_changes_left();
}
