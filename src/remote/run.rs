//! Running executor tasks to the end: progress, Ctrl-C, and the ledger closed
//! and compacted afterwards.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use crate::apply::{
    Executor, Gate, Lookup, MediaCache, Progress, Recovery, Summary, Work, call, given_up,
    note_held, reconcile,
};
use crate::ledger::{Ledger, LedgerState, LedgerWriter, SeenLives};
use crate::wecom::{ApiError, Client, ErrorClass};

use super::Places;

/// How long the calls in flight get after the first Ctrl-C (or SIGTERM) before
/// they are given up; a second one gives them up at once.
const GRACE: Duration = Duration::from_secs(5);

/// Runs each schedule's `work.first`, then its `work.then`, one schedule after
/// another, through one gate, client and progress bar, with Ctrl-C handling;
/// before each schedule's creates, looks up in WeCom the lives it would create
/// (`apply::reconcile`); closes and compacts each ledger that was written. One
/// summary per schedule.
///
/// Lives owned by any ledger of the run are never adopted for another session,
/// and a picture goes up once for the whole run.
pub(super) async fn run_tasks(
    client: Client,
    ledgers: Vec<Ledger>,
    gate: Arc<Gate>,
    concurrency: u32,
    works: Vec<Work>,
    places: &[Places],
) -> Result<Vec<Summary>, ApiError> {
    let recovery = recovery_for(&ledgers);
    let stop = Arc::new(AtomicBool::new(false));
    let (abandon_tx, abandon) = watch::channel(false);
    let progress = Progress::new(works.iter().map(|w| w.len() as u64).sum());
    // Listening starts before the first call, not when a task is first polled:
    // a signal once calls may be in flight is always caught and recorded.
    let interrupt = listen_for_signals().map(|signals| {
        tokio::spawn(interrupt(
            signals,
            Arc::clone(&stop),
            client.clone(),
            progress.clone(),
            abandon_tx,
        ))
    });
    // Wrong credentials or no WeCom at this address: stop before recording anything.
    let first_contact = async {
        tokio::select! {
            result = call(&gate, &[], || client.authenticate()) => result,
            () = given_up(abandon.clone()) => Err(ApiError::Stopped { api: "gettoken" }),
        }
    };
    match first_contact.await {
        Err(err) if err.class() != ErrorClass::Stopped => {
            if let Some(i) = interrupt {
                i.abort();
            }
            return Err(err);
        }
        // Interrupted: every task is left for the next run.
        _ => {}
    }
    let plain = progress.spawn_plain_lines();
    let run = Run {
        client: &client,
        gate: &gate,
        concurrency,
        progress: &progress,
        stop: &stop,
        abandon: &abandon,
    };
    let mut carried = Carried {
        media: MediaCache::default(),
        recovery,
        // A fatal error in one schedule stops the run: the next ones say why.
        fatal: None,
        total: works.iter().map(|w| w.len() as u64).sum(),
    };
    let mut summaries = Vec::with_capacity(works.len());
    for ((ledger, work), places) in ledgers.into_iter().zip(works).zip(places) {
        let summary;
        (summary, carried) = run.schedule(ledger, work, places, carried).await;
        summaries.push(summary);
    }
    if let Some(i) = interrupt {
        i.abort();
    }
    if let Some(p) = plain {
        p.abort();
    }
    progress.finish();
    Ok(summaries)
}

/// What every schedule of a run shares.
struct Run<'r> {
    client: &'r Client,
    gate: &'r Arc<Gate>,
    concurrency: u32,
    progress: &'r Progress,
    stop: &'r Arc<AtomicBool>,
    abandon: &'r watch::Receiver<bool>,
}

/// What passes from one schedule of a run to the next: the pictures uploaded,
/// the lives recovered, the fatal error that stops the rest, the tasks in all.
struct Carried {
    media: MediaCache,
    recovery: Recovery,
    fatal: Option<String>,
    total: u64,
}

impl Run<'_> {
    /// One schedule's work: looked up in WeCom, then carried out, its ledger
    /// closed and the folder's cache of seen lives saved.
    async fn schedule(
        &self,
        ledger: Ledger,
        mut work: Work,
        places: &Places,
        mut carried: Carried,
    ) -> (Summary, Carried) {
        let state = ledger.state().clone();
        let writer = LedgerWriter::spawn(ledger);
        let seen = Mutex::new(SeenLives::load(&places.seen, self.client.corpid()));
        if !work.is_empty() && carried.fatal.is_none() && !self.stop.load(Ordering::SeqCst) {
            let before = work.len() as u64;
            let lookup = look_up(
                self.client,
                self.gate,
                &writer,
                &seen,
                places,
                self.concurrency,
                &state,
                &mut work,
                self.progress,
                &carried.recovery,
            );
            tokio::select! {
                found = lookup => carried.fatal = found,
                // Given up after Ctrl-C: what the lookup recorded stays; the executor
                // then starts nothing, as the run is stopping.
                () = given_up(self.abandon.clone()) => {}
            }
            carried.total = carried.total - before + work.len() as u64;
            self.progress.set_total(carried.total);
        }
        let executor = Arc::new(Executor {
            client: self.client.clone(),
            gate: Arc::clone(self.gate),
            ledger: writer,
            media: carried.media,
            recovery: carried.recovery,
            progress: self.progress.clone(),
            stop: Arc::clone(self.stop),
            fatal: Mutex::new(carried.fatal.clone()),
            concurrency: self.concurrency as usize * 2,
            abandon: self.abandon.clone(),
        });
        let summary = Arc::clone(&executor)
            .run(work.first, work.then, work.summary)
            .await;
        let Ok(executor) = Arc::try_unwrap(executor) else {
            unreachable!("every task has finished");
        };
        let mut seen = seen.into_inner().expect("seen lock");
        if let Some(state) = close_ledger(executor.ledger).await {
            note_held(&mut seen, &state, &places.owner);
        }
        save_seen(&seen);
        self.progress.next_schedule(summary.failed.len());
        let carried = Carried {
            media: executor.media,
            recovery: executor.recovery,
            fatal: summary.fatal.clone(),
            total: carried.total,
        };
        (summary, carried)
    }
}

/// Recovery over every ledger of the run: a livingid any of them holds is owned.
fn recovery_for(ledgers: &[Ledger]) -> Recovery {
    let Some((first, rest)) = ledgers.split_first() else {
        return Recovery::new(&crate::ledger::LedgerState::default());
    };
    let recovery = Recovery::new(first.state());
    for ledger in rest {
        for id in ledger.state().iter().filter_map(|k| k.livingid()) {
            recovery.claim(id);
        }
    }
    recovery
}

/// The lookup in WeCom before a schedule's creates (see `apply::reconcile`): the
/// lives it found are claimed, what it said is printed; a fatal reason when what
/// it found cannot be recorded (then nothing is created).
#[expect(
    clippy::too_many_arguments,
    reason = "the run's parts, lent for one lookup"
)]
async fn look_up(
    client: &Client,
    gate: &Arc<Gate>,
    writer: &LedgerWriter,
    seen: &Mutex<SeenLives>,
    places: &Places,
    concurrency: u32,
    state: &LedgerState,
    work: &mut Work,
    progress: &Progress,
    recovery: &Recovery,
) -> Option<String> {
    let look = Lookup {
        client,
        gate,
        ledger: writer,
        seen,
        owner: &places.owner,
        concurrency: concurrency as usize * 2,
    };
    match reconcile(&look, state, work).await {
        Ok(found) => {
            for line in found.render().lines() {
                progress.println(line);
            }
            for id in &found.claimed {
                recovery.claim(id);
            }
            None
        }
        Err(err) => {
            work.first.clear();
            work.then.clear();
            Some(format!("{err}: the ledger cannot record results"))
        }
    }
}

/// Saves the cache of seen lives; a cache that cannot be written costs calls
/// later, nothing more.
pub(super) fn save_seen(seen: &SeenLives) {
    if let Err(err) = seen.save() {
        eprintln!("warning: the cache of seen lives was not saved: {err}");
    }
}

/// The first signal stops every new call, of any kind; the calls in flight get
/// [`GRACE`] to finish, or until a second signal.
async fn interrupt(
    mut signals: Signals,
    stop: Arc<AtomicBool>,
    client: Client,
    progress: Progress,
    abandon: watch::Sender<bool>,
) {
    signals.next().await;
    stop.store(true, Ordering::SeqCst);
    client.stop_sending();
    progress.println(&format!(
        "interrupted: no new call is sent; waiting up to {}s for the calls in flight \
         (press Ctrl-C again to stop now)…",
        GRACE.as_secs()
    ));
    tokio::select! {
        () = signals.next() => {}
        () = tokio::time::sleep(GRACE) => {}
    }
    abandon.send_replace(true);
}

/// Ctrl-C (SIGINT) and SIGTERM, as one stream.
#[cfg(unix)]
struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    async fn next(&mut self) {
        tokio::select! {
            _ = self.int.recv() => {}
            _ = self.term.recv() => {}
        }
    }
}

/// `None` if the signals cannot be watched.
#[cfg(unix)]
fn listen_for_signals() -> Option<Signals> {
    use tokio::signal::unix::{SignalKind, signal};
    // `signal` registers the handler when called; `tokio::signal::ctrl_c` only when polled.
    Some(Signals {
        int: signal(SignalKind::interrupt()).ok()?,
        term: signal(SignalKind::terminate()).ok()?,
    })
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    async fn next(&mut self) {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(not(unix))]
fn listen_for_signals() -> Option<Signals> {
    Some(Signals)
}

/// Waits for the writer, then compacts the ledger (keeping it as it is if that
/// fails); what it holds then, unless it could not be closed.
pub(super) async fn close_ledger(writer: LedgerWriter) -> Option<LedgerState> {
    match writer.close().await {
        Ok(ledger) => {
            let state = ledger.state().clone();
            if let Err(err) = ledger.compact() {
                eprintln!("warning: the ledger was kept uncompacted: {err}");
            }
            Some(state)
        }
        Err(err) => {
            eprintln!("warning: {err}");
            None
        }
    }
}
