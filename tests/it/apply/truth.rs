//! WeCom is the truth: whatever happened to the ledger (lost, rolled back to an older
//! copy, forked by a second runner), no session ever gets a second live.

use std::collections::BTreeMap;

use livesched::ledger::LedgerState;
use livesched::plan::changes::is_live;
use livesched::sim::{SimConfig, SimStats};

use super::term::{Term, term, total_calls};
use crate::support::Test;

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
