//! Term weeks, holidays, 调休 workdays and recurrence (weekly and RRULE).

pub mod rrule;
