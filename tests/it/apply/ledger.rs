//! The ledger as apply finds it: locked by another run, torn at its end, corrupt within.

use livesched::ledger::Ledger;
use livesched::sim::SimConfig;

use super::term::{Term, term, total_calls};

#[test]
fn a_locked_ledger_fails_at_once_and_calls_nothing() {
    let term = term(1, SimConfig::default());
    let held = Ledger::open(&term.ledger_path()).expect("the test takes the lock");
    let out = term.apply(&[]);
    drop(held);
    out.assert_code(1);
    out.assert_stderr_contains("is locked");
    out.assert_stderr_contains("another `livesched apply`");
    assert_eq!(total_calls(&term.sim().stats()), 0);
}

#[test]
fn a_torn_last_line_is_repaired_and_the_run_goes_on() {
    let term = term(1, SimConfig::default());
    term.apply(&[]).assert_code(0);
    let mut text = term.read("t.ledger.jsonl");
    let lines = text.lines().count();
    text.push_str(r#"{"key":"c0/2027-06-2"#);
    std::fs::write(term.ledger_path(), &text).unwrap();

    let out = term.apply(&[]);
    out.assert_code(0);
    out.assert_stderr_contains("repaired");
    out.assert_stderr_contains("nothing to do");
    let after = term.read("t.ledger.jsonl");
    assert!(after.ends_with('\n'));
    assert_eq!(after.lines().count(), lines);
    term.assert_exactly_one_live_per_session();
}

#[test]
fn a_corrupt_middle_line_stops_apply_naming_the_line_before_any_call() {
    let term = term(1, SimConfig::default());
    let good =
        r#"{"key":"c0/2027-03-18","event":"intent","action":"create","at":"2027-03-15T04:00:00Z"}"#;
    std::fs::write(
        term.ledger_path(),
        format!("{good}\n{{\"key\": not json}}\n{good}\n"),
    )
    .unwrap();
    let out = term.apply(&[]);
    out.assert_code(1);
    out.assert_stderr_contains("line 2 of");
    assert_eq!(total_calls(&term.sim().stats()), 0);
}
