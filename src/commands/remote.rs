//! What every command that talks to WeCom shares: where the ledger lives (and,
//! with `--sandbox`, the simulator's state), credentials, the runtime, the
//! simulator, the client, and running executor tasks to the end.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::apply::{Executor, Gate, MediaCache, Progress, Recovery, Summary, Task};
use crate::config::{Credentials, RemoteJob};
use crate::exit_codes::ExitCode;
use crate::ledger::{Ledger, LedgerWriter, ledger_path_for};
use crate::sim::{self, SimConfig, SimServer};
use crate::wecom::{Client, ClientConfig, Secret};

/// Where `--sandbox` keeps its ledger and the simulator's state, beside the schedule.
pub const SANDBOX_DIR: &str = ".livesched-sandbox";

pub struct Places {
    pub ledger: PathBuf,
    /// Set with `--sandbox`.
    pub sim_state: Option<PathBuf>,
}

pub fn places(file: &Path, ledger: Option<&Path>, sandbox: bool) -> Places {
    if !sandbox {
        return Places {
            ledger: ledger.map_or_else(|| ledger_path_for(file), Path::to_path_buf),
            sim_state: None,
        };
    }
    let dir = file
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join(SANDBOX_DIR);
    let name = file
        .file_name()
        .map_or_else(|| "schedule".into(), |n| n.to_os_string());
    let in_dir = dir.join(name);
    Places {
        ledger: ledger.map_or_else(|| ledger_path_for(&in_dir), Path::to_path_buf),
        sim_state: Some(in_dir.with_extension("sim.json")),
    }
}

pub fn fail(err: impl miette::Diagnostic + Send + Sync + 'static) -> ExitCode {
    eprintln!("{:?}", miette::Report::new(err));
    ExitCode::ERROR
}

/// The ledger, locked for this run (its folder made if need be).
pub fn open_ledger(places: &Places) -> Result<Ledger, ExitCode> {
    if let Some(dir) = places.ledger.parent().filter(|d| !d.as_os_str().is_empty())
        && let Err(err) = std::fs::create_dir_all(dir)
    {
        eprintln!("error: failed to create `{}`: {err}", dir.display());
        return Err(ExitCode::ERROR);
    }
    let ledger = Ledger::open(&places.ledger).map_err(fail)?;
    if let Some(repair) = ledger.repair() {
        eprintln!("note: repaired `{}`: {repair:?}", places.ledger.display());
    }
    Ok(ledger)
}

/// The sandbox's fake credentials, or the ones from the environment.
pub fn credentials(given: Option<&Credentials>, sandbox: bool) -> Result<Credentials, ExitCode> {
    match (given, sandbox) {
        (_, true) => Ok(Credentials {
            corpid: "sandbox-corp".into(),
            secret: Secret::new("sandbox-secret"),
        }),
        (Some(c), false) => Ok(c.clone()),
        (None, false) => {
            eprintln!(
                "error: failed to find WeCom credentials\n  help: set `WECOM_CORPID` and `WECOM_CORPSECRET`, or try the flow with `--sandbox`"
            );
            Err(ExitCode::ERROR)
        }
    }
}

pub fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| {
            eprintln!("error: failed to start the async runtime: {err}");
            ExitCode::ERROR
        })
}

/// A client for WeCom, or for the sandbox's simulator started for this run.
pub struct Remote {
    pub client: Client,
    sim: Option<SimServer>,
}

impl Remote {
    pub async fn connect(job: &RemoteJob, places: &Places) -> Result<Remote, ExitCode> {
        let credentials = credentials(job.credentials.as_ref(), job.sandbox)?;
        let now = job.now;
        let sim = match &places.sim_state {
            Some(state) => Some(
                sim::start(SimConfig {
                    corpid: credentials.corpid.clone(),
                    secret: credentials.secret.expose().to_string(),
                    now: Some(now),
                    state_file: Some(state.clone()),
                    ..SimConfig::default()
                })
                .await
                .map_err(fail)?,
            ),
            None => None,
        };
        let mut config = ClientConfig::new(credentials.corpid, credentials.secret);
        config.api_base = sim
            .as_ref()
            .map_or_else(|| job.api_base.clone(), SimServer::base_url);
        config.request_timeout = job.request_timeout;
        let client = Client::new(config).map_err(fail)?;
        Ok(Remote { client, sim })
    }

    /// Stops the sandbox's simulator, saving its state.
    pub async fn close(self) {
        if let Some(sim) = self.sim
            && let Err(err) = sim.close().await
        {
            eprintln!("warning: the sandbox simulator could not save its state: {err}");
        }
    }
}

/// How fast and how wide to call.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    pub rate: Option<u32>,
    pub concurrency: u32,
    pub quota_pause: Duration,
}

/// Runs `first`, then `then`, through an executor with progress and Ctrl-C
/// handling; closes and compacts the ledger.
pub async fn run_tasks(
    client: Client,
    ledger: Ledger,
    pace: Pace,
    first: Vec<Task>,
    then: Vec<Task>,
    summary: Summary,
) -> Summary {
    let tasks = first.len() + then.len();
    let recovery = Recovery::new(ledger.state());
    let stop = Arc::new(AtomicBool::new(false));
    let executor = Arc::new(Executor {
        client,
        gate: Gate::new(pace.rate, pace.concurrency, pace.quota_pause),
        ledger: LedgerWriter::spawn(ledger),
        media: MediaCache::default(),
        recovery,
        progress: Progress::new(tasks as u64),
        stop: Arc::clone(&stop),
        fatal: Mutex::new(None),
        concurrency: pace.concurrency as usize * 2,
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
    close_ledger(executor.ledger).await;
    summary
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

/// Waits for the writer, then compacts the ledger (keeping it as it is if that fails).
pub async fn close_ledger(writer: LedgerWriter) {
    match writer.close().await {
        Ok(ledger) => {
            if let Err(err) = ledger.compact() {
                eprintln!("warning: the ledger was kept uncompacted: {err}");
            }
        }
        Err(err) => eprintln!("warning: {err}"),
    }
}

/// The exit code a run's summary calls for.
pub fn exit_code(summary: &Summary) -> ExitCode {
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
