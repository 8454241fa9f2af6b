//! The ledger: append with intent/result, lock, read, repair, compact.
//!
//! A JSON Lines file beside the schedule that remembers which lives exist.
//! [`LedgerState::read`] is the read-only view `plan` uses; [`Ledger::open`]
//! takes the file exclusively for `apply`, and [`LedgerWriter`] lets many tasks
//! append through one owner. [`SeenLives`] is the cache of lives seen in WeCom
//! that every ledger of a folder shares.

mod compact;
mod error;
mod file;
mod lock;
mod path;
mod read;
mod record;
mod scan;
mod seen;
mod state;
mod writer;

pub use error::{BadRecord, LedgerError};
pub use file::{Ledger, Repair};
pub use path::ledger_path_for;
pub use record::{Actual, Event, Record, foreign_key};
pub use seen::{SEEN_FILE, SeenLive, SeenLives, read_seen};
pub use state::{KeyState, LedgerState};
pub use writer::LedgerWriter;
