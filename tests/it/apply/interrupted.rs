//! A run killed or interrupted at any moment: the next run finishes without a lost or a
//! second live.

use std::io::BufRead;
use std::time::{Duration, Instant};

use livesched::sim::{Faults, SimConfig};

use super::term::{Term, term, total_calls};
use crate::support::{PATIENCE, eventually};

/// Waits until `condition` holds or the child has exited; true if it held. Kills the
/// child and fails, naming `what`, if neither happens within [`PATIENCE`].
fn until(child: &mut std::process::Child, what: &str, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if condition() {
            return true;
        }
        if child.try_wait().expect("child status").is_some() {
            return false;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the run did not reach {what} within {PATIENCE:?}");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn killed_at_any_moment_apply_neither_loses_nor_duplicates_a_live() {
    // Seven classes, about 200 sessions: more work than the kills below let through even
    // when no kill lands while a call is in flight (the least work a kill can waste).
    let term = term(
        7,
        SimConfig {
            faults: Faults {
                p_drop_after_commit: 0.05,
                latency: Duration::from_millis(3),
                jitter: Duration::from_millis(6),
                seed: 9,
                ..Faults::default()
            },
            ..SimConfig::default()
        },
    );
    // Each run is killed after the simulator has seen this many more business calls: at
    // its first calls (recovering what the last kill left), and further in. The calls
    // before the kill may still be in flight; the simulator holds any after them, so a
    // run makes no more progress however long the kill takes to come, and drops them
    // unacted when the kill closes their connections.
    let kill_after = [1, 3, 8, 21, 2, 34, 55, 5, 40, 13, 60, 1];
    let mut killed = 0;
    for calls in kill_after {
        let start = business(&term);
        term.sim().hold_after(start + calls);
        let mut child = term.apply_command(&["--concurrency", "8"]).spawn();
        let reached = until(&mut child, &format!("{calls} more business calls"), || {
            business(&term) >= start + calls
        });
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("reaped");
        // Nothing the killed run sent is left to act later, behind the next run's back.
        eventually("the killed run's calls ended at the simulator", || {
            term.sim().stats().in_flight == 0
        });
        if reached {
            killed += 1;
        } else {
            assert_eq!(status.code(), Some(0), "the run ended on its own");
            break;
        }
    }
    assert!(killed >= 10, "killed only {killed} times");

    term.sim().release();
    let out = term.apply(&[]);
    out.assert_code(0);
    term.assert_exactly_one_live_per_session();
}

#[test]
fn ctrl_c_records_the_calls_in_flight_exits_130_and_the_next_run_finishes() {
    let term = term(
        4,
        SimConfig {
            faults: Faults {
                p_drop_after_commit: 0.05,
                ..Faults::default()
            },
            ..SimConfig::default()
        },
    );
    // Calls wait at the simulator until released: some are surely in flight at the signal.
    term.sim().hold_only("living/create");
    let mut child = term.apply_command(&["--concurrency", "8"]).spawn();
    let lines = stderr_lines(&mut child);
    // Creates counted are held creates: the lookups before them were let through.
    assert!(until(&mut child, "a create", || {
        term.sim().stats().calls_to("living/create") > 0
    }));
    signal(&child, "-INT");
    let mut seen = heard(&lines);
    term.sim().release();
    let status = child.wait().unwrap();
    seen.extend(lines.iter());
    let stderr = seen.join("\n");
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("run again to finish"), "{stderr}");
    // Every call in flight got its result recorded, or (a reply lost, its lookup
    // stopped) left its session in doubt for the next run to look up. Tasks stopped
    // before their call was sent keep their intent too, and made no live.
    let state = term.ledger();
    let recorded: std::collections::HashSet<String> = state
        .iter()
        .filter_map(|k| k.livingid().map(str::to_string))
        .collect();
    let made = term.sim().lives();
    assert!(!made.is_empty(), "some calls were in flight");
    let unrecorded = made
        .iter()
        .filter(|l| !recorded.contains(&l.livingid))
        .count();
    assert!(
        unrecorded <= state.pending_intents().count(),
        "a live WeCom made is recorded, or its session is in doubt"
    );
    assert!(state.len() < term.future().len(), "the run stopped early");

    let out = term.apply(&[]);
    out.assert_code(0);
    term.assert_exactly_one_live_per_session();
}

/// Lines of the child's stderr, as they come.
fn stderr_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    let stderr = child.stderr.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    lines
}

fn signal(child: &std::process::Child, name: &str) {
    let sent = std::process::Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Waits for the line saying the run heard the signal; the lines before it.
fn heard(lines: &std::sync::mpsc::Receiver<String>) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        let line = match lines.recv_timeout(PATIENCE) {
            Ok(line) => line,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                panic!("the run did not notice the signal within {PATIENCE:?}: {seen:#?}")
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                panic!("the run ended without noticing the signal: {seen:#?}")
            }
        };
        let heard = line.starts_with("interrupted");
        seen.push(line);
        if heard {
            return seen;
        }
    }
}

/// Business calls the simulator has seen (the token fetch aside).
fn business(term: &crate::support::Test) -> u64 {
    let stats = term.sim().stats();
    total_calls(&stats) - stats.calls_to("gettoken")
}

/// After the first Ctrl-C no call of any kind leaves: the two calls held in
/// flight at the signal are the only ones WeCom ever sees, though more tasks
/// were waiting for the gate when they were let go.
#[test]
fn after_ctrl_c_no_new_call_leaves() {
    let term = term(4, SimConfig::default());
    term.sim().hold();
    let mut child = term.apply_command(&["--concurrency", "1"]).spawn();
    let lines = stderr_lines(&mut child);
    // A business call, held: the token fetch, in flight before it, is never held.
    assert!(until(&mut child, "a business call", || business(&term) > 0));
    signal(&child, "-INT");
    heard(&lines);
    term.sim().release();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    // `--concurrency 1` lets at most one call through the gate at a time.
    assert_eq!(business(&term), 1, "{:?}", term.sim().stats());
    term.apply(&[]).assert_code(0);
    term.assert_exactly_one_live_per_session();
}

/// Against a server that never answers, one Ctrl-C (or SIGTERM) ends the run
/// within the grace; a second signal ends it at once.
#[test]
fn a_run_stuck_on_a_silent_server_ends_within_the_grace() {
    for (signals, limit) in [
        (&["-INT"][..], Duration::from_secs(30)),
        (&["-TERM"], Duration::from_secs(30)),
        (&["-TERM", "-INT"], Duration::from_secs(4)),
    ] {
        let term = term(4, SimConfig::default());
        term.sim().hold();
        let mut child = term.apply_command(&["--concurrency", "2"]).spawn();
        let lines = stderr_lines(&mut child);
        // Stuck on a held business call, not passing through the token fetch.
        assert!(until(&mut child, "a business call", || business(&term) > 0));
        let started = std::time::Instant::now();
        signal(&child, signals[0]);
        heard(&lines);
        for s in &signals[1..] {
            signal(&child, s);
        }
        let status = child.wait().unwrap();
        // The grace is 5 s; the limits are wide, as the machine may be loaded.
        let took = started.elapsed();
        assert_eq!(status.code(), Some(130), "{signals:?}");
        assert!(took < limit, "{signals:?} took {took:?}");
        term.sim().release();
        term.apply(&[]).assert_code(0);
        term.assert_exactly_one_live_per_session();
    }
}
