//! One task owns the ledger during `apply`; any number of handles append through it.
//!
//! Appends fsync, which blocks, so the owner runs on tokio's blocking pool
//! rather than stalling the workers that drive the API calls.

use tokio::sync::{mpsc, oneshot};

use super::error::LedgerError;
use super::file::Ledger;
use super::record::Record;

/// Enough to keep concurrent requests from waiting on each other to enqueue.
const QUEUE: usize = 64;

enum Command {
    Append(Record, oneshot::Sender<Result<(), LedgerError>>),
    Close(oneshot::Sender<Ledger>),
}

/// A cloneable handle to the task that owns a [`Ledger`].
///
/// Finish with [`LedgerWriter::close`], which hands the ledger back (to
/// [`Ledger::compact`] it, or drop it to release the lock). If every handle is
/// dropped instead, the task ends and the lock is released without compaction.
#[derive(Debug, Clone)]
pub struct LedgerWriter {
    tx: mpsc::Sender<Command>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Command::Append(record, _) => f.debug_tuple("Append").field(record).finish(),
            Command::Close(_) => f.write_str("Close"),
        }
    }
}

impl LedgerWriter {
    /// Move `ledger` into a task of its own. Must be called inside a tokio runtime.
    pub fn spawn(ledger: Ledger) -> LedgerWriter {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::task::spawn_blocking(move || run(ledger, rx));
        LedgerWriter { tx }
    }

    /// Append `record`; resolves once the line is on disk.
    pub async fn append(&self, record: Record) -> Result<(), LedgerError> {
        let (reply, done) = oneshot::channel();
        self.tx
            .send(Command::Append(record, reply))
            .await
            .map_err(|_| LedgerError::Closed)?;
        done.await.map_err(|_| LedgerError::Closed)?
    }

    /// Stop the task once the appends queued before this call are written, and
    /// return the ledger, still locked. Appends through other handles after
    /// this fail with [`LedgerError::Closed`].
    pub async fn close(self) -> Result<Ledger, LedgerError> {
        let (reply, done) = oneshot::channel();
        self.tx
            .send(Command::Close(reply))
            .await
            .map_err(|_| LedgerError::Closed)?;
        done.await.map_err(|_| LedgerError::Closed)
    }
}

fn run(mut ledger: Ledger, mut rx: mpsc::Receiver<Command>) {
    while let Some(command) = rx.blocking_recv() {
        let mut records = Vec::new();
        let mut replies = Vec::new();
        let mut close = None;
        let mut next = Some(command);
        // Everything queued while the last fsync ran goes out with the next one.
        while let Some(command) = next.take() {
            match command {
                Command::Append(record, reply) => {
                    records.push(record);
                    replies.push(reply);
                    next = rx.try_recv().ok();
                }
                Command::Close(reply) => close = Some(reply),
            }
        }
        if !records.is_empty() {
            let result = ledger.append_all(&records);
            for reply in replies {
                // The caller may have given up waiting; the lines are written all the same.
                let _ = reply.send(match &result {
                    Ok(()) => Ok(()),
                    Err(err) => Err(err.shared()),
                });
            }
        }
        if let Some(reply) = close {
            let _ = reply.send(ledger);
            return;
        }
    }
}
