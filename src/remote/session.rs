//! One run against WeCom: a command opens a [`Session`] (paths, locked ledger,
//! runtime, gate), decides what to do from the ledger it holds, then either
//! applies tasks through the executor or borrows the connection for reads.

use std::sync::Arc;

use super::Places;
use super::run::{close_ledger, run_tasks};
use crate::apply::{Gate, Summary, Work};
use crate::config::{Credentials, RemoteJob};
use crate::error::Error;
use crate::ledger::{Ledger, LedgerState, LedgerWriter};
use crate::sim::{self, SimConfig, SimServer};
use crate::wecom::{Client, ClientConfig, Secret};

pub struct Session {
    places: Places,
    ledger: Ledger,
    runtime: tokio::runtime::Runtime,
    gate: Arc<Gate>,
    settings: Settings,
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
/// every record through `ledger`.
pub struct Connected {
    pub client: Client,
    pub gate: Arc<Gate>,
    pub ledger: LedgerWriter,
    /// Tasks in flight at once.
    pub concurrency: usize,
}

impl Session {
    /// Checks what can be checked without a call, then makes the folders, locks
    /// (and repairs) the ledger and starts the runtime. Nothing is written
    /// when the API base is refused.
    pub fn open(job: &RemoteJob) -> Result<Session, Error> {
        if !job.sandbox {
            crate::wecom::check_api_base(&job.api_base)?;
        }
        let places = Places::new(&job.file, job.ledger.as_deref(), job.sandbox);
        for dir in places.folders() {
            std::fs::create_dir_all(dir).map_err(|err| Error::io("create", dir, err))?;
        }
        let ledger = Ledger::open(&places.ledger)?;
        if let Some(repair) = ledger.repair() {
            eprintln!("note: repaired `{}`: {repair}", places.ledger.display());
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        let gate = Arc::new(Gate::new(job.rate, job.concurrency, job.quota_pause));
        Ok(Session {
            places,
            ledger,
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

    /// With `--sandbox`, the members of the simulated corp (its viewers are drawn
    /// from them): `attendance` names the schedule's anchors and learners.
    pub fn with_sandbox_users(mut self, users: Vec<String>) -> Session {
        self.settings.sandbox_users = Some(users);
        self
    }

    pub fn places(&self) -> &Places {
        &self.places
    }

    /// What opening the ledger repaired, if anything.
    pub fn repair(&self) -> Option<&crate::ledger::Repair> {
        self.ledger.repair()
    }

    /// What the ledger held when the session opened.
    pub fn state(&self) -> &LedgerState {
        self.ledger.state()
    }

    /// Carries `work` out through the executor (progress, Ctrl-C, every step
    /// recorded), then closes the ledger and the sandbox.
    pub fn apply(self, work: Work) -> Result<Summary, Error> {
        let Session {
            places,
            ledger,
            runtime,
            gate,
            settings,
        } = self;
        runtime.block_on(async {
            let (client, sim) = connect(&settings, &places).await?;
            let summary = run_tasks(client, ledger, gate, settings.concurrency, work).await;
            close_sim(sim).await;
            summary.map_err(Error::Connect)
        })
    }

    /// Connects and lends the connection to `f`; then closes the ledger and the sandbox.
    pub fn with_remote<T>(self, f: impl AsyncFnOnce(&Connected) -> T) -> Result<T, Error> {
        let Session {
            places,
            ledger,
            runtime,
            gate,
            settings,
        } = self;
        runtime.block_on(async {
            let (client, sim) = connect(&settings, &places).await?;
            let connected = Connected {
                client,
                gate,
                ledger: LedgerWriter::spawn(ledger),
                concurrency: settings.concurrency as usize * 2,
            };
            let result = f(&connected).await;
            close_ledger(connected.ledger).await;
            close_sim(sim).await;
            Ok(result)
        })
    }
}

/// The sandbox's fake credentials, or the ones from the environment; their
/// absence is an error only once a call is about to be made.
fn credentials(job: &RemoteJob) -> Result<Option<Credentials>, Error> {
    Ok(match (&job.credentials, job.sandbox) {
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
    places: &Places,
) -> Result<(Client, Option<SimServer>), Error> {
    let credentials = settings.credentials.clone().ok_or(Error::NoCredentials)?;
    let sim = match &places.sandbox {
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
