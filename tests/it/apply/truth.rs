//! WeCom is the truth: whatever happened to the ledger (lost, rolled back to an older
//! copy, forked by a second runner), no session ever gets a second live.

use std::collections::BTreeMap;
use std::time::Duration;

use livesched::ledger::LedgerState;
use livesched::plan::changes::is_live;
use livesched::sim::{Faults, SimConfig, SimStats};

use super::term::{Term, term, total_calls};
use crate::support::{Test, client_for, eventually};

/// Each session's livingid in `ledger`.
fn livingids(ledger: &LedgerState) -> BTreeMap<String, String> {
    ledger
        .iter()
        .filter(|k| is_live(k) && !k.key().contains('~'))
        .filter_map(|k| Some((k.key().to_string(), k.livingid()?.to_string())))
        .collect()
}

/// Calls to one API between two snapshots.
fn delta(before: &SimStats, after: &SimStats, api: &str) -> u64 {
    after.calls_to(api) - before.calls_to(api)
}

fn remove(t: &Test, name: &str) {
    std::fs::remove_file(t.path(name)).unwrap_or_else(|e| panic!("remove `{name}`: {e}"));
}

#[test]
fn a_lost_ledger_is_rebuilt_from_wecom_and_nothing_is_created_twice() {
    let t = term(2, SimConfig::default());
    t.apply(&[]).assert_code(0);
    let first = livingids(&t.ledger());
    assert_eq!(first.len(), t.future().len());

    remove(&t, "t.ledger.jsonl");
    let before = t.sim().stats();
    let out = t.apply(&[]);
    out.assert_code(0)
        .assert_stderr_contains(&format!("{} adopted", first.len()));
    let after = t.sim().stats();
    assert_eq!(delta(&before, &after, "living/create"), 0, "{out}");
    assert_eq!(delta(&before, &after, "living/modify"), 0, "{out}");
    assert_eq!(
        livingids(&t.ledger()),
        first,
        "the ledger names the first run's lives"
    );
    t.assert_exactly_one_live_per_session();

    let before = total_calls(&t.sim().stats());
    t.apply(&[]).assert_code(0);
    assert_eq!(
        total_calls(&t.sim().stats()),
        before,
        "a third apply makes no call"
    );
}

#[test]
fn a_stale_ledger_adopts_what_later_runs_made() {
    let t = term(2, SimConfig::default());
    t.apply(&["--max-creates", "15"]).assert_code(0);
    let old = t.read("t.ledger.jsonl");
    t.apply(&[]).assert_code(0);
    t.write("t.ledger.jsonl", old);

    let before = t.sim().stats();
    let out = t.apply(&[]);
    out.assert_code(0)
        .assert_stderr_contains(&format!("{} adopted", t.future().len() - 15));
    assert_eq!(
        delta(&before, &t.sim().stats(), "living/create"),
        0,
        "{out}"
    );
    t.assert_exactly_one_live_per_session();
}

#[test]
fn a_lost_ledger_with_edits_adopts_then_modifies_exactly_the_edited_sessions() {
    // One class per anchor: t0 meets at 08:00, t1 at 09:00, t2 at 10:00.
    let t = term(3, SimConfig::default());
    t.apply(&[]).assert_code(0);
    let first = livingids(&t.ledger());
    let text = t.read("t.yaml");
    let edited = text
        .replace(r#"at: "08:00""#, r#"at: "08:30""#)
        .replace("课程1 第{n}讲", "课程1 新 第{n}讲");
    assert_ne!(edited, text);
    t.write("t.yaml", edited);
    remove(&t, "t.ledger.jsonl");

    let before = t.sim().stats();
    let out = t.apply(&[]);
    out.assert_code(0);
    let after = t.sim().stats();
    let mut edited: Vec<String> = t
        .future()
        .into_iter()
        .filter(|l| l.class_id() != "c2")
        .map(|l| l.key.to_string())
        .collect();
    edited.sort();
    assert_eq!(delta(&before, &after, "living/create"), 0, "{out}");
    assert_eq!(
        delta(&before, &after, "living/modify"),
        edited.len() as u64,
        "{out}"
    );
    let ledger = t.ledger();
    let modified: Vec<String> = ledger
        .iter()
        .filter(|k| k.last() == livesched::ledger::Event::Modified)
        .map(|k| k.key().to_string())
        .collect();
    assert_eq!(modified, edited, "exactly the edited sessions are modified");
    assert_eq!(livingids(&ledger), first, "each session keeps its live");
    t.assert_exactly_one_live_per_session();
    t.run(&["plan", "t.yaml", "--detailed-exitcode"])
        .assert_code(0);
}

/// A second schedule with the same anchors, applied from the same folder first.
const OTHER: &str = "version: 1
term: { start: 2027-02-22, end: 2027-06-27 }
defaults: { type: training, duration: 1h }
classes:
  - { id: u0, theme: '讲座 {n}', anchor: t0, weekly: { days: [tue], at: '08:00' }, count: 12 }
  - { id: u1, theme: '研讨 {n}', anchor: t1, weekly: { days: [mon], at: '09:00' }, count: 12 }
";

#[test]
fn lives_of_another_schedule_with_the_same_anchors_are_never_adopted_nor_touched() {
    // Once with the folder's cache of seen lives kept beside the ledger, once lost with it.
    for lose_the_cache in [false, true] {
        let t = term(2, SimConfig::default()).file("u.yaml", OTHER);
        let apply_other = || t.run(&["apply", "u.yaml", "--yes", "--rate", "0"]);
        apply_other().assert_code(0);
        let theirs: Vec<_> = t.sim().lives();
        let mine = t.future().len();
        t.apply(&[]).assert_code(0);
        let first = livingids(&t.ledger());

        remove(&t, "t.ledger.jsonl");
        if lose_the_cache {
            remove(&t, "livesched.seen.jsonl");
        }
        let before = t.sim().stats();
        let out = t.apply(&[]);
        out.assert_code(0)
            .assert_stderr_contains(&format!("{mine} adopted"));
        let after = t.sim().stats();
        assert_eq!(delta(&before, &after, "living/create"), 0, "{out}");
        assert_eq!(delta(&before, &after, "living/modify"), 0, "{out}");
        assert_eq!(delta(&before, &after, "living/cancel"), 0, "{out}");
        // Their lives are read only when no cache says whose they are.
        let reads = mine + if lose_the_cache { theirs.len() } else { 0 };
        assert_eq!(
            delta(&before, &after, "living/get_living_info"),
            reads as u64,
            "{out}"
        );
        assert_eq!(
            livingids(&t.ledger()),
            first,
            "exactly its own lives are adopted"
        );
        assert_eq!(after.duplicates, 0);
        for live in &theirs {
            let now = t
                .sim()
                .lives()
                .into_iter()
                .find(|l| l.livingid == live.livingid)
                .unwrap();
            assert_eq!(&now, live, "their live is untouched");
        }
        // What was read and matched nothing is remembered in the ledger as not ours;
        // what the cache knew as another ledger's needs no line here.
        let ledger = t.ledger();
        for live in &theirs {
            let key = livesched::ledger::foreign_key(&live.livingid);
            let remembered = ledger.get(&key).map(|k| k.last());
            let expected = lose_the_cache.then_some(livesched::ledger::Event::Foreign);
            assert_eq!(remembered, expected, "`{key}`");
        }

        // A later run that lists these anchors again reads none of their lives.
        t.write(
            "t.yaml",
            t.read("t.yaml") + "  - { id: extra, theme: 加课, anchor: t0, at: 2027-05-06T19:00 }\n",
        );
        let before = t.sim().stats();
        t.apply(&[]).assert_code(0);
        let after = t.sim().stats();
        assert_eq!(delta(&before, &after, "living/create"), 1);
        assert_eq!(delta(&before, &after, "living/get_living_info"), 0);
        apply_other()
            .assert_code(0)
            .assert_stderr_contains("nothing to do");
    }
}

#[test]
fn an_ambiguous_match_creates_nothing_names_both_lives_and_exits_4() {
    let t = term(1, SimConfig::default());
    let future = t.future();
    let first = &future[0];
    let client = client_for(t.sim());
    let a = t.block_on(client.create(&first.request())).unwrap();
    let b = t.block_on(client.create(&first.request())).unwrap();

    let out = t.apply(&[]);
    out.assert_code(4)
        .assert_stderr_contains(&format!("failed to create `{}`", first.key))
        .assert_stderr_contains(&a)
        .assert_stderr_contains(&b);
    let stats = t.sim().stats();
    assert_eq!(
        stats.calls_to("living/create"),
        2 + future.len() as u64 - 1,
        "nothing is created for the ambiguous session, every other one is: {out}"
    );
    let ledger = t.ledger();
    let held = ledger.get(&first.key.to_string()).unwrap();
    assert_eq!(held.livingid(), None);
    assert_eq!(held.last(), livesched::ledger::Event::Failed);
    for id in [&a, &b] {
        assert!(
            ledger.livingids().iter().all(|held| held != id),
            "`{id}` is neither adopted nor remembered as not ours"
        );
    }
    // Once a person cancels the extra one, the other is adopted.
    t.sim().cancel_live(&b);
    let out = t.apply(&[]);
    out.assert_code(0).assert_stderr_contains("1 adopted");
    assert_eq!(livingids(&t.ledger())[&first.key.to_string()], a);
}

/// A small term for two runners: eight sessions over two anchors.
const RACED: &str = "version: 1
term: { start: 2027-03-01, end: 2027-04-30 }
defaults: { type: training, duration: 1h }
classes:
  - { id: r0, theme: '算法 {n}', anchor: t0, weekly: { days: [mon], at: '19:00' }, count: 4 }
  - { id: r1, theme: '数据 {n}', anchor: t1, weekly: { days: [wed], at: '19:00' }, count: 4 }
";

/// Calls each runner has in flight at once (the default, said out loud).
const RUNNER_CONCURRENCY: u64 = 4;

#[test]
fn two_runners_at_once_converge_on_one_live_per_session() {
    // Rounds where both runners created a live for some session.
    let mut raced = 0;
    for round in 0..20u64 {
        let config = SimConfig {
            faults: Faults {
                latency: Duration::from_millis(15),
                jitter: Duration::from_millis(round % 5 * 3),
                seed: round,
                ..Faults::default()
            },
            ..SimConfig::default()
        };
        // Two checkouts of one schedule, each with its own ledger (and cache).
        let t = Test::new()
            .file("a/t.yaml", RACED)
            .file("b/t.yaml", RACED)
            .now("2027-02-01T09:00:00+08:00")
            .simulator(config);
        let concurrency = RUNNER_CONCURRENCY.to_string();
        let apply = |dir: &str| {
            t.command(&[
                "apply",
                &format!("{dir}/t.yaml"),
                "--yes",
                "--rate",
                "0",
                "--concurrency",
                &concurrency,
            ])
        };
        let (first, second) = if round % 2 == 0 {
            ("a", "b")
        } else {
            ("b", "a")
        };
        // In the first round, however the machine schedules the two, both have looked
        // up and are creating before either create acts: a race for sure, so the rounds
        // cannot all pass without one.
        let sure = round == 0;
        if sure {
            t.sim().hold_only("living/create");
        }
        let one = apply(first).spawn();
        // The second starts from together to well after the first's lookup.
        std::thread::sleep(Duration::from_millis(round * 4 % 45));
        let two = apply(second).spawn();
        if sure {
            eventually("both runners creating", || {
                t.sim().stats().calls_to("living/create") >= 2 * RUNNER_CONCURRENCY
            });
            t.sim().release();
        }
        for child in [one, two] {
            let out = child.wait_with_output().expect("the run ends");
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }

        if t.sim().stats().duplicates > 0 {
            raced += 1;
        } else {
            assert!(!sure, "round {round} was made to race but did not");
        }
        t.run(&["refresh", "a/t.yaml"]).assert_code(0);
        t.run(&["apply", "a/t.yaml", "--yes", "--rate", "0"])
            .assert_code(0);

        let planned = livesched::plan::plan_term(&t.path("a/t.yaml"), false)
            .plan
            .expect("valid")
            .lives;
        let scheduled: Vec<_> = t
            .sim()
            .lives()
            .into_iter()
            .filter(|l| l.status == 0)
            .collect();
        assert_eq!(
            scheduled.len(),
            planned.len(),
            "round {round}: {scheduled:#?}"
        );
        let held = livingids(&LedgerState::read(&t.path("a/t.ledger.jsonl")).unwrap());
        for session in &planned {
            let r = &session.request();
            let lives: Vec<_> = scheduled
                .iter()
                .filter(|l| {
                    (
                        &l.request.anchor_userid,
                        &l.request.theme,
                        l.request.living_start,
                    ) == (&r.anchor_userid, &r.theme, r.living_start)
                })
                .collect();
            assert_eq!(lives.len(), 1, "round {round}: `{}`", session.key);
            assert_eq!(
                held.get(&session.key.to_string()),
                Some(&lives[0].livingid),
                "round {round}: the ledger of `a` names the live of `{}`",
                session.key
            );
        }
    }
    assert!(raced > 0, "no round raced: the test proved nothing");
}

#[test]
fn both_ledgers_keep_the_same_survivor_of_a_raced_session() {
    let t = Test::new()
        .file("a/t.yaml", RACED)
        .file("b/t.yaml", RACED)
        .now("2027-02-01T09:00:00+08:00")
        .simulator(SimConfig::default());
    t.run(&["apply", "a/t.yaml", "--yes"]).assert_code(0);
    let a = livingids(&LedgerState::read(&t.path("a/t.ledger.jsonl")).unwrap());
    let session = livesched::plan::plan_term(&t.path("a/t.yaml"), false)
        .plan
        .unwrap()
        .lives
        .remove(0);
    // The other runner made its own live for this session, and its ledger holds it.
    let client = client_for(t.sim());
    let theirs = t.block_on(client.create(&session.request())).unwrap();
    let ours = a[&session.key.to_string()].clone();
    assert!(ours < theirs);
    t.write(
        "b/t.ledger.jsonl",
        t.read("a/t.ledger.jsonl").replace(&ours, &theirs),
    );

    // Each side's refresh names the other's live; both keep the smaller livingid.
    t.run(&["refresh", "a/t.yaml"])
        .assert_code(0)
        .assert_stderr_contains(&format!("keeping `{ours}` and cancelling `{theirs}`"));
    t.run(&["refresh", "b/t.yaml"])
        .assert_code(0)
        .assert_stderr_contains(&format!(
            "a second live `{ours}` in WeCom; keeping it (the smaller livingid) and cancelling `{theirs}`"
        ));
    let plan = t.run(&["plan", "b/t.yaml"]);
    plan.assert_stdout_contains(&format!("{}~{theirs}", session.key));
    for side in ["a", "b"] {
        t.run(&["apply", &format!("{side}/t.yaml"), "--yes"])
            .assert_code(0);
    }
    let scheduled: Vec<String> = t
        .sim()
        .lives()
        .into_iter()
        .filter(|l| l.status == 0)
        .map(|l| l.livingid)
        .collect();
    assert!(!scheduled.contains(&theirs) && scheduled.contains(&ours));
    assert_eq!(t.sim().stats().duplicates, 0);
    for side in ["a", "b"] {
        let held =
            livingids(&LedgerState::read(&t.path(&format!("{side}/t.ledger.jsonl"))).unwrap());
        assert_eq!(held, a, "`{side}` holds the survivors");
        t.run(&["plan", &format!("{side}/t.yaml"), "--detailed-exitcode"])
            .assert_code(0);
    }
}

#[test]
fn status_and_plan_say_when_the_ledger_looks_lost_or_stale() {
    let t = term(1, SimConfig::default());
    // Never applied, yet the term has begun (it is week 4).
    t.run(&["plan", "t.yaml"])
        .assert_code(0)
        .assert_stderr_contains("the ledger is empty though 7 of the term's sessions have begun")
        .assert_stderr_contains("livesched import");

    t.apply(&["--max-creates", "5"]).assert_code(0);
    let old = t.read("t.ledger.jsonl");
    t.apply(&[]).assert_code(0);
    for args in [["plan", "t.yaml"], ["status", "t.yaml"]] {
        let out = t.run(&args);
        let said = format!("{}{}", out.stdout, out.stderr);
        assert!(!said.contains("the ledger looks"), "{out}");
    }

    t.write("t.ledger.jsonl", &old);
    t.run(&["plan", "t.yaml"])
        .assert_stderr_contains("the ledger looks stale (an older copy?)")
        .assert_stderr_contains("24 scheduled");
    t.run(&["status", "t.yaml"])
        .assert_stdout_contains(
            "warning: the ledger looks stale (an older copy?): the cache of seen lives says it \
             made 24 scheduled lives it does not hold",
        )
        .assert_stdout_contains("help: `livesched apply` looks lives up");

    remove(&t, "t.ledger.jsonl");
    let status = t.run(&["status", "t.yaml", "--format", "json"]).json();
    assert_eq!(
        status["warnings"][0],
        "the ledger looks lost: it is empty, yet the cache of seen lives says it made 29 \
         scheduled lives"
    );
}

/// Calls per API between two snapshots, the ones made.
fn costs(before: &SimStats, after: &SimStats) -> BTreeMap<String, u64> {
    after
        .calls
        .iter()
        .map(|(api, n)| (api.clone(), n - before.calls_to(api)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// A next term's file for two of the example term's anchors.
const AUTUMN: &str = "version: 1
term: { start: 2027-09-06, end: 2028-01-16 }
defaults: { type: training, duration: 90m }
classes:
  - { id: ml-201, theme: '机器学习进阶 {n}', anchor: lisi, weekly: { days: [tue], at: '19:00' }, count: 16 }
  - { id: db-201, theme: '数据库系统 {n}', anchor: wangwu, weekly: { days: [thu], at: '19:00' }, count: 16 }
";

/// The numbers in the README's "Cost of the lookup", measured on the example term.
#[test]
fn the_example_terms_lookups_cost_what_the_readme_says() {
    let t = Test::new()
        .copy("schedules/spring-2027.yaml", "spring-2027.yaml")
        .copy("schedules/images", "images")
        .copy("schedules/rosters", "rosters")
        .file("autumn-2027.yaml", AUTUMN)
        .now("2027-02-01T09:00:00+08:00")
        .simulator(SimConfig::default());
    let apply = |file: &str| {
        t.run(&["apply", file, "--yes", "--rate", "0"])
            .assert_code(0);
    };
    let measure = |file: &str| {
        let before = t.sim().stats();
        apply(file);
        costs(&before, &t.sim().stats())
    };
    let map = |pairs: &[(&str, u64)]| -> BTreeMap<String, u64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };

    let first = measure("spring-2027.yaml");
    let again = measure("spring-2027.yaml");
    remove(&t, "spring-2027.ledger.jsonl");
    let lost = measure("spring-2027.yaml");
    remove(&t, "spring-2027.ledger.jsonl");
    remove(&t, "livesched.seen.jsonl");
    let lost_both = measure("spring-2027.yaml");
    assert_eq!(t.sim().stats().duplicates, 0);
    assert_eq!(t.sim().stats().lives_total, 294);

    assert_eq!(
        first,
        map(&[
            ("gettoken", 1),
            ("living/create", 294),
            (LIST, 18),
            ("media/upload", 2)
        ])
    );
    assert_eq!(again, map(&[]));
    assert_eq!(lost, map(&[("gettoken", 1), (LIST, 18), (READ, 294)]));
    assert_eq!(lost_both, lost);

    // Next term, when the spring lives have ended: a new file for two of their anchors.
    let next_term = || {
        let before = t.sim().stats();
        t.run_at(
            "2027-08-01T09:00:00+08:00",
            &["apply", "autumn-2027.yaml", "--yes", "--rate", "0"],
        )
        .assert_code(0);
        costs(&before, &t.sim().stats())
    };
    let autumn = next_term();
    assert_eq!(
        autumn,
        map(&[("gettoken", 1), ("living/create", 32), (LIST, 2)])
    );
    // Its ledger lost, and the cache: the 63 ended lives of those anchors are read once…
    remove(&t, "autumn-2027.ledger.jsonl");
    remove(&t, "livesched.seen.jsonl");
    assert_eq!(
        next_term(),
        map(&[("gettoken", 1), (LIST, 2), (READ, 63 + 32)])
    );
    // …and never again by any ledger of the folder.
    remove(&t, "autumn-2027.ledger.jsonl");
    assert_eq!(next_term(), map(&[("gettoken", 1), (LIST, 2), (READ, 32)]));
    assert_eq!(t.sim().stats().duplicates, 0);
}

const LIST: &str = "living/get_user_all_livingid";
const READ: &str = "living/get_living_info";
