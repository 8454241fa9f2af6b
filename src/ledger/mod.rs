//! The ledger: append with intent/result, lock, read, repair, compact.
//!
//! A JSON Lines file beside the schedule that remembers which lives exist.
//! [`LedgerState::read`] is the read-only view `plan` uses (on a thread of its
//! own: [`LedgerState::read_in_background`]); [`Ledger::open`] takes the file
//! exclusively for `apply`, and [`LedgerWriter`] lets many tasks append through
//! one owner. Both read the file whole into a [`LedgerState`] that keeps it as
//! its text, each line where it was read (see `held.rs`), one record standing
//! for every part of a key's state it supplies. [`SeenLives`] is the
//! cache of lives seen in WeCom that every ledger of a folder shares.

mod body;
mod compact;
mod error;
mod fast_line;
mod file;
mod held;
mod lock;
mod path;
mod read;
mod record;
mod scan;
mod seen;
mod state;
mod writer;

pub use body::{Body, BodyRef};
pub use error::{BadRecord, LedgerError};
pub use file::{Ledger, Repair};
pub use path::ledger_path_for;
pub use read::Reading;
pub use record::{Actual, Event, Record, foreign_key};
pub use seen::{SEEN_FILE, SeenLive, SeenLives, read_seen};
pub use state::{KeyState, LedgerState};
pub use writer::LedgerWriter;
