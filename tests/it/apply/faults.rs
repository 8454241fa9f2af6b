//! Faults of WeCom and of earlier runs: whatever fails, each session ends with exactly one live.

use livesched::ledger::Event;
use livesched::sim::{Faults, QuotaBurst, SimConfig};

use super::term::{Term, now, report, term};
use crate::support::client_for;

/// Faults from a fixed seed: 502s, busy replies, replies lost after the live was made,
/// tokens revoked every few calls, and a run of quota errors.
fn faulty() -> Faults {
    Faults {
        p_http_502: 0.05,
        p_errcode_busy: 0.05,
        p_drop_after_commit: 0.03,
        revoke_token_every: Some(25),
        quota_burst: Some(QuotaBurst {
            after: 60,
            length: 6,
        }),
        seed: 20_270_315,
        ..Faults::default()
    }
}

#[test]
fn under_faults_every_session_ends_with_exactly_one_live() {
    // Enough sessions that every kind of fault surely strikes (3% of 230 creates drop).
    let term = term(
        8,
        SimConfig {
            faults: faulty(),
            ..SimConfig::default()
        },
    );
    let future = term.future().len();
    // Retries may run out for a few sessions (exit 4); each later run finishes some.
    let mut runs = Vec::new();
    loop {
        let out = term.apply(&[
            "--concurrency",
            "8",
            "--quota-pause",
            "1s",
            "--report",
            "r.json",
        ]);
        let report = report(&term, "r.json");
        let failed = report["failed"].as_array().unwrap().len();
        match out.code {
            0 => assert_eq!(failed, 0, "{report}"),
            4 => assert!(failed > 0, "exit 4 means some sessions failed: {report}"),
            code => panic!("exit {code}: {}", out.stderr),
        }
        runs.push(out.code);
        if out.code == 0 {
            break;
        }
        assert!(
            runs.len() < 5,
            "still failing after {runs:?}: {}",
            out.stderr
        );
    }
    term.assert_exactly_one_live_per_session();
    let stats = term.sim().stats();
    assert!(stats.drops_after_commit > 0, "{stats:?}");
    assert!(stats.http_502 > 0 && stats.tokens_revoked > 0, "{stats:?}");
    assert!(
        stats.rejected(45009) > 0 && stats.rejected(-1) > 0,
        "{stats:?}"
    );
    assert!(future > 200);

    term.sim().set_faults(Faults::default());
    let out = term.apply(&[]);
    out.assert_code(0);
    out.assert_stderr_contains("nothing to do");
}

/// A create whose reply is lost may have made the live; if the lookup that follows
/// fails too, the next run must look again rather than create blindly.
#[test]
fn a_lost_create_reply_whose_lookup_failed_is_looked_up_next_run() {
    let term = term(
        1,
        SimConfig {
            faults: Faults {
                p_drop_after_commit: 1.0,
                // The anchor's lives are listed before anything is created (one call);
                // every call after the first create is refused for quota: the lookup fails.
                quota_burst: Some(QuotaBurst {
                    after: 2,
                    length: 1_000,
                }),
                ..Faults::default()
            },
            ..SimConfig::default()
        },
    );
    let out = term.apply(&[
        "--concurrency",
        "1",
        "--max-creates",
        "1",
        "--quota-pause",
        "0s",
    ]);
    out.assert_code(4);
    assert_eq!(term.sim().lives().len(), 1, "the lost reply's live exists");

    term.sim().set_faults(Faults::default());
    let out = term.apply(&[]);
    out.assert_code(0);
    term.assert_exactly_one_live_per_session();
}

/// A crashed run left an intent whose live exists; if this run cannot look it up,
/// the next one must still look before creating.
#[test]
fn a_crashed_runs_create_whose_lookup_failed_is_looked_up_next_run() {
    let term = term(1, SimConfig::default());
    let first = term.future().remove(0);
    let client = client_for(term.sim());
    term.block_on(client.create(&first.request()))
        .expect("the crashed run's live");
    let intent = livesched::ledger::Record::new(&first.key, Event::Intent, now())
        .with_action("create")
        .with_request(serde_json::to_value(first.request()).unwrap());
    term.write_ledger(&[intent]);
    term.sim().set_faults(Faults {
        quota_burst: Some(QuotaBurst {
            after: 0,
            length: 1_000,
        }),
        ..Faults::default()
    });
    let out = term.apply(&["--max-creates", "1", "--quota-pause", "0s"]);
    out.assert_code(4);

    term.sim().set_faults(Faults::default());
    let out = term.apply(&["--report", "r.json"]);
    out.assert_code(0);
    assert_eq!(report(&term, "r.json")["adopted"], 1);
    term.assert_exactly_one_live_per_session();
}
