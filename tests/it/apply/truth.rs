//! WeCom is the truth: whatever happened to the ledger (lost, rolled back to an older
//! copy, forked by a second runner), no session ever gets a second live.

use std::collections::BTreeMap;

use livesched::ledger::LedgerState;
use livesched::plan::changes::is_live;
use livesched::sim::{SimConfig, SimStats};

use super::term::{Term, term, total_calls};
use crate::support::{Test, client_for};

/// Each session's livingid in `ledger`.
fn livingids(ledger: &LedgerState) -> BTreeMap<String, String> {
    ledger
        .iter()
        .filter(|k| is_live(k) && !k.key.contains('~'))
        .filter_map(|k| Some((k.key.clone(), k.livingid.clone()?)))
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
    assert_eq!(livingids(&t.ledger()), first, "the ledger names the first run's lives");
    t.assert_exactly_one_live_per_session();

    let before = total_calls(&t.sim().stats());
    t.apply(&[]).assert_code(0);
    assert_eq!(total_calls(&t.sim().stats()), before, "a third apply makes no call");
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
    assert_eq!(delta(&before, &t.sim().stats(), "living/create"), 0, "{out}");
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
        .filter(|l| l.class != "c2")
        .map(|l| l.key)
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
        .filter(|k| k.last == livesched::ledger::Event::Modified)
        .map(|k| k.key.clone())
        .collect();
    assert_eq!(modified, edited, "exactly the edited sessions are modified");
    assert_eq!(livingids(&ledger), first, "each session keeps its live");
    t.assert_exactly_one_live_per_session();
    t.run(&["plan", "t.yaml", "--detailed-exitcode"]).assert_code(0);
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
        assert_eq!(livingids(&t.ledger()), first, "exactly its own lives are adopted");
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
        let ledger = t.ledger();
        for live in &theirs {
            let key = livesched::ledger::foreign_key(&live.livingid);
            let held = ledger.get(&key).unwrap_or_else(|| panic!("`{key}` is remembered"));
            assert_eq!(held.last, livesched::ledger::Event::Foreign);
        }

        // A later run that lists these anchors again reads none of their lives.
        t.write(
            "t.yaml",
            t.read("t.yaml")
                + "  - { id: extra, theme: 加课, anchor: t0, at: 2027-05-06T19:00 }\n",
        );
        let before = t.sim().stats();
        t.apply(&[]).assert_code(0);
        let after = t.sim().stats();
        assert_eq!(delta(&before, &after, "living/create"), 1);
        assert_eq!(delta(&before, &after, "living/get_living_info"), 0);
        apply_other().assert_code(0).assert_stderr_contains("nothing to do");
    }
}

#[test]
fn an_ambiguous_match_creates_nothing_names_both_lives_and_exits_4() {
    let t = term(1, SimConfig::default());
    let future = t.future();
    let first = &future[0];
    let client = client_for(t.sim());
    let a = t.block_on(client.create(&first.request)).unwrap();
    let b = t.block_on(client.create(&first.request)).unwrap();

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
    let held = ledger.get(&first.key).unwrap();
    assert_eq!(held.livingid, None);
    assert_eq!(held.last, livesched::ledger::Event::Failed);
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
    assert_eq!(livingids(&t.ledger())[&first.key], a);
}
