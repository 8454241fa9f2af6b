//! A run killed or interrupted at any moment: the next run finishes without a lost or a
//! second live.

use std::io::BufRead;
use std::time::Duration;

use livesched::sim::{Faults, SimConfig, SimStats};

use super::term::{Term, term, total_calls};

/// Waits until `condition` holds or the child has exited; true if it held.
fn until(child: &mut std::process::Child, mut condition: impl FnMut() -> bool) -> bool {
    loop {
        if condition() {
            return true;
        }
        if child.try_wait().expect("child status").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn killed_at_any_moment_apply_neither_loses_nor_duplicates_a_live() {
    let term = term(
        6,
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
    // its first calls (recovering what the last kill left), and further in.
    let kill_after = [1, 3, 8, 21, 2, 34, 55, 5, 40, 13, 60, 1];
    let mut killed = 0;
    for calls in kill_after {
        let business = |s: &SimStats| total_calls(s) - s.calls_to("gettoken");
        let start = business(&term.sim().stats());
        let mut child = term.apply_command(&["--concurrency", "8"]).spawn();
        let reached = until(&mut child, || {
            business(&term.sim().stats()) >= start + calls
        });
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("reaped");
        if reached {
            killed += 1;
        } else {
            assert_eq!(status.code(), Some(0), "the run ended on its own");
            break;
        }
    }
    assert!(killed >= 10, "killed only {killed} times");

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
    term.sim().hold();
    let mut child = term.apply_command(&["--concurrency", "8"]).spawn();
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
    assert!(until(&mut child, || term.sim().stats().in_flight > 0));
    let pid = child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let mut seen = Vec::new();
    loop {
        let Ok(line) = lines.recv() else {
            panic!("the run ended without noticing Ctrl-C: {seen:#?}")
        };
        let heard = line.starts_with("interrupted");
        seen.push(line);
        if heard {
            break;
        }
    }
    term.sim().release();
    let status = child.wait().unwrap();
    seen.extend(lines.iter());
    let stderr = seen.join("\n");
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("run again to finish"), "{stderr}");
    let state = term.ledger();
    assert_eq!(
        state.pending_intents().count(),
        0,
        "every call in flight got its result recorded"
    );
    assert!(state.len() < term.future().len(), "the run stopped early");

    let out = term.apply(&[]);
    out.assert_code(0);
    term.assert_exactly_one_live_per_session();
}
