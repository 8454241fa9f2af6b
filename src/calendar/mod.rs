//! Term weeks, holidays, 调休 workdays and recurrence (weekly and RRULE).

mod model;
pub mod rrule;
mod term;

pub use model::{Holiday, RunsAs, Term, Workday};
pub use term::{Calendar, DayKind, monday_of};
