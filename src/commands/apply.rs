//! `livesched apply`: plan, confirm, carry the changes out, record every step.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::apply::{Executor, Gate, MediaCache, Progress, Recovery, Summary, Task};
use crate::config::{ApplyJob, Credentials};
use crate::diagnostics;
use crate::exit_codes::ExitCode;
use crate::ledger::{Event, Ledger, LedgerWriter, ledger_path_for};
use crate::plan::changes::{self, Action};
use crate::sim::{self, SimConfig};
use crate::wecom::{Client, ClientConfig, Secret};

/// Where `--sandbox` keeps its ledger and the simulator's state, beside the schedule.
pub const SANDBOX_DIR: &str = ".livesched-sandbox";

struct Places {
    ledger: PathBuf,
    sim_state: Option<PathBuf>,
}

fn places(job: &ApplyJob) -> Places {
    if !job.sandbox {
        return Places {
            ledger: job
                .ledger
                .clone()
                .unwrap_or_else(|| ledger_path_for(&job.file)),
            sim_state: None,
        };
    }
    let dir = job
        .file
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join(SANDBOX_DIR);
    let name = job
        .file
        .file_name()
        .map_or_else(|| "schedule".into(), |n| n.to_os_string());
    let in_dir = dir.join(name);
    Places {
        ledger: job
            .ledger
            .clone()
            .unwrap_or_else(|| ledger_path_for(&in_dir)),
        sim_state: Some(in_dir.with_extension("sim.json")),
    }
}

fn fail(err: impl miette::Diagnostic + Send + Sync + 'static) -> ExitCode {
    eprintln!("{:?}", miette::Report::new(err));
    ExitCode::ERROR
}

pub fn run(job: &ApplyJob) -> ExitCode {
    let planned = super::plan_term(&job.file, job.strict);
    let color = diagnostics::use_color();
    eprint!(
        "{}",
        diagnostics::render(&planned.problems, &planned.sources, color)
    );
    let Some(plan) = planned.plan else {
        eprintln!(
            "`{}`: invalid ({}); nothing was sent",
            job.file.display(),
            diagnostics::tally(&planned.problems)
        );
        return ExitCode::INVALID_INPUT;
    };
    let places = places(job);
    if let Some(dir) = places.ledger.parent().filter(|d| !d.as_os_str().is_empty())
        && let Err(err) = std::fs::create_dir_all(dir)
    {
        eprintln!("error: failed to create `{}`: {err}", dir.display());
        return ExitCode::ERROR;
    }
    let ledger = match Ledger::open(&places.ledger) {
        Ok(l) => l,
        Err(err) => return fail(err),
    };
    if let Some(repair) = ledger.repair() {
        eprintln!("note: repaired `{}`: {repair:?}", places.ledger.display());
    }
    let all = changes::changes(&plan, ledger.state(), job.now);
    let mut summary = Summary::default();
    let (mut first, mut then) = (Vec::new(), Vec::new());
    let lives: std::collections::HashMap<&str, &crate::plan::PlannedLive> =
        plan.lives.iter().map(|l| (l.key.as_str(), l)).collect();
    let mut creates = 0usize;
    for change in &all {
        let held = ledger.state().get(&change.key);
        match change.action {
            Action::Unchanged => summary.unchanged += 1,
            Action::Past => summary.past += 1,
            Action::Create => {
                if job.max_creates.is_some_and(|max| creates >= max) {
                    summary.deferred += 1;
                    continue;
                }
                creates += 1;
                // A create left in doubt: an intent with no result (a crash), or a
                // failure that kept the body of a call that may have acted.
                let pending = held
                    .map(|k| &k.last_record)
                    .filter(|r| matches!(r.event, Event::Intent | Event::Failed))
                    .filter(|r| r.action.as_deref() == Some("create"))
                    .and_then(|r| r.request.clone());
                first.push(Task::Create {
                    live: Box::new(lives[change.key.as_str()].clone()),
                    pending,
                });
            }
            Action::Modify => first.push(Task::Modify {
                live: Box::new(lives[change.key.as_str()].clone()),
                livingid: change.livingid.clone().unwrap_or_default(),
                current: held.and_then(|k| k.request.clone()),
            }),
            Action::Cancel => then.push(Task::Cancel {
                key: change.key.clone(),
                livingid: change.livingid.clone().unwrap_or_default(),
            }),
        }
    }
    let tasks = first.len() + then.len();
    if tasks == 0 {
        eprintln!("{}", summary.render().trim_end());
        write_report(job, &summary);
        return ExitCode::SUCCESS;
    }
    eprintln!("{}", describe(&first, &then, &summary));
    // The sandbox touches nothing real: no need to ask.
    if !job.yes && !job.sandbox && !confirm() {
        return ExitCode::ERROR;
    }
    let credentials = match (&job.credentials, job.sandbox) {
        (_, true) => Credentials {
            corpid: "sandbox-corp".into(),
            secret: Secret::new("sandbox-secret"),
        },
        (Some(c), false) => c.clone(),
        (None, false) => {
            eprintln!(
                "error: failed to find WeCom credentials\n  help: set `WECOM_CORPID` and `WECOM_CORPSECRET`, or try the flow with `--sandbox`"
            );
            return ExitCode::ERROR;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: failed to start the async runtime: {err}");
            return ExitCode::ERROR;
        }
    };
    let result = runtime.block_on(execute(
        job,
        places,
        credentials,
        ledger,
        first,
        then,
        summary,
        tasks,
    ));
    let summary = match result {
        Ok(summary) => summary,
        Err(code) => return code,
    };
    eprint!("{}", summary.render());
    write_report(job, &summary);
    if summary.fatal.is_some() {
        ExitCode::ERROR
    } else if summary.interrupted {
        ExitCode::INTERRUPTED
    } else if !summary.failed.is_empty() {
        ExitCode::PARTIAL_FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "the one call site hands over what run prepared"
)]
async fn execute(
    job: &ApplyJob,
    places: Places,
    credentials: Credentials,
    ledger: Ledger,
    first: Vec<Task>,
    then: Vec<Task>,
    summary: Summary,
    tasks: usize,
) -> Result<Summary, ExitCode> {
    let sim = match &places.sim_state {
        Some(state) => {
            let config = SimConfig {
                corpid: credentials.corpid.clone(),
                secret: credentials.secret.expose().to_string(),
                now: Some(job.now),
                state_file: Some(state.clone()),
                ..SimConfig::default()
            };
            match sim::start(config).await {
                Ok(s) => Some(s),
                Err(err) => return Err(fail(err)),
            }
        }
        None => None,
    };
    let mut client_config = ClientConfig::new(credentials.corpid, credentials.secret);
    client_config.api_base = sim
        .as_ref()
        .map_or_else(|| job.api_base.clone(), |s| s.base_url());
    let client = match Client::new(client_config) {
        Ok(c) => c,
        Err(err) => return Err(fail(err)),
    };
    let recovery = Recovery::new(ledger.state());
    let stop = Arc::new(AtomicBool::new(false));
    let executor = Arc::new(Executor {
        client,
        gate: Gate::new(job.rate, job.concurrency, job.quota_pause),
        ledger: LedgerWriter::spawn(ledger),
        media: MediaCache::default(),
        recovery,
        progress: Progress::new(tasks as u64),
        stop: Arc::clone(&stop),
        fatal: Mutex::new(None),
        concurrency: job.concurrency as usize * 2,
    });
    // Listening starts before the first call, not when the task below is first polled:
    // a Ctrl-C once calls may be in flight is always caught and recorded.
    let ctrl_c = listen_for_ctrl_c();
    let interrupt = tokio::spawn({
        let stop = Arc::clone(&stop);
        let progress = executor.progress.clone();
        async move {
            if let Some(ctrl_c) = ctrl_c {
                ctrl_c.await;
                stop.store(true, Ordering::SeqCst);
                progress.println("interrupted: finishing the calls in flight…");
            }
        }
    });
    let plain = executor.progress.spawn_plain_lines();
    let summary = Arc::clone(&executor).run(first, then, summary).await;
    interrupt.abort();
    if let Some(p) = plain {
        p.abort();
    }
    executor.progress.finish();
    let Ok(executor) = Arc::try_unwrap(executor) else {
        unreachable!("every task has finished");
    };
    match executor.ledger.close().await {
        Ok(ledger) => {
            if let Err(err) = ledger.compact() {
                eprintln!("warning: the ledger was kept uncompacted: {err}");
            }
        }
        Err(err) => eprintln!("warning: {err}"),
    }
    if let Some(sim) = sim
        && let Err(err) = sim.close().await
    {
        eprintln!("warning: the sandbox simulator could not save its state: {err}");
    }
    Ok(summary)
}

/// Resolves at Ctrl-C (SIGINT); `None` if the signal cannot be watched.
#[cfg(unix)]
fn listen_for_ctrl_c() -> Option<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    // `signal` registers the handler when called; `tokio::signal::ctrl_c` only when polled.
    let mut sigint = signal(SignalKind::interrupt()).ok()?;
    Some(async move {
        sigint.recv().await;
    })
}

#[cfg(not(unix))]
fn listen_for_ctrl_c() -> Option<impl Future<Output = ()> + Send + 'static> {
    Some(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}

/// The changes about to be made, for the person (or log) deciding.
fn describe(first: &[Task], then: &[Task], summary: &Summary) -> String {
    let count = |pred: fn(&Task) -> bool| first.iter().chain(then).filter(|t| pred(t)).count();
    let creates = count(|t| matches!(t, Task::Create { .. }));
    let modifies = count(|t| matches!(t, Task::Modify { .. }));
    let cancels = count(|t| matches!(t, Task::Cancel { .. }));
    let mut s = format!("apply: {creates} to create, {modifies} to modify, {cancels} to cancel");
    if summary.unchanged + summary.past > 0 {
        s.push_str(&format!(
            "; {} unchanged, {} past",
            summary.unchanged, summary.past
        ));
    }
    if summary.deferred > 0 {
        s.push_str(&format!(
            "; {} left for a later run (--max-creates)",
            summary.deferred
        ));
    }
    s
}

/// Asks on the terminal; without one, refuses (CI passes `--yes`).
fn confirm() -> bool {
    if !std::io::stdin().is_terminal() {
        eprintln!(
            "error: refusing to apply without confirmation\n  help: no terminal to ask on: pass `--yes`"
        );
        return false;
    }
    eprint!("apply these changes? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    let yes = matches!(answer.trim().to_lowercase().as_str(), "y" | "yes");
    if !yes {
        eprintln!("nothing applied");
    }
    yes
}

fn write_report(job: &ApplyJob, summary: &Summary) {
    let Some(path) = &job.report else { return };
    let body = serde_json::to_string_pretty(summary).unwrap_or_default() + "\n";
    if let Err(err) = std::fs::write(path, body) {
        eprintln!(
            "warning: failed to write the report `{}`: {err}",
            path.display()
        );
    }
}
