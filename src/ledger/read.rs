//! Reading a ledger without taking it, for `plan`.

use std::fs;
use std::io;
use std::path::Path;

use super::error::LedgerError;
use super::scan::{Tail, scan};
use super::state::LedgerState;

impl LedgerState {
    /// The state of the ledger at `path`, without locking or writing it.
    ///
    /// A missing file is an empty ledger. A torn last line is ignored, not
    /// repaired (a running `apply` may be writing it right now); any other bad
    /// line is an error naming it.
    pub fn read(path: &Path) -> Result<LedgerState, LedgerError> {
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(LedgerState::default()),
            Err(err) => return Err(LedgerError::io("read", path, err)),
        };
        let scan = scan(&bytes, path)?;
        if let Tail::Torn { line, .. } = scan.tail {
            tracing::warn!(path = %path.display(), line, "ignoring a torn last line in the ledger");
        }
        Ok(LedgerState::from_records(
            scan.lines.iter().map(|line| &line.record),
        ))
    }
}
