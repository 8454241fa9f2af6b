//! Running executor tasks to the end: progress, Ctrl-C, and the ledger closed
//! and compacted afterwards.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::apply::{Executor, Gate, MediaCache, Progress, Recovery, Summary, Work};
use crate::ledger::{Ledger, LedgerWriter};
use crate::wecom::Client;

/// Runs `work.first`, then `work.then`, through an executor with progress and
/// Ctrl-C handling; closes and compacts the ledger.
pub(super) async fn run_tasks(
    client: Client,
    ledger: Ledger,
    gate: Arc<Gate>,
    concurrency: u32,
    work: Work,
) -> Summary {
    let recovery = Recovery::new(ledger.state());
    let stop = Arc::new(AtomicBool::new(false));
    let executor = Arc::new(Executor {
        client,
        gate,
        ledger: LedgerWriter::spawn(ledger),
        media: MediaCache::default(),
        recovery,
        progress: Progress::new(work.len() as u64),
        stop: Arc::clone(&stop),
        fatal: Mutex::new(None),
        concurrency: concurrency as usize * 2,
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
    let summary = Arc::clone(&executor)
        .run(work.first, work.then, work.summary)
        .await;
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
pub(super) async fn close_ledger(writer: LedgerWriter) {
    match writer.close().await {
        Ok(ledger) => {
            if let Err(err) = ledger.compact() {
                eprintln!("warning: the ledger was kept uncompacted: {err}");
            }
        }
        Err(err) => eprintln!("warning: {err}"),
    }
}
