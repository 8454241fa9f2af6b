//! The ledger: append with intent/result, lock, read, repair, compact.
//!
//! A JSON Lines file beside the schedule that remembers which lives exist.
//! [`LedgerState::read`] is the read-only view `plan` uses; [`Ledger::open`]
//! takes the file exclusively for `apply`, and [`LedgerWriter`] lets many tasks
//! append through one owner.

mod compact;
mod error;
mod file;
mod lock;
mod path;
mod read;
mod record;
mod scan;
mod state;
mod writer;

pub use error::{BadRecord, LedgerError};
pub use file::{Ledger, Repair};
pub use path::ledger_path_for;
pub use read::Reading;
pub use record::{Body, Event, Record};
pub use state::{KeyState, LedgerState};
pub use writer::LedgerWriter;
