//! Rewriting a ledger small and sorted by key, atomically, so diffs in git stay small.
//!
//! For each key only the records that supply some part of its state survive
//! (the last one of each [`Role`]), in their original order and bytes, so the
//! state read back is the state before, and compacting again changes nothing.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;

use super::error::LedgerError;
use super::file::Ledger;
use super::scan::{Line, Tail, scan};
use super::state::{LedgerState, Role};

/// The lines to keep, grouped by key in key order, in file order within a key.
pub(crate) fn compact_lines(lines: &[Line]) -> Vec<&Line> {
    let mut keep: BTreeMap<&str, [Option<usize>; Role::ALL.len()]> = BTreeMap::new();
    for (index, line) in lines.iter().enumerate() {
        let slots = keep.entry(line.record.key.as_str()).or_default();
        for (slot, role) in slots.iter_mut().zip(Role::ALL) {
            if role.matches(&line.record) {
                *slot = Some(index);
            }
        }
    }
    let mut kept = Vec::new();
    for slots in keep.values() {
        let mut indices: Vec<usize> = slots.iter().flatten().copied().collect();
        indices.sort_unstable();
        indices.dedup();
        kept.extend(indices.into_iter().map(|index| &lines[index]));
    }
    kept
}

impl Ledger {
    /// Rewrite the ledger compact and sorted by key, then release it.
    ///
    /// The new file is written beside the old one, flushed, renamed over it and
    /// the folder flushed, so a crash leaves either the old file or the new one.
    /// Before writing, the compacted records are checked to give the same state.
    pub fn compact(mut self) -> Result<(), LedgerError> {
        if self.poisoned {
            return Err(LedgerError::Poisoned { path: self.path });
        }
        let bytes = self.read_back()?;
        let scan = scan(&bytes, &self.path)?;
        if scan.tail != Tail::Clean {
            // Open repaired the tail and appends end in a newline, so someone
            // else wrote to the file: better leave it than guess.
            return Err(LedgerError::CompactionMismatch { path: self.path });
        }
        let kept = compact_lines(&scan.lines);
        if LedgerState::from_records(kept.iter().map(|line| &line.record)) != self.state {
            return Err(LedgerError::CompactionMismatch { path: self.path });
        }
        let mut out = Vec::with_capacity(bytes.len());
        for line in kept {
            out.extend_from_slice(&line.raw);
            out.push(b'\n');
        }
        if out == bytes {
            // Already compact: leave the file, and its mtime, alone.
            return Ok(());
        }
        replace(&self.path, &self.file, &out)
        // Dropping `self.file` releases the lock on the old, now unlinked file;
        // `open` checks for exactly that and retries on the new one.
    }
}

/// Atomically replace `path` (whose open handle is `old`) with `contents`.
pub(super) fn replace(path: &Path, old: &File, contents: &[u8]) -> Result<(), LedgerError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".livesched-ledger-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|err| LedgerError::io("create a temporary file in", dir, err))?;
    // Keep the ledger's permissions rather than the temp file's private ones.
    let permissions = old
        .metadata()
        .map_err(|err| LedgerError::io("read the permissions of", path, err))?
        .permissions();
    temp.as_file()
        .set_permissions(permissions)
        .and_then(|()| temp.write_all(contents))
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|err| LedgerError::io("write", temp.path().to_path_buf(), err))?;
    temp.persist(path)
        .map_err(|err| LedgerError::io("replace", path, err.error))?;
    sync_dir(dir)
}

/// Make the rename itself durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), LedgerError> {
    File::open(dir)
        .and_then(|dir| dir.sync_all())
        .map_err(|err| LedgerError::io("flush the folder", dir, err))
}

/// Folders cannot be opened as files here; the rename is as durable as the OS makes it.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), LedgerError> {
    Ok(())
}
