//! Running executor tasks to the end: progress, Ctrl-C, and the ledger closed
//! and compacted afterwards.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use crate::apply::{
    Executor, Gate, Lookup, MediaCache, Progress, Recovery, Summary, Work, call, note_held,
    reconcile,
};
use crate::ledger::{Ledger, LedgerState, LedgerWriter, SeenLives};
use crate::wecom::{ApiError, Client, ErrorClass};

use super::Places;

/// How long the calls in flight get after the first Ctrl-C (or SIGTERM) before
/// they are given up; a second one gives them up at once.
const GRACE: Duration = Duration::from_secs(5);

/// Runs `work.first`, then `work.then`, through an executor with progress and
/// Ctrl-C handling, after looking up in WeCom the lives it would create
/// (`apply::reconcile`); closes and compacts the ledger.
pub(super) async fn run_tasks(
    client: Client,
    ledger: Ledger,
    gate: Arc<Gate>,
    concurrency: u32,
    mut work: Work,
    places: &Places,
) -> Result<Summary, ApiError> {
    let state = ledger.state().clone();
    let recovery = Recovery::new(&state);
    let stop = Arc::new(AtomicBool::new(false));
    let (abandon_tx, abandon) = watch::channel(false);
    let progress = Progress::new(work.len() as u64);
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
        let mut abandon = abandon.clone();
        tokio::select! {
            result = call(&gate, &[], || client.authenticate()) => result,
            _ = abandon.wait_for(|given_up| *given_up) => Err(ApiError::Stopped { api: "gettoken" }),
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
    let writer = LedgerWriter::spawn(ledger);
    let seen = Mutex::new(SeenLives::load(&places.seen, client.corpid()));
    let look = Lookup {
        client: &client,
        gate: &gate,
        ledger: &writer,
        seen: &seen,
        owner: &places.owner,
        concurrency: concurrency as usize * 2,
    };
    let fatal = match reconcile(&look, &state, &mut work).await {
        Ok(found) => {
            for line in found.render().lines() {
                progress.println(line);
            }
            for id in &found.claimed {
                recovery.claim(id);
            }
            None
        }
        // Nothing is created when what the lookup found cannot be recorded.
        Err(err) => {
            work.first.clear();
            work.then.clear();
            Some(format!("{err}: the ledger cannot record results"))
        }
    };
    progress.set_total(work.len() as u64);
    let executor = Arc::new(Executor {
        client,
        gate,
        ledger: writer,
        media: MediaCache::default(),
        recovery,
        progress,
        stop,
        fatal: Mutex::new(fatal),
        concurrency: concurrency as usize * 2,
        abandon,
    });
    let plain = executor.progress.spawn_plain_lines();
    let summary = Arc::clone(&executor)
        .run(work.first, work.then, work.summary)
        .await;
    if let Some(i) = interrupt {
        i.abort();
    }
    if let Some(p) = plain {
        p.abort();
    }
    executor.progress.finish();
    let Ok(executor) = Arc::try_unwrap(executor) else {
        unreachable!("every task has finished");
    };
    let mut seen = seen.into_inner().expect("seen lock");
    if let Some(state) = close_ledger(executor.ledger).await {
        note_held(&mut seen, &state, &places.owner);
    }
    save_seen(&seen);
    Ok(summary)
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
