//! `apply` against the simulator over loopback: exactly one live per session whatever
//! fails, is killed or interrupted; the ledger agrees with WeCom; the limiter, the lock,
//! the confirmation, the credentials and the sandbox behave as the README says.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use livesched::ledger::{Event, Ledger, LedgerState};
use livesched::plan::PlannedLive;
use livesched::sim::{Faults, QuotaBurst, SimConfig, SimLive, SimServer, SimStats};
use livesched::wecom::status;
use serde_json::Value;

use crate::support::{Env, Output, TERM, repo, run_with_env, spawn_with_env};

/// "Now" for every run, on the command line and on the simulator clock: the Monday
/// of teaching week 4, at noon, so the term's first three weeks (and that morning) are past.
const NOW: &str = "2027-03-15T12:30:00+08:00";
const SECRET: &str = "sim-secret";

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

fn sim_config() -> SimConfig {
    SimConfig {
        now: Some(now()),
        ..SimConfig::default()
    }
}

/// A term of `classes` classes meeting Monday and Thursday at `8 + i` o'clock, shared
/// among three anchors, so that a lookup has other lives of the same anchor to tell apart.
fn term_yaml(classes: usize) -> String {
    assert!(classes <= 14, "the hours must stay within one day");
    let mut yaml = format!(
        "{TERM}defaults: {{ type: training, duration: 90m, remind: 15m, description: 测试课 }}\nclasses:\n"
    );
    for c in 0..classes {
        yaml.push_str(&format!(
            "  - id: c{c}\n    theme: 课程{c} 第{{n}}讲\n    anchor: t{}\n    weekly: {{ days: [mon, thu], at: \"{:02}:00\" }}\n",
            c % 3,
            8 + c
        ));
    }
    yaml
}

/// A schedule in a temp dir, the simulator it is applied to, and its ledger.
struct Term {
    env: Env,
    file: PathBuf,
    ledger: PathBuf,
    sim: SimServer,
}

impl Term {
    async fn new(classes: usize, config: SimConfig) -> Term {
        let env = Env::new();
        let file = env.write("term.yaml", term_yaml(classes));
        let ledger = env.path("term.ledger.jsonl");
        let sim = livesched::sim::start(config)
            .await
            .expect("simulator starts");
        Term {
            env,
            file,
            ledger,
            sim,
        }
    }

    /// The arguments every apply here shares; `--rate 0` unless the test sets a rate.
    fn args(&self, extra: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = ["apply", "term.yaml", "--yes", "--now", NOW, "--api-base"]
            .map(String::from)
            .into();
        args.push(self.sim.base_url());
        if !extra.contains(&"--rate") {
            args.extend(["--rate".into(), "0".into()]);
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    }

    fn credentials(secret: &str) -> Vec<(String, String)> {
        vec![
            ("WECOM_CORPID".into(), "sim-corp".into()),
            ("WECOM_CORPSECRET".into(), secret.into()),
        ]
    }

    /// Runs `livesched apply` with the simulator's credentials, off the runtime's workers.
    async fn apply(&self, extra: &[&str]) -> Output {
        self.apply_with(extra, Term::credentials(SECRET)).await
    }

    async fn apply_with(&self, extra: &[&str], vars: Vec<(String, String)>) -> Output {
        let dir = self.env.dir.path().to_path_buf();
        let args = self.args(extra);
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let vars: Vec<(&str, &str)> =
                vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            run_with_env(&dir, &args, &vars)
        })
        .await
        .expect("the run finishes")
    }

    /// Starts `livesched apply` as a child, to be signalled.
    fn spawn(&self, extra: &[&str]) -> std::process::Child {
        let args = self.args(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        spawn_with_env(
            self.env.dir.path(),
            &args,
            &[("WECOM_CORPID", "sim-corp"), ("WECOM_CORPSECRET", SECRET)],
        )
    }

    /// The sessions that start after now: the ones apply must create.
    fn future(&self) -> Vec<PlannedLive> {
        let planned = livesched::commands::plan_term(&self.file, false);
        let plan = planned.plan.expect("the test term is valid");
        plan.lives
            .into_iter()
            .filter(|l| l.start.timestamp() >= now())
            .collect()
    }

    fn ledger_state(&self) -> LedgerState {
        LedgerState::read(&self.ledger).expect("the ledger reads")
    }

    /// Every future session has exactly one scheduled live, the ledger names exactly
    /// those lives (key by key), nothing else was made, and no intent is left in doubt.
    fn assert_exactly_one_live_per_session(&self) {
        let future = self.future();
        let lives: Vec<SimLive> = self
            .sim
            .lives()
            .into_iter()
            .filter(|l| l.status != status::CANCELLED)
            .collect();
        let mut per_session: HashMap<(&str, &str, i64, i64), Vec<&SimLive>> = HashMap::new();
        for live in &lives {
            per_session
                .entry((
                    &live.request.anchor_userid,
                    &live.request.theme,
                    live.request.living_start,
                    live.request.living_duration,
                ))
                .or_default()
                .push(live);
        }
        let state = self.ledger_state();
        let mut ledger_ids = BTreeMap::new();
        for session in &future {
            let r = &session.request;
            let found = per_session
                .get(&(
                    r.anchor_userid.as_str(),
                    r.theme.as_str(),
                    r.living_start,
                    r.living_duration,
                ))
                .map_or(0, Vec::len);
            assert_eq!(found, 1, "lives for `{}`", session.key);
            let held = state
                .get(&session.key)
                .unwrap_or_else(|| panic!("`{}` is not in the ledger", session.key));
            assert!(
                held.pending_intent.is_none() && held.last != Event::Cancelled,
                "`{}` ends as {:?}",
                session.key,
                held.last_record
            );
            let id = held.livingid.clone().expect("a livingid");
            let live = lives
                .iter()
                .find(|l| l.livingid == id)
                .unwrap_or_else(|| panic!("`{}`: `{id}` is not a live", session.key));
            assert_eq!(
                (
                    &live.request.anchor_userid,
                    &live.request.theme,
                    live.request.living_start
                ),
                (&r.anchor_userid, &r.theme, r.living_start),
                "`{}` names another session's live",
                session.key
            );
            ledger_ids.insert(session.key.clone(), id);
        }
        let sim_ids: BTreeSet<&str> = lives.iter().map(|l| l.livingid.as_str()).collect();
        let held_ids: BTreeSet<&str> = ledger_ids.values().map(String::as_str).collect();
        assert_eq!(held_ids.len(), future.len(), "one livingid per session");
        assert_eq!(held_ids, sim_ids, "the ledger's lives are WeCom's lives");
        assert_eq!(self.sim.stats().duplicates, 0);
        assert_eq!(state.pending_intents().count(), 0);
    }
}

fn total_calls(stats: &SimStats) -> u64 {
    stats.calls.values().sum()
}

fn report(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("a report")).expect("JSON")
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_creates_one_live_per_future_session_and_records_each() {
    let term = Term::new(2, sim_config()).await;
    let out = term.apply(&["--report", "report.json"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    term.assert_exactly_one_live_per_session();

    let future = term.future().len();
    let all = livesched::commands::plan_term(&term.file, false)
        .plan
        .unwrap()
        .lives
        .len();
    assert!(future > 50 && all > future, "{future} of {all}");
    let report = report(&term.env.path("report.json"));
    assert_eq!(report["created"], future, "{report}");
    assert_eq!(report["past"], all - future, "{report}");
    for zero in ["adopted", "modified", "cancelled", "unchanged", "deferred"] {
        assert_eq!(report[zero], 0, "{zero}: {report}");
    }
    assert_eq!(report["failed"], serde_json::json!([]));
    assert_eq!(report["interrupted"], false);
    assert!(report.get("fatal").is_none(), "{report}");
    assert_eq!(
        term.sim.stats().calls_to("living/create"),
        future as u64,
        "no call was repeated without faults"
    );
    assert!(
        out.stdout.is_empty(),
        "stdout carries only data: {}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_apply_of_an_applied_term_calls_nothing_and_says_so() {
    let term = Term::new(2, sim_config()).await;
    assert_eq!(term.apply(&[]).await.code, 0);
    let before = term.sim.stats();

    let out = term.apply(&["--report", "again.json"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("nothing to do"), "{}", out.stderr);
    assert_eq!(term.sim.stats().calls, before.calls, "no API call at all");
    let report = report(&term.env.path("again.json"));
    assert_eq!(report["created"], 0);
    assert_eq!(report["unchanged"], term.future().len());
    term.assert_exactly_one_live_per_session();
}

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

#[tokio::test(flavor = "multi_thread")]
async fn under_faults_every_session_ends_with_exactly_one_live() {
    // Enough sessions that every kind of fault surely strikes (3% of 230 creates drop).
    let term = Term::new(
        8,
        SimConfig {
            faults: faulty(),
            ..sim_config()
        },
    )
    .await;
    let future = term.future().len();
    // Retries may run out for a few sessions (exit 4); each later run finishes some.
    let mut runs = Vec::new();
    loop {
        let out = term
            .apply(&[
                "--concurrency",
                "8",
                "--quota-pause",
                "1s",
                "--report",
                "r.json",
            ])
            .await;
        let report = report(&term.env.path("r.json"));
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
    let stats = term.sim.stats();
    assert!(stats.drops_after_commit > 0, "{stats:?}");
    assert!(stats.http_502 > 0 && stats.tokens_revoked > 0, "{stats:?}");
    assert!(
        stats.rejected(45009) > 0 && stats.rejected(-1) > 0,
        "{stats:?}"
    );
    assert!(future > 200);

    term.sim.set_faults(Faults::default());
    let out = term.apply(&[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("nothing to do"), "{}", out.stderr);
}

/// A create whose reply is lost may have made the live; if the lookup that follows
/// fails too, the next run must look again rather than create blindly.
#[tokio::test(flavor = "multi_thread")]
async fn a_lost_create_reply_whose_lookup_failed_is_looked_up_next_run() {
    let term = Term::new(
        1,
        SimConfig {
            faults: Faults {
                p_drop_after_commit: 1.0,
                // Every call after the first create is refused for quota: the lookup fails.
                quota_burst: Some(QuotaBurst {
                    after: 1,
                    length: 1_000,
                }),
                ..Faults::default()
            },
            ..sim_config()
        },
    )
    .await;
    let out = term
        .apply(&[
            "--concurrency",
            "1",
            "--max-creates",
            "1",
            "--quota-pause",
            "0s",
        ])
        .await;
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(term.sim.lives().len(), 1, "the lost reply's live exists");

    term.sim.set_faults(Faults::default());
    let out = term.apply(&[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    term.assert_exactly_one_live_per_session();
}

/// A crashed run left an intent whose live exists; if this run cannot look it up,
/// the next one must still look before creating.
#[tokio::test(flavor = "multi_thread")]
async fn a_crashed_runs_create_whose_lookup_failed_is_looked_up_next_run() {
    let term = Term::new(1, sim_config()).await;
    let first = term.future().remove(0);
    let client = livesched::wecom::Client::new(livesched::wecom::ClientConfig {
        api_base: term.sim.base_url(),
        ..livesched::wecom::ClientConfig::new("sim-corp", SECRET)
    })
    .unwrap();
    client
        .create(&first.request)
        .await
        .expect("the crashed run's live");
    let intent = livesched::ledger::Record::new(&first.key, Event::Intent, now())
        .with_action("create")
        .with_request(serde_json::to_value(&first.request).unwrap());
    std::fs::write(&term.ledger, serde_json::to_string(&intent).unwrap() + "\n").unwrap();
    term.sim.set_faults(Faults {
        quota_burst: Some(QuotaBurst {
            after: 0,
            length: 1_000,
        }),
        ..Faults::default()
    });
    let out = term
        .apply(&["--max-creates", "1", "--quota-pause", "0s"])
        .await;
    assert_eq!(out.code, 4, "{}", out.stderr);

    term.sim.set_faults(Faults::default());
    let out = term.apply(&["--report", "r.json"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(report(&term.env.path("r.json"))["adopted"], 1);
    term.assert_exactly_one_live_per_session();
}

/// Waits until `condition` holds or the child has exited; true if it held.
async fn until(child: &mut std::process::Child, mut condition: impl FnMut() -> bool) -> bool {
    loop {
        if condition() {
            return true;
        }
        if child.try_wait().expect("child status").is_some() {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_at_any_moment_apply_neither_loses_nor_duplicates_a_live() {
    let term = Term::new(
        6,
        SimConfig {
            faults: Faults {
                p_drop_after_commit: 0.05,
                latency: Duration::from_millis(3),
                jitter: Duration::from_millis(6),
                seed: 9,
                ..Faults::default()
            },
            ..sim_config()
        },
    )
    .await;
    // Each run is killed after the simulator has seen this many more business calls: at
    // its first calls (recovering what the last kill left), and further in.
    let kill_after = [1, 3, 8, 21, 2, 34, 55, 5, 40, 13, 60, 1];
    let mut killed = 0;
    for calls in kill_after {
        let business = |s: &SimStats| total_calls(s) - s.calls_to("gettoken");
        let start = business(&term.sim.stats());
        let mut child = term.spawn(&["--concurrency", "8"]);
        let reached = until(&mut child, || business(&term.sim.stats()) >= start + calls).await;
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

    let out = term.apply(&[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    term.assert_exactly_one_live_per_session();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_limiter_keeps_the_peak_within_rate_plus_burst() {
    // 600 calls a minute: a burst of 10 (gate.rs `burst_for`), then one each 100 ms.
    const PER_SECOND: u64 = 10;
    const BURST: u64 = 10;
    const CONCURRENCY: u64 = 2;
    let term = Term::new(3, sim_config()).await;
    let out = term
        .apply(&["--rate", "600", "--concurrency", "2", "--report", "r.json"])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stats = term.sim.stats();
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
    let elapsed = report(&term.env.path("r.json"))["elapsed_seconds"]
        .as_f64()
        .unwrap();
    let least = (creates - BURST - 1) as f64 / PER_SECOND as f64;
    assert!(elapsed >= least, "{creates} calls in {elapsed:.2} s");
    term.assert_exactly_one_live_per_session();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_ledger_fails_at_once_and_calls_nothing() {
    let term = Term::new(1, sim_config()).await;
    let held = Ledger::open(&term.ledger).expect("the test takes the lock");
    let out = term.apply(&[]).await;
    drop(held);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("is locked"), "{}", out.stderr);
    assert!(
        out.stderr.contains("another `livesched apply`"),
        "{}",
        out.stderr
    );
    assert_eq!(total_calls(&term.sim.stats()), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_torn_last_line_is_repaired_and_the_run_goes_on() {
    let term = Term::new(1, sim_config()).await;
    assert_eq!(term.apply(&[]).await.code, 0);
    let mut text = std::fs::read_to_string(&term.ledger).unwrap();
    let lines = text.lines().count();
    text.push_str(r#"{"key":"c0/2027-06-2"#);
    std::fs::write(&term.ledger, &text).unwrap();

    let out = term.apply(&[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("repaired"), "{}", out.stderr);
    assert!(out.stderr.contains("nothing to do"), "{}", out.stderr);
    let after = std::fs::read_to_string(&term.ledger).unwrap();
    assert!(after.ends_with('\n'));
    assert_eq!(after.lines().count(), lines);
    term.assert_exactly_one_live_per_session();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_middle_line_stops_apply_naming_the_line_before_any_call() {
    let term = Term::new(1, sim_config()).await;
    let good =
        r#"{"key":"c0/2027-03-18","event":"intent","action":"create","at":"2027-03-15T04:00:00Z"}"#;
    std::fs::write(
        &term.ledger,
        format!("{good}\n{{\"key\": not json}}\n{good}\n"),
    )
    .unwrap();
    let out = term.apply(&[]).await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("line 2 of"), "{}", out.stderr);
    assert_eq!(total_calls(&term.sim.stats()), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_records_the_calls_in_flight_exits_130_and_the_next_run_finishes() {
    let term = Term::new(
        4,
        SimConfig {
            faults: Faults {
                p_drop_after_commit: 0.05,
                ..Faults::default()
            },
            ..sim_config()
        },
    )
    .await;
    // Calls wait at the simulator until released: some are surely in flight at the signal.
    term.sim.hold();
    let mut child = term.spawn(&["--concurrency", "8"]);
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
    assert!(until(&mut child, || term.sim.stats().in_flight > 0).await);
    let pid = child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let mut seen = Vec::new();
    let heard = tokio::task::spawn_blocking(move || {
        for line in lines.iter() {
            let heard = line.starts_with("interrupted");
            seen.push(line);
            if heard {
                return (lines, seen);
            }
        }
        panic!("the run ended without noticing Ctrl-C: {seen:#?}")
    });
    let (lines, mut seen) = heard.await.unwrap();
    term.sim.release();
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    seen.extend(lines.iter());
    let stderr = seen.join("\n");
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("run again to finish"), "{stderr}");
    let state = term.ledger_state();
    assert_eq!(
        state.pending_intents().count(),
        0,
        "every call in flight got its result recorded"
    );
    assert!(state.len() < term.future().len(), "the run stopped early");

    let out = term.apply(&[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    term.assert_exactly_one_live_per_session();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_permanent_error_fails_that_live_and_the_batch_goes_on() {
    // Anchor t2 (class c2) does not exist: WeCom answers 40003 for each of its lives.
    let term = Term::new(
        3,
        SimConfig {
            users: Some(vec!["t0".into(), "t1".into()]),
            ..sim_config()
        },
    )
    .await;
    let out = term.apply(&["--report", "r.json"]).await;
    assert_eq!(out.code, 4, "{}", out.stderr);
    let report = report(&term.env.path("r.json"));
    let failed = report["failed"].as_array().unwrap();
    let bad: Vec<PlannedLive> = term
        .future()
        .into_iter()
        .filter(|l| l.class == "c2")
        .collect();
    assert_eq!(failed.len(), bad.len(), "{report}");
    for f in failed {
        assert_eq!(f["errcode"], 40003, "{f}");
        assert_eq!(f["action"], "create", "{f}");
        assert!(f["key"].as_str().unwrap().starts_with("c2/"), "{f}");
    }
    assert_eq!(report["created"], term.future().len() - bad.len());
    assert!(out.stderr.contains("40003"), "{}", out.stderr);
    let lives = term.sim.lives();
    assert!(lives.iter().all(|l| l.request.anchor_userid != "t2"));
    assert_eq!(lives.len(), term.future().len() - bad.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn without_yes_and_without_a_terminal_apply_refuses_and_calls_nothing() {
    let term = Term::new(1, sim_config()).await;
    let args: Vec<String> = term
        .args(&[])
        .into_iter()
        .filter(|a| a != "--yes")
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_with_env(
        term.env.dir.path(),
        &args,
        &[("WECOM_CORPID", "sim-corp"), ("WECOM_CORPSECRET", SECRET)],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("pass `--yes`"), "{}", out.stderr);
    assert_eq!(total_calls(&term.sim.stats()), 0);
    assert!(!term.ledger.exists() || term.ledger_state().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_credentials_are_an_error_that_names_wecom_corpid() {
    let term = Term::new(1, sim_config()).await;
    let out = term.apply_with(&[], Vec::new()).await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("help:"), "{}", out.stderr);
    assert!(out.stderr.contains("WECOM_CORPID"), "{}", out.stderr);
    assert_eq!(total_calls(&term.sim.stats()), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_secret_is_fatal_after_exactly_one_gettoken() {
    let term = Term::new(2, sim_config()).await;
    let out = term
        .apply_with(&["--concurrency", "8"], Term::credentials("not-the-secret"))
        .await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    let stats = term.sim.stats();
    assert_eq!(stats.calls_to("gettoken"), 1, "{stats:?}");
    assert_eq!(total_calls(&stats), 1, "no business call: {stats:?}");
    assert!(term.sim.lives().is_empty());
    assert!(out.stderr.contains("stopped"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_applies_the_example_term_once_then_has_nothing_to_do() {
    let env = Env::new();
    std::fs::copy(
        repo().join("schedules/spring-2027.yaml"),
        env.path("spring-2027.yaml"),
    )
    .unwrap();
    copy_dir(&repo().join("schedules/images"), &env.path("images"));
    let args = [
        "apply",
        "spring-2027.yaml",
        "--sandbox",
        "--now",
        "2027-01-04T09:00:00+08:00",
        "--report",
        "r.json",
    ];
    let first = run_with_env(env.dir.path(), &args, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(report(&env.path("r.json"))["created"], 294);

    let second = run_with_env(env.dir.path(), &args, &[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(second.stderr.contains("nothing to do"), "{}", second.stderr);
    assert_eq!(report(&env.path("r.json"))["unchanged"], 294);

    let ledger = env.path(".livesched-sandbox/spring-2027.ledger.jsonl");
    assert_eq!(LedgerState::read(&ledger).unwrap().len(), 294);
    assert!(!env.path("spring-2027.ledger.jsonl").exists());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_or_token_appears_in_apply_output() {
    const SECRET_HERE: &str = "S3cret-that-must-not-leak";
    let term = Term::new(
        2,
        SimConfig {
            secret: SECRET_HERE.into(),
            users: Some(vec!["t0".into()]),
            faults: Faults {
                revoke_token_every: Some(3),
                p_drop_after_commit: 0.1,
                ..Faults::default()
            },
            ..sim_config()
        },
    )
    .await;
    let good = term
        .apply_with(&["--report", "r.json"], Term::credentials(SECRET_HERE))
        .await;
    assert_eq!(good.code, 4, "t1 does not exist: {}", good.stderr);
    let wrong_secret = format!("{SECRET_HERE}-wrong");
    let wrong = term.apply_with(&[], Term::credentials(&wrong_secret)).await;
    assert_eq!(wrong.code, 1, "{}", wrong.stderr);
    let tokens = term.sim.issued_tokens();
    assert!(tokens.len() > 3, "{tokens:?}");
    let texts = [
        good.stdout,
        good.stderr,
        wrong.stdout,
        wrong.stderr,
        std::fs::read_to_string(term.env.path("r.json")).unwrap(),
        std::fs::read_to_string(&term.ledger).unwrap(),
    ];
    for text in &texts {
        assert!(!text.contains(SECRET_HERE), "secret leaked in:\n{text}");
        for token in &tokens {
            assert!(!text.contains(token.as_str()), "token leaked in:\n{text}");
        }
    }
}
