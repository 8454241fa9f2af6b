//! One run against WeCom, over one schedule or many: a command opens a [`Session`]
//! (every ledger locked, the runtime, one gate), decides what to do from the
//! ledgers it holds, then either applies tasks through the executor or borrows
//! the connection for reads.
//!
//! WeCom's quotas are per corp and app, not per file: whatever the number of
//! schedules, a run has one gate, one client and one runtime.

use std::sync::Arc;

use super::Places;
use super::places::Sandbox;
use super::run::{close_ledger, run_tasks, save_seen};
use crate::apply::{Gate, Lookup, Summary, Work, note_held};
use crate::config::{Credentials, RemoteJob};
use crate::error::Error;
use crate::ledger::{Ledger, LedgerState, LedgerWriter, Repair, SeenLives};
use crate::sim::{self, SimConfig, SimServer};
use crate::wecom::{Client, ClientConfig, Secret};

pub struct Session {
    /// One per schedule, in the run's order.
    members: Vec<Member>,
    /// The run's simulator with `--sandbox`: one corp for every schedule.
    sandbox: Option<Sandbox>,
    runtime: tokio::runtime::Runtime,
    gate: Arc<Gate>,
    settings: Settings,
}

/// A schedule's places and its locked ledger.
struct Member {
    places: Places,
    ledger: Ledger,
}

/// What connecting needs from the job.
struct Settings {
    credentials: Option<Credentials>,
    api_base: String,
    request_timeout: std::time::Duration,
    now: jiff::Timestamp,
    concurrency: u32,
    /// The sandbox simulator's directory, when the command names one.
    sandbox_users: Option<Vec<String>>,
}

/// A live connection, lent to a command for reads: every call goes through `gate`,
/// every record through the ledger of its schedule.
pub struct Connected {
    pub client: Client,
    pub gate: Arc<Gate>,
    /// One per schedule, in the run's order.
    pub ledgers: Vec<LedgerWriter>,
    /// Tasks in flight at once.
    pub concurrency: usize,
    /// Per schedule: the cache of seen lives its folder's ledgers share, and
    /// its ledger's name in it.
    pub seen: Vec<std::sync::Mutex<SeenLives>>,
    pub owners: Vec<String>,
}

impl Connected {
    /// What a lookup in WeCom for schedule `i` of the run needs, borrowed from the connection.
    pub fn lookup(&self, i: usize) -> Lookup<'_> {
        Lookup {
            client: &self.client,
            gate: &self.gate,
            ledger: &self.ledgers[i],
            seen: &self.seen[i],
            owner: &self.owners[i],
            concurrency: self.concurrency,
        }
    }
}

impl Session {
    /// Checks what can be checked without a call, then makes the folders, locks
    /// (and repairs) every ledger and starts the runtime. Nothing is written
    /// when the API base is refused.
    ///
    /// The ledgers are locked in path order, so that two runs over overlapping
    /// sets of schedules never hold one each while waiting for the other; one
    /// held elsewhere fails the run at once, before anything is sent.
    pub fn open(job: &RemoteJob, places: Vec<Places>) -> Result<Session, Error> {
        if !job.inputs.sandbox {
            crate::wecom::check_api_base(&job.api_base)?;
        }
        let sandbox = Places::run_sandbox(&places);
        let folders = places
            .iter()
            .flat_map(Places::folders)
            .chain(sandbox.as_ref().map(|s| s.dir.as_path()));
        for dir in folders {
            std::fs::create_dir_all(dir).map_err(|err| Error::io("create", dir, err))?;
        }
        let members = lock_in_path_order(places)?;
        for m in &members {
            if let Some(repair) = m.ledger.repair() {
                eprintln!("note: repaired `{}`: {repair}", m.places.ledger.display());
            }
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        let gate = Arc::new(Gate::with_window(
            job.rate,
            job.rate_window,
            job.concurrency,
            job.quota_pause,
        ));
        Ok(Session {
            members,
            sandbox,
            runtime,
            gate,
            settings: Settings {
                credentials: credentials(job)?,
                api_base: job.api_base.clone(),
                request_timeout: job.request_timeout,
                now: job.now,
                concurrency: job.concurrency,
                sandbox_users: None,
            },
        })
    }

    /// What each schedule's ledger held when the session opened, in the run's order.
    pub fn states(&self) -> impl ExactSizeIterator<Item = &LedgerState> {
        self.members.iter().map(|m| m.ledger.state())
    }

    /// With `--sandbox`, the members of the simulated corp (its viewers are drawn
    /// from them): `attendance` names the schedule's anchors and learners.
    pub fn with_sandbox_users(mut self, users: Vec<String>) -> Session {
        self.settings.sandbox_users = Some(users);
        self
    }

    /// What opening each ledger repaired, if anything, in the run's order.
    pub fn repairs(&self) -> impl Iterator<Item = Option<&Repair>> {
        self.members.iter().map(|m| m.ledger.repair())
    }

    /// Carries out each schedule's `work` (one per schedule, in the run's order)
    /// through one executor's gate, client and progress bar, each step recorded in
    /// its schedule's ledger; then closes the ledgers and the sandbox. A schedule
    /// with nothing to do keeps its ledger as it is.
    pub fn apply(self, works: Vec<Work>) -> Result<Vec<Summary>, Error> {
        let Session {
            members,
            sandbox,
            runtime,
            gate,
            settings,
        } = self;
        let (places, ledgers): (Vec<Places>, Vec<Ledger>) =
            members.into_iter().map(|m| (m.places, m.ledger)).unzip();
        runtime.block_on(async {
            let (client, sim) = connect(&settings, sandbox.as_ref()).await?;
            let summaries =
                run_tasks(client, ledgers, gate, settings.concurrency, works, &places).await;
            close_sim(sim).await;
            summaries.map_err(Error::Connect)
        })
    }

    /// Connects and lends the connection to `f`; then closes the ledgers and the sandbox.
    pub fn with_remote<T>(self, f: impl AsyncFnOnce(&Connected) -> T) -> Result<T, Error> {
        let Session {
            members,
            sandbox,
            runtime,
            gate,
            settings,
        } = self;
        runtime.block_on(async {
            let (client, sim) = connect(&settings, sandbox.as_ref()).await?;
            let connected = Connected {
                seen: members
                    .iter()
                    .map(|m| {
                        std::sync::Mutex::new(SeenLives::load(&m.places.seen, client.corpid()))
                    })
                    .collect(),
                owners: members.iter().map(|m| m.places.owner.clone()).collect(),
                client,
                gate,
                ledgers: members
                    .into_iter()
                    .map(|m| LedgerWriter::spawn(m.ledger))
                    .collect(),
                concurrency: settings.concurrency as usize * 2,
            };
            let result = f(&connected).await;
            for ((ledger, seen), owner) in connected
                .ledgers
                .into_iter()
                .zip(connected.seen)
                .zip(&connected.owners)
            {
                let mut seen = seen.into_inner().expect("seen lock");
                if let Some(state) = close_ledger(ledger).await {
                    note_held(&mut seen, &state, owner);
                }
                save_seen(&seen);
            }
            close_sim(sim).await;
            Ok(result)
        })
    }
}

/// Locks every ledger, in the order of their paths; gives them back in the run's
/// order. The first that fails releases those already held.
fn lock_in_path_order(places: Vec<Places>) -> Result<Vec<Member>, Error> {
    let mut order: Vec<usize> = (0..places.len()).collect();
    order.sort_by(|&a, &b| places[a].ledger.cmp(&places[b].ledger));
    let mut ledgers: Vec<Option<Ledger>> = places.iter().map(|_| None).collect();
    for i in order {
        ledgers[i] = Some(Ledger::open(&places[i].ledger)?);
    }
    Ok(places
        .into_iter()
        .zip(ledgers)
        .map(|(places, ledger)| Member {
            places,
            ledger: ledger.expect("every ledger was locked"),
        })
        .collect())
}

/// The sandbox's fake credentials, or the ones from the environment; their
/// absence is an error only once a call is about to be made.
fn credentials(job: &RemoteJob) -> Result<Option<Credentials>, Error> {
    Ok(match (&job.credentials, job.inputs.sandbox) {
        (_, true) => Some(Credentials {
            corpid: "sandbox-corp".into(),
            secret: Secret::new("sandbox-secret"),
        }),
        (given, false) => given.clone(),
    })
}

/// A client for WeCom, or for the sandbox's simulator started for this run.
async fn connect(
    settings: &Settings,
    sandbox: Option<&Sandbox>,
) -> Result<(Client, Option<SimServer>), Error> {
    let credentials = settings.credentials.clone().ok_or(Error::NoCredentials)?;
    let sim = match sandbox {
        Some(sandbox) => Some(
            sim::start(SimConfig {
                corpid: credentials.corpid.clone(),
                secret: credentials.secret.expose().to_string(),
                now: Some(settings.now),
                users: settings.sandbox_users.clone(),
                state_file: Some(sandbox.sim_state.clone()),
                ..SimConfig::default()
            })
            .await?,
        ),
        None => None,
    };
    let mut config = ClientConfig::new(credentials.corpid, credentials.secret);
    config.api_base = sim
        .as_ref()
        .map_or_else(|| settings.api_base.clone(), SimServer::base_url);
    config.request_timeout = settings.request_timeout;
    Ok((Client::new(config)?, sim))
}

/// Stops the sandbox's simulator, saving its state.
async fn close_sim(sim: Option<SimServer>) {
    if let Some(sim) = sim
        && let Err(err) = sim.close().await
    {
        eprintln!("warning: the sandbox simulator could not save its state: {err}");
    }
}
