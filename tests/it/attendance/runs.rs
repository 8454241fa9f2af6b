//! `attendance` against the simulator: a term applied, the clock moved past half of
//! it, and every number checked against the simulator's own record; later runs read
//! only what ended since; faults change nothing; Ctrl-C keeps what was read.

use livesched::sim::{Faults, QuotaBurst, SimStats};

use super::term::{HALF, LATER, Truth, applied, assert_matches, at, config, truth};
use crate::support::{Test, eventually};

const INFO: &str = "living/get_living_info";
const WATCH: &str = "living/get_watch_stat";

fn attendance(t: &Test, now: &str, extra: &[&str]) -> crate::support::Output {
    let mut args = vec!["attendance", "t.yaml", "--rate", "0"];
    args.extend(extra);
    t.run_at(now, &args)
}

/// Pages `get_watch_stat` gives for a live with `viewers` viewers, three a page: full
/// pages, then one that is not full (perhaps empty) and says `ending`.
fn pages(viewers: usize) -> u64 {
    (viewers / 3 + 1) as u64
}

fn pages_of(truth: &[Truth]) -> u64 {
    truth
        .iter()
        .filter(|s| s.status == 2)
        .map(|s| pages(s.viewers.len() + s.outsiders.len()))
        .sum()
}

fn delta(before: &SimStats, after: &SimStats, api: &str) -> u64 {
    after.ok_from(api) - before.ok_from(api)
}

#[test]
fn every_number_is_the_simulators_own_and_later_runs_read_only_what_ended_since() {
    let t = applied(config());
    // A live a person cancels in WeCom is not held either.
    let cancelled = t
        .ledger()
        .get("ml/2027-03-03")
        .unwrap()
        .livingid()
        .unwrap()
        .to_string();
    assert!(t.sim().cancel_live(&cancelled));

    let before = t.sim().stats();
    let out = attendance(&t, HALF, &["--format", "json"]);
    out.assert_code(0);
    let doc = out.json();
    let seen = truth(&t, HALF);
    assert_eq!(seen.len(), 20, "four weeks of three classes");
    assert!(seen.iter().any(|s| s.status == 3), "some live expired");
    assert!(seen.iter().any(|s| s.status == 4), "one was cancelled");
    assert_matches(&doc, &seen);
    // Each live read once, and each page of its statistics once.
    let after = t.sim().stats();
    assert_eq!(delta(&before, &after, INFO), 20);
    assert_eq!(delta(&before, &after, WATCH), pages_of(&seen));
    assert!(pages_of(&seen) > seen.iter().filter(|s| s.status == 2).count() as u64);

    // The learner who never watched, the cancelled and expired sessions, the outsiders.
    let ml = &doc["classes"][0];
    let ghost = &ml["learners"][4];
    assert_eq!(
        (ghost["userid"].as_str(), ghost["attended"].as_u64()),
        (Some("ghost"), Some(0))
    );
    assert_eq!(ghost["completion"], 0.0);
    assert_eq!(ghost["watch_seconds"], 0);
    let session = |key: &str| {
        doc["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .unwrap()
            .clone()
    };
    assert_eq!(session("ml/2027-03-03")["state"], "cancelled");
    assert_eq!(session("ml/2027-03-03")["held"], false);
    let guests: Vec<&str> = doc["classes"][2]["off_roster"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["userid"].as_str().unwrap())
        .collect();
    assert!(
        guests.contains(&"guest1") || guests.contains(&"guest2"),
        "{guests:?}"
    );
    let readings = t.read("t.attendance.jsonl");
    assert_eq!(readings.lines().count(), 20, "kept beside the ledger");

    // Nothing new has ended: the lives that ended in the last 7 days are read again
    // (replays add watch time), and nothing else.
    let before = t.sim().stats();
    let again = attendance(&t, HALF, &["--format", "json"]);
    again.assert_code(0);
    let recent: Vec<&Truth> = seen
        .iter()
        .filter(|s| {
            s.status == 2
                && at(HALF).as_second() - (s.living_start + s.living_duration) < 7 * 86_400
        })
        .collect();
    assert!(!recent.is_empty());
    let after = t.sim().stats();
    assert_eq!(delta(&before, &after, INFO), recent.len() as u64);
    assert_matches(&again.json(), &truth(&t, HALF));

    // Two weeks on: the lives that ended since, and the last week's again.
    let before = t.sim().stats();
    let later = attendance(&t, LATER, &["--format", "json"]);
    later.assert_code(0);
    let now_seen = truth(&t, LATER);
    let since: Vec<&Truth> = now_seen
        .iter()
        .filter(|s| !seen.iter().any(|old| old.key == s.key))
        .collect();
    let ended_lately_before_half = |s: &&Truth| {
        s.status == 2 && at(HALF).as_second() - (s.living_start + s.living_duration) < 7 * 86_400
    };
    // Read again: those whose last reading (at HALF) came less than 7 days after their end.
    let reread: Vec<&Truth> = now_seen
        .iter()
        .filter(|s| seen.iter().any(|old| old.key == s.key))
        .filter(ended_lately_before_half)
        .collect();
    assert!(!since.is_empty() && !reread.is_empty());
    let after = t.sim().stats();
    assert_eq!(
        delta(&before, &after, INFO),
        (since.len() + reread.len()) as u64
    );
    let read: Vec<Truth> = since.iter().chain(&reread).map(|s| (*s).clone()).collect();
    assert_eq!(delta(&before, &after, WATCH), pages_of(&read));
    // Every live is now read at least 7 days after its end, or since its latest replay.
    assert_matches(&later.json(), &now_seen);
}

#[test]
fn faults_on_every_call_give_the_same_numbers_and_read_nothing_twice() {
    let t = applied(config());
    let clean = applied(config());
    t.sim().set_faults(Faults {
        p_http_502: 0.15,
        p_errcode_busy: 0.05,
        revoke_token_every: Some(4),
        quota_burst: Some(QuotaBurst {
            after: 6,
            length: 3,
        }),
        seed: 21,
        ..Faults::default()
    });
    let before = t.sim().stats();
    // One call at a time: the faults fall on the same calls in every run.
    let out = attendance(
        &t,
        HALF,
        &[
            "--format",
            "json",
            "--concurrency",
            "1",
            "--quota-pause",
            "1s",
        ],
    );
    out.assert_code(0);
    let after = t.sim().stats();
    assert!(after.http_502 > before.http_502, "502s were answered");
    assert!(
        after.rejected(-1) > before.rejected(-1),
        "busy was answered"
    );
    assert!(
        after.rejected(45009) > before.rejected(45009),
        "the quota ran out"
    );
    assert!(
        after.tokens_revoked > before.tokens_revoked,
        "tokens expired"
    );
    let seen = truth(&t, HALF);
    assert_matches(&out.json(), &seen);
    assert_eq!(delta(&before, &after, INFO), 20, "each live read once");
    assert_eq!(
        delta(&before, &after, WATCH),
        pages_of(&seen),
        "each page once"
    );
    // The same numbers as without faults.
    let calm = attendance(&clean, HALF, &["--format", "json"]);
    let strip = |mut doc: serde_json::Value| {
        for s in doc["sessions"].as_array_mut().unwrap() {
            s.as_object_mut().unwrap().remove("livingid");
        }
        doc
    };
    assert_eq!(strip(out.json())["classes"], strip(calm.json())["classes"]);
    assert_eq!(
        strip(out.json())["learners"],
        strip(calm.json())["learners"]
    );
}

#[test]
fn ctrl_c_keeps_what_was_read_and_the_next_run_reads_the_rest() {
    let t = applied(config());
    t.sim().set_now(at(HALF));
    // The run gets half the calls it needs, then waits at the simulator for its next:
    // it is stopped part-way however fast or slow it runs, and the Ctrl-C cannot race
    // it. A read is the live's details, then its pages of watch statistics.
    let seen = truth(&t, HALF);
    let needs = seen.len() as u64 + pages_of(&seen);
    let let_through = needs / 2;
    let business = |s: &SimStats| s.calls.values().sum::<u64>() - s.calls_to("gettoken");
    let start = business(&t.sim().stats());
    t.sim().hold_after(start + let_through);
    let mut child = t
        .command_at(
            Some(HALF),
            &["attendance", "t.yaml", "--rate", "0", "--concurrency", "1"],
        )
        .spawn();
    let store = t.path("t.attendance.jsonl");
    let lines = || std::fs::read_to_string(&store).map_or(0, |s| s.lines().count());
    eventually(
        "three lives read and the run waiting at the simulator",
        || {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the run ended before Ctrl-C"
            );
            business(&t.sim().stats()) > start + let_through && lines() >= 3
        },
    );
    let read = lines();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("run again to read the rest"), "{stderr}");
    // The held read was dropped unanswered, not left to be counted below.
    eventually("the interrupted run's calls ended at the simulator", || {
        t.sim().stats().in_flight == 0
    });
    t.sim().release();
    // What was read is kept; the read waiting at the simulator was not finished.
    let kept = lines();
    assert!((read..20).contains(&kept), "{read} read, {kept} kept");

    t.sim().set_faults(Faults::default());
    let before = t.sim().stats();
    let rest = attendance(&t, HALF, &["--format", "json", "--reread-days", "0"]);
    rest.assert_code(0);
    let after = t.sim().stats();
    assert_eq!(
        delta(&before, &after, INFO),
        20 - kept as u64,
        "only the rest"
    );
    assert_matches(&rest.json(), &truth(&t, HALF));
}
