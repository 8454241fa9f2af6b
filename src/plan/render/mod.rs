//! Rendering a plan: a table for people, JSON and CSV for programs, iCalendar for calendars,
//! HTML for a term at a glance.

mod csv;
mod diff;
mod html;
mod ics;
mod json;
mod state;
mod table;
mod width;

pub use csv::csv;
pub use diff::{Listing, diff};
pub use html::html;
pub use ics::ics;
pub use json::json;
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
