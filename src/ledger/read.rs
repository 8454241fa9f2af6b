//! Reading a ledger without taking it, for `plan`.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use super::error::LedgerError;
use super::scan::{End, Tail, each_held};
use super::state::LedgerState;

impl LedgerState {
    /// The state of the ledger at `path`, without locking or writing it. The
    /// file is read whole, as the state keeps its text (see `held.rs`): nothing
    /// is held besides the state.
    ///
    /// A missing file is an empty ledger. A torn last line is ignored, not
    /// repaired (a running `apply` may be writing it right now); any other bad
    /// line is an error naming it.
    pub fn read(path: &Path) -> Result<LedgerState, LedgerError> {
        let (state, torn) = read_quietly(path)?;
        warn_of(path, torn);
        Ok(state)
    }

    /// [`LedgerState::read`] on a thread of its own, for a caller with other work
    /// to do meanwhile (`plan` plans the schedule). The warning about a torn line
    /// is given by [`Reading::join`], so that it comes after the caller's own output.
    pub fn read_in_background(path: PathBuf) -> Reading {
        let thread = {
            let path = path.clone();
            std::thread::spawn(move || read_quietly(&path))
        };
        Reading { path, thread }
    }
}

/// A ledger being read; see [`LedgerState::read_in_background`].
pub struct Reading {
    path: PathBuf,
    thread: JoinHandle<Result<(LedgerState, Option<usize>), LedgerError>>,
}

impl Reading {
    /// Waits for the state: what [`LedgerState::read`] would have returned.
    pub fn join(self) -> Result<LedgerState, LedgerError> {
        let (state, torn) = match self.thread.join() {
            Ok(read) => read?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        warn_of(&self.path, torn);
        Ok(state)
    }
}

/// The state, and the number of a torn last line.
fn read_quietly(path: &Path) -> Result<(LedgerState, Option<usize>), LedgerError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Ok((LedgerState::default(), None));
        }
        Err(err) => return Err(LedgerError::io("read", path, err)),
    };
    let (state, end) = state_of(&file, path)?;
    let torn = match end.tail {
        Tail::Torn { line, .. } => Some(line),
        Tail::Clean | Tail::MissingNewline => None,
    };
    Ok((state, torn))
}

/// The state of the ledger in `file`, read from where it stands to its end,
/// and how it ends. The whole file is read at once: the state keeps its text,
/// a record's parts spans of it.
pub(super) fn state_of(file: &File, path: &Path) -> Result<(LedgerState, End), LedgerError> {
    let len = file.metadata().map_or(0, |m| m.len());
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    let mut file = file;
    file.read_to_end(&mut bytes)
        .map_err(|err| LedgerError::io("read", path, err))?;
    let mut state = LedgerState::default();
    // A compacted ledger holds a line of about 200 bytes per session.
    state.reserve(bytes.len() / 200);
    let end = each_held(bytes, path, |record| state.push_held(record))?;
    Ok((state, end))
}

fn warn_of(path: &Path, torn: Option<usize>) {
    if let Some(line) = torn {
        tracing::warn!(path = %path.display(), line, "ignoring a torn last line in the ledger");
    }
}
