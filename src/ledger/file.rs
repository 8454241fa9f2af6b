//! An open, exclusively locked ledger: open with repair, and durable appends.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::error::LedgerError;
use super::lock::open_locked;
use super::read::state_of;
use super::record::{Event, Record};
use super::scan::Tail;
use super::state::LedgerState;

/// A ledger opened for writing. The lock is held until it is dropped or compacted.
#[derive(Debug)]
pub struct Ledger {
    pub(super) path: PathBuf,
    pub(super) file: File,
    pub(super) state: LedgerState,
    /// Bytes in the file that are known good: where a failed append is cut back to.
    len: u64,
    /// Set when an append failed and the file may not match `state` any more.
    pub(super) poisoned: bool,
    repair: Option<Repair>,
}

/// What [`Ledger::open`] fixed at the end of the file, for the caller to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// A torn last line (1-based `line`, `bytes` long) was cut off. What it said
    /// is unknown, so its session (`key`, when the torn bytes still name it) is
    /// in doubt: an intent to create was recorded for it, and the next create
    /// looks the live up first. Without a key, every create of the run does.
    TornLine {
        line: usize,
        bytes: u64,
        key: Option<String>,
    },
    /// The last record lacked its newline; one was added.
    AddedNewline,
}

impl std::fmt::Display for Repair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Repair::TornLine {
                line,
                bytes,
                key: Some(key),
            } => write!(
                f,
                "line {line} was cut off mid-write; its {bytes} bytes were removed, \
                 and `{key}` will be looked up in WeCom before anything is created for it"
            ),
            Repair::TornLine {
                line,
                bytes,
                key: None,
            } => write!(
                f,
                "line {line} was cut off mid-write; its {bytes} bytes were removed, \
                 and every session will be looked up in WeCom before it is created"
            ),
            Repair::AddedNewline => {
                f.write_str("the last record lacked its newline; one was added")
            }
        }
    }
}

impl Ledger {
    /// Open (creating if missing) and lock the ledger at `path`.
    ///
    /// Fails at once with [`LedgerError::Locked`] if another process, or another
    /// `Ledger` in this one, has it. A torn last line is cut off and reported by
    /// [`Ledger::repair`]; any other bad line is an error naming it, and then
    /// nothing is written.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        let target = through_symlinks(path);
        let path = target.as_path();
        let mut file = open_locked(path)?;
        file.seek(SeekFrom::Start(0))
            .map_err(|err| LedgerError::io("read", path, err))?;
        let (state, end) = state_of(&file, path)?;
        let mut len = end.len;
        let repair = match end.tail {
            Tail::Clean => None,
            Tail::MissingNewline => {
                file.write_all(b"\n")
                    .and_then(|()| file.sync_data())
                    .map_err(|err| LedgerError::io("repair", path, err))?;
                len += 1;
                Some(Repair::AddedNewline)
            }
            Tail::Torn { offset, line } => {
                // set_len changes the size, which sync_data also makes durable.
                file.set_len(offset)
                    .and_then(|()| file.sync_data())
                    .map_err(|err| LedgerError::io("repair", path, err))?;
                tracing::warn!(path = %path.display(), line, "cut off a torn last line of the ledger");
                let key = torn_key(&end.torn);
                let bytes = len - offset;
                len = offset;
                Some(Repair::TornLine { line, bytes, key })
            }
        };
        let mut ledger = Ledger {
            path: path.to_path_buf(),
            file,
            state,
            len,
            poisoned: false,
            repair,
        };
        ledger.mark_torn_key_in_doubt()?;
        Ok(ledger)
    }

    /// The torn line may have been the only record of a live (the `created` line
    /// of a compacted ledger, say): unless the ledger still holds a live for its
    /// key, an intent to create records the doubt, so that even a run killed
    /// right now leaves the lookup to the next one.
    fn mark_torn_key_in_doubt(&mut self) -> Result<(), LedgerError> {
        let Some(Repair::TornLine { key: Some(key), .. }) = &self.repair else {
            return Ok(());
        };
        if self.state.get(key).is_some_and(|k| k.livingid().is_some()) {
            return Ok(());
        }
        let marker =
            Record::new(key.clone(), Event::Intent, jiff::Timestamp::now()).with_action("create");
        self.append(&marker)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn state(&self) -> &LedgerState {
        &self.state
    }

    /// What opening the ledger repaired, if anything.
    pub fn repair(&self) -> Option<&Repair> {
        self.repair.as_ref()
    }

    /// Append `record` as one line and flush it to disk before returning, so an
    /// API call that depends on it can go ahead.
    ///
    /// If the write fails the file is cut back to its last good line and the
    /// ledger refuses further appends ([`LedgerError::Poisoned`]): results that
    /// cannot be recorded must not be produced.
    pub fn append(&mut self, record: &Record) -> Result<(), LedgerError> {
        self.append_all(std::slice::from_ref(record))
    }

    /// Appends `records` with one write and one fsync (group commit): concurrent
    /// callers share the cost of the fsync instead of queueing for one each.
    /// All or none are recorded, as for [`Ledger::append`].
    pub fn append_all(&mut self, records: &[Record]) -> Result<(), LedgerError> {
        if self.poisoned {
            return Err(LedgerError::Poisoned {
                path: self.path.clone(),
            });
        }
        let mut lines = Vec::new();
        for record in records {
            lines.extend(record.to_line().map_err(|source| LedgerError::Encode {
                key: record.key.clone(),
                source,
            })?);
        }
        let line = lines;
        // One write_all of every line: a crash leaves at most a torn last line.
        if let Err(err) = self
            .file
            .write_all(&line)
            .and_then(|()| self.file.sync_data())
        {
            self.poisoned = true;
            // Best effort: a half line followed by later appends would be corruption.
            if self
                .file
                .set_len(self.len)
                .and_then(|()| self.file.sync_data())
                .is_err()
            {
                tracing::error!(path = %self.path.display(), "could not cut back a failed append");
            }
            return Err(LedgerError::io("append to", &self.path, err));
        }
        self.len += line.len() as u64;
        for record in records {
            self.state.push(record.clone());
        }
        Ok(())
    }

    /// The whole file as it is on disk now, read through the locked handle.
    pub(super) fn read_back(&mut self) -> Result<Vec<u8>, LedgerError> {
        read_all(&mut self.file, &self.path)
    }
}

/// A ledger reached through a symlink is opened, locked and compacted at the
/// link's target: renaming a compacted copy over the link itself would leave the
/// target stale, and a later run through the real path would create everything again.
fn through_symlinks(path: &Path) -> PathBuf {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return path.to_path_buf();
    }
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        // A dangling link: its target is created where it points.
        match std::fs::read_link(path) {
            Ok(to) if to.is_absolute() => to,
            Ok(to) => path.parent().unwrap_or(Path::new("")).join(to),
            Err(_) => path.to_path_buf(),
        }
    })
}

/// The session key a torn line begins with, when its bytes still hold all of it.
fn torn_key(torn: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(torn);
    let rest = text.split_once(r#""key":""#)?.1;
    let (key, _) = rest.split_once('"')?;
    (!key.is_empty() && !key.contains('\\')).then(|| key.to_string())
}

fn read_all(file: &mut File, path: &Path) -> Result<Vec<u8>, LedgerError> {
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(0))
        .and_then(|_| file.read_to_end(&mut bytes))
        .map_err(|err| LedgerError::io("read", path, err))?;
    Ok(bytes)
}
