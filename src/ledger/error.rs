//! Everything that can go wrong with a ledger, worded for the person running `apply`.

use std::io;
use std::path::PathBuf;

/// An error reading, locking, writing or compacting a ledger.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LedgerError {
    #[error("ledger `{}` is locked", .path.display())]
    #[diagnostic(
        code(livesched::ledger::locked),
        help("another `livesched apply` is running on this ledger; wait for it to finish")
    )]
    Locked { path: PathBuf },

    #[error("line {line} of `{}` is not a valid ledger record", .path.display())]
    #[diagnostic(
        code(livesched::ledger::corrupt),
        help(
            "the ledger is written by `livesched apply` only; restore it from version control \
             or fix that line by hand (nothing was sent and nothing was written)"
        )
    )]
    Corrupt {
        path: PathBuf,
        /// 1-based.
        line: usize,
        #[source]
        source: BadRecord,
    },

    #[error("could not {op} `{}`", .path.display())]
    #[diagnostic(code(livesched::ledger::io))]
    Io {
        /// What was being done, as a verb phrase: "read", "append to", ….
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("could not encode the record for `{key}`")]
    #[diagnostic(code(livesched::ledger::encode))]
    Encode {
        key: String,
        #[source]
        source: serde_json::Error,
    },

    #[error("ledger `{}` is unusable after an earlier failed write", .path.display())]
    #[diagnostic(
        code(livesched::ledger::poisoned),
        help(
            "stop sending requests: their results could not be recorded; \
             the next `livesched apply` recovers from what the ledger holds"
        )
    )]
    Poisoned { path: PathBuf },

    #[error("compacting `{}` would change what it says; it was left as it was", .path.display())]
    #[diagnostic(
        code(livesched::ledger::compact),
        help("this is a bug in livesched; the uncompacted ledger is still valid")
    )]
    CompactionMismatch { path: PathBuf },

    #[error("the ledger writer has stopped")]
    #[diagnostic(
        code(livesched::ledger::closed),
        help("the ledger was closed, or its writer task ended early")
    )]
    Closed,
}

impl LedgerError {
    /// The same failure for another caller of one group commit (errors do not clone).
    pub(crate) fn shared(&self) -> LedgerError {
        match self {
            LedgerError::Locked { path } => LedgerError::Locked { path: path.clone() },
            LedgerError::Poisoned { path } => LedgerError::Poisoned { path: path.clone() },
            LedgerError::CompactionMismatch { path } => {
                LedgerError::CompactionMismatch { path: path.clone() }
            }
            LedgerError::Io { op, path, source } => LedgerError::Io {
                op,
                path: path.clone(),
                source: io::Error::new(source.kind(), source.to_string()),
            },
            LedgerError::Corrupt { path, .. } => LedgerError::Poisoned { path: path.clone() },
            LedgerError::Encode { key, source } => LedgerError::Io {
                op: "encode a record beside",
                path: PathBuf::from(key),
                source: io::Error::other(source.to_string()),
            },
            LedgerError::Closed => LedgerError::Closed,
        }
    }

    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        LedgerError::Io {
            op,
            path: path.into(),
            source,
        }
    }
}

/// Why a line is not a record. serde_json counts lines within the one line it
/// was given, which would contradict the ledger's line number; only the column is kept.
#[derive(Debug, thiserror::Error)]
#[error("{message}, at column {column}")]
pub struct BadRecord {
    pub message: String,
    pub column: usize,
}

impl From<serde_json::Error> for BadRecord {
    fn from(err: serde_json::Error) -> BadRecord {
        let full = err.to_string();
        let position = format!(" at line {} column {}", err.line(), err.column());
        BadRecord {
            message: full.strip_suffix(&position).unwrap_or(&full).to_owned(),
            column: err.column(),
        }
    }
}
