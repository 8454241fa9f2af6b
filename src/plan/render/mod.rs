//! Rendering a plan: a table for people, JSON and CSV for programs, iCalendar for calendars,
//! HTML for a term at a glance.
//!
//! Every renderer writes to an `io::Write` as it goes, a session at a time: a
//! plan of a million sessions is never held as one document (nor as a
//! `serde_json::Value`) on its way out.

mod csv;
mod diff;
mod html;
mod ics;
mod json;
mod json_write;
mod state;
mod table;
mod width;

use std::fmt;
use std::io;

pub use csv::{csv, csv_of_file};
pub use diff::{Listing, diff};
pub use html::html;
pub use ics::ics;
pub use json::{Document, json, json_of_files};
pub use state::SessionState;
pub use table::table;
pub use width::{display_width, pad};

/// `1h30m`, `45m`, `2h`.
pub fn human_duration(seconds: i64) -> String {
    let (h, m) = (seconds / 3600, (seconds % 3600) / 60);
    match (h, m) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}

/// Text written straight through to an `io::Write`, for renderers that write
/// with `write!`. The first error is kept (and nothing written after it) and
/// returned by [`Out::finish`], so that a renderer reads as if it wrote to a
/// `String`.
pub(crate) struct Out<'w, W: io::Write> {
    inner: &'w mut W,
    error: Option<io::Error>,
}

impl<'w, W: io::Write> Out<'w, W> {
    pub(crate) fn new(inner: &'w mut W) -> Self {
        Out { inner, error: None }
    }

    pub(crate) fn finish(self) -> io::Result<()> {
        self.error.map_or(Ok(()), Err)
    }
}

impl<W: io::Write> fmt::Write for Out<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.error.is_some() {
            return Err(fmt::Error);
        }
        self.inner.write_all(s.as_bytes()).map_err(|err| {
            self.error = Some(err);
            fmt::Error
        })
    }
}
