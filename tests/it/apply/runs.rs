//! A run of apply: one live per future session and nothing twice, paced by the limiter,
//! a failed live that leaves the rest, and the sandbox.

use livesched::ledger::LedgerState;
use livesched::plan::PlannedLive;
use livesched::sim::SimConfig;

use super::term::{Term, report, term};
use crate::support::Test;

#[test]
fn apply_creates_one_live_per_future_session_and_records_each() {
    let term = term(2, SimConfig::default());
    let out = term.apply(&["--report", "report.json"]);
    out.assert_code(0);
    term.assert_exactly_one_live_per_session();

    let future = term.future().len();
    let all = livesched::plan::plan_term(&term.path("t.yaml"), false)
        .plan
        .unwrap()
        .lives
        .len();
    assert!(future > 50 && all > future, "{future} of {all}");
    let report = report(&term, "report.json");
    assert_eq!(report["created"], future, "{report}");
    assert_eq!(report["past"], all - future, "{report}");
    for zero in ["adopted", "modified", "cancelled", "unchanged", "deferred"] {
        assert_eq!(report[zero], 0, "{zero}: {report}");
    }
    assert_eq!(report["failed"], serde_json::json!([]));
    assert_eq!(report["interrupted"], false);
    assert!(report.get("fatal").is_none(), "{report}");
    assert_eq!(
        term.sim().stats().calls_to("living/create"),
        future as u64,
        "no call was repeated without faults"
    );
    assert!(
        out.stdout.is_empty(),
        "stdout carries only data: {}",
        out.stdout
    );
}

#[test]
fn a_second_apply_of_an_applied_term_calls_nothing_and_says_so() {
    let term = term(2, SimConfig::default());
    term.apply(&[]).assert_code(0);
    let before = term.sim().stats();

    let out = term.apply(&["--report", "again.json"]);
    out.assert_code(0);
    out.assert_stderr_contains("nothing to do");
    assert_eq!(term.sim().stats().calls, before.calls, "no API call at all");
    let report = report(&term, "again.json");
    assert_eq!(report["created"], 0);
    assert_eq!(report["unchanged"], term.future().len());
    term.assert_exactly_one_live_per_session();
}

#[test]
fn the_limiter_keeps_the_peak_within_rate_plus_burst() {
    // 600 calls a minute: a burst of 10 (gate.rs `burst_for`), then one each 100 ms.
    const PER_SECOND: u64 = 10;
    const BURST: u64 = 10;
    const CONCURRENCY: u64 = 2;
    let term = term(3, SimConfig::default());
    let out = term.apply(&["--rate", "600", "--concurrency", "2", "--report", "r.json"]);
    out.assert_code(0);
    let stats = term.sim().stats();
    let creates = stats.calls_to("living/create");
    assert!((60..=100).contains(&creates), "{creates} creates");
    // The simulator counts arrivals, the limiter admissions: a call admitted just before
    // a second began may arrive within it, as may the token fetch, which rides on an
    // admitted call. So the bound allows the calls that can be on the wire at once.
    let limit = PER_SECOND + BURST + CONCURRENCY + stats.calls_to("gettoken");
    assert!(
        stats.peak_calls_per_second <= limit,
        "peak {} > {limit}",
        stats.peak_calls_per_second
    );
    // However fast the machine, the calls after the burst wait their turn.
    let elapsed = report(&term, "r.json")["elapsed_seconds"].as_f64().unwrap();
    let least = (creates - BURST - 1) as f64 / PER_SECOND as f64;
    assert!(elapsed >= least, "{creates} calls in {elapsed:.2} s");
    term.assert_exactly_one_live_per_session();
}

#[test]
fn a_permanent_error_fails_that_live_and_the_batch_goes_on() {
    // Anchor t2 (class c2) does not exist: WeCom answers 40003 for each of its lives.
    let term = term(
        3,
        SimConfig {
            users: Some(vec!["t0".into(), "t1".into()]),
            ..SimConfig::default()
        },
    );
    let out = term.apply(&["--report", "r.json"]);
    out.assert_code(4);
    let report = report(&term, "r.json");
    let failed = report["failed"].as_array().unwrap();
    let bad: Vec<PlannedLive> = term
        .future()
        .into_iter()
        .filter(|l| l.class_id() == "c2")
        .collect();
    assert_eq!(failed.len(), bad.len(), "{report}");
    for f in failed {
        assert_eq!(f["errcode"], 40003, "{f}");
        assert_eq!(f["action"], "create", "{f}");
        assert!(f["key"].as_str().unwrap().starts_with("c2/"), "{f}");
    }
    assert_eq!(report["created"], term.future().len() - bad.len());
    out.assert_stderr_contains("40003");
    out.assert_stderr_contains("the anchor `t2` is not a userid of this corp");
    let lives = term.sim().lives();
    assert!(lives.iter().all(|l| l.request.anchor_userid != "t2"));
    assert_eq!(lives.len(), term.future().len() - bad.len());
}

#[test]
fn sandbox_applies_the_example_term_once_then_has_nothing_to_do() {
    let t = Test::new()
        .copy("schedules/spring-2027.yaml", "spring-2027.yaml")
        .copy("schedules/images", "images")
        .copy("schedules/rosters", "rosters")
        .now("2027-01-04T09:00:00+08:00");
    let args = [
        "apply",
        "spring-2027.yaml",
        "--sandbox",
        "--report",
        "r.json",
    ];
    let first = t.run(&args);
    first.assert_code(0);
    assert_eq!(report(&t, "r.json")["created"], 294);

    let second = t.run(&args);
    second.assert_code(0);
    second.assert_stderr_contains("nothing to do");
    assert_eq!(report(&t, "r.json")["unchanged"], 294);

    let ledger = t.path(".livesched-sandbox/spring-2027.ledger.jsonl");
    assert_eq!(LedgerState::read(&ledger).unwrap().len(), 294);
    assert!(!t.path("spring-2027.ledger.jsonl").exists());
}
