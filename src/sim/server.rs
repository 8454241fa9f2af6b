//! Starting, observing and stopping the simulator.

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use jiff::Timestamp;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::clock::SimClock;
use super::config::{Faults, SimConfig};
use super::course::watchers;
use super::error::SimError;
use super::handlers;
use super::listener::{Conn, CuttableListener};
use super::persist;
use super::shared::{Hold, Sim};
use super::state::{SimLive, World};
use super::stats::SimStats;
use crate::wecom::limits::IMAGE_MAX_BYTES;
use crate::wecom::types::{LivingInfo, WatchStatInfo};

/// How often changed lives are written to the state file.
const SAVE_EVERY: Duration = Duration::from_millis(500);
/// How long shutdown waits for calls in flight before cutting them.
const DRAIN: Duration = Duration::from_secs(3);

/// A running simulator. Dropping it without [`SimServer::shutdown`] leaves the task running
/// until the runtime ends.
pub struct SimServer {
    sim: Arc<Sim>,
    addr: SocketAddr,
    server: JoinHandle<()>,
    saver: Option<JoinHandle<()>>,
}

/// Binds, loads the state file, and serves in the background.
pub async fn start(config: SimConfig) -> Result<SimServer, SimError> {
    config.validate()?;
    let mut world = World::new(config.faults.clone());
    if let Some(path) = &config.state_file
        && let Some(saved) = persist::load(path)?
    {
        saved.restore(&mut world);
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| SimError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SimError::Bind {
        addr: config.listen,
        source,
    })?;
    let sim = Arc::new(Sim {
        clock: SimClock::new(config.now, config.clock_rate),
        config,
        world: Mutex::new(world),
        in_flight: AtomicU64::new(0),
        held: watch::Sender::new(Hold::Off),
        stopping: watch::Sender::new(false),
    });
    let router = routes(sim.clone());
    let mut stopping = sim.stopping.subscribe();
    let server = tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<Conn>();
        let shutdown = async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        };
        let _ = axum::serve(CuttableListener(listener), service)
            .with_graceful_shutdown(shutdown)
            .await;
    });
    let saver = sim.config.state_file.is_some().then(|| {
        let sim = sim.clone();
        tokio::spawn(async move {
            let mut stopping = sim.stopping.subscribe();
            loop {
                tokio::select! {
                    () = tokio::time::sleep(SAVE_EVERY) => {}
                    _ = stopping.wait_for(|stop| *stop) => return,
                }
                if let Err(e) = sim.save() {
                    tracing::warn!("{e}");
                }
            }
        })
    });
    tracing::debug!(%addr, "simulator listening");
    Ok(SimServer {
        sim,
        addr,
        server,
        saver,
    })
}

/// WeCom's endpoints the client calls, and the simulator's own under `/__sim`.
fn routes(sim: Arc<Sim>) -> Router {
    Router::new()
        .route("/cgi-bin/gettoken", get(handlers::gettoken))
        .route("/cgi-bin/living/create", post(handlers::create))
        .route("/cgi-bin/living/modify", post(handlers::modify))
        .route("/cgi-bin/living/cancel", post(handlers::cancel))
        .route(
            "/cgi-bin/living/get_living_info",
            get(handlers::living_info),
        )
        .route(
            "/cgi-bin/living/get_user_all_livingid",
            post(handlers::user_livingids),
        )
        .route("/cgi-bin/living/get_watch_stat", post(handlers::watch_stat))
        .route("/cgi-bin/media/upload", post(handlers::upload))
        .route("/__sim/stats", get(handlers::stats))
        .route(
            "/__sim/clock",
            get(handlers::clock).post(handlers::move_clock),
        )
        // Well over the image limit, so that too-big images get WeCom's errcode, not a 413.
        .layer(DefaultBodyLimit::max(4 * IMAGE_MAX_BYTES))
        .with_state(sim)
}

impl SimServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API base to give the client, e.g. `http://127.0.0.1:PORT/cgi-bin/`.
    pub fn base_url(&self) -> String {
        format!("http://{}/cgi-bin/", self.addr)
    }

    pub fn stats(&self) -> SimStats {
        self.sim.stats()
    }

    /// Every live, with its status as of the simulator clock.
    pub fn lives(&self) -> Vec<SimLive> {
        let now = self.sim.clock.now().as_second();
        self.sim
            .with_world(|w| w.lives_at(now, &self.sim.config.course))
    }

    /// A live as `get_living_info` would describe it now.
    pub fn living_info(&self, livingid: &str) -> Option<LivingInfo> {
        let now = self.sim.clock.now().as_second();
        self.sim.with_world(|w| {
            let live = w.live(livingid)?;
            Some(handlers::living_info_at(live, &self.sim, now))
        })
    }

    /// Everyone who watched a live, as all pages of `get_watch_stat` would give them now:
    /// the simulator's own record, for tests to check a client's sums against.
    pub fn watch_stat(&self, livingid: &str) -> Option<WatchStatInfo> {
        let now = self.sim.clock.now().as_second();
        let directory = self.sim.config.directory();
        self.sim.with_world(|w| {
            let live = w.live(livingid)?;
            Some(watchers(live, &directory, &self.sim.config.course, now))
        })
    }

    /// Every access token handed out so far, for tests that prove none leaks.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.sim.with_world(|w| w.issued.clone())
    }

    pub fn now(&self) -> Timestamp {
        self.sim.clock.now()
    }

    /// Moves the simulator clock; it keeps advancing with real time from there.
    pub fn set_now(&self, now: Timestamp) {
        self.sim.set_now(now);
    }

    /// Replaces the faults and reseeds the RNG from `faults.seed`.
    pub fn set_faults(&self, faults: Faults) {
        self.sim.with_world(|w| w.set_faults(faults));
    }

    /// Cancels a live behind the client's back, as a person in the WeCom admin would.
    pub fn cancel_live(&self, livingid: &str) -> bool {
        self.modify_live(livingid, |live| {
            live.status = crate::wecom::types::status::CANCELLED
        })
    }

    /// Edits a live behind the client's back; false if there is no such live.
    pub fn modify_live(&self, livingid: &str, edit: impl FnOnce(&mut SimLive)) -> bool {
        self.sim.with_world(|w| {
            let Some(live) = w.live_mut(livingid) else {
                return false;
            };
            edit(live);
            live.livingid = livingid.to_owned();
            w.dirty = true;
            true
        })
    }

    /// Makes new business calls (not `gettoken`) wait, after being counted in
    /// flight, until [`SimServer::release`].
    pub fn hold(&self) {
        self.sim.held.send_replace(Hold::Calls(None));
    }

    /// Like [`SimServer::hold`], for calls to one API only (e.g. `living/create`).
    pub fn hold_only(&self, api: &'static str) {
        self.sim.held.send_replace(Hold::Calls(Some(api)));
    }

    /// Lets the first `n` business calls since the simulator started through and holds
    /// every one after them, so that a test stops a client after exactly that many calls
    /// however fast it runs. A call held when its client goes away is dropped unacted.
    pub fn hold_after(&self, n: u64) {
        self.sim.held.send_replace(Hold::After(n));
    }

    pub fn release(&self) {
        self.sim.held.send_replace(Hold::Off);
    }

    /// Stops serving and saves the state file; a save failure is logged.
    pub async fn shutdown(self) {
        if let Err(e) = self.close().await {
            tracing::warn!("{e}");
        }
    }

    /// Stops serving and saves the state file.
    pub async fn close(self) -> Result<(), SimError> {
        self.sim.stopping.send_replace(true);
        let mut server = self.server;
        if tokio::time::timeout(DRAIN, &mut server).await.is_err() {
            server.abort();
        }
        if let Some(saver) = self.saver {
            let _ = saver.await;
        }
        self.sim.save()
    }
}

/// `livesched sim`: print the API base, serve until Ctrl-C or SIGTERM, then save the state.
pub async fn run(config: SimConfig) -> Result<(), SimError> {
    let server = start(config).await?;
    println!("listening on {}", server.base_url());
    let waited = interrupted().await;
    server.close().await?;
    waited.map_err(SimError::Signal)
}

/// Ctrl-C, or SIGTERM as a CI job's `kill` sends it: either way the state gets saved.
async fn interrupted() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
