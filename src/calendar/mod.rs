//! Term weeks, holidays, 调休 workdays and recurrence (weekly and RRULE).

pub mod rrule;
mod term;

pub use term::{Calendar, DayKind, monday_of};
