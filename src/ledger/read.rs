//! Reading a ledger without taking it, for `plan`.

use std::fs::File;
use std::io::{self, BufReader};
use std::path::Path;

use super::error::LedgerError;
use super::scan::{Tail, each_record};
use super::state::LedgerState;

impl LedgerState {
    /// The state of the ledger at `path`, without locking or writing it, read a
    /// line at a time: only the state is held, never the file.
    ///
    /// A missing file is an empty ledger. A torn last line is ignored, not
    /// repaired (a running `apply` may be writing it right now); any other bad
    /// line is an error naming it.
    pub fn read(path: &Path) -> Result<LedgerState, LedgerError> {
        let file = match File::open(path) {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(LedgerState::default()),
            Err(err) => return Err(LedgerError::io("read", path, err)),
        };
        let mut state = LedgerState::default();
        let reader = BufReader::with_capacity(1 << 16, file);
        let end = each_record(reader, path, |_, record| state.push(record))?;
        if let Tail::Torn { line, .. } = end.tail {
            tracing::warn!(path = %path.display(), line, "ignoring a torn last line in the ledger");
        }
        Ok(state)
    }
}
