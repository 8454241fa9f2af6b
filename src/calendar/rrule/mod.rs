//! RFC 5545 recurrence rules (RRULE, RDATE, EXDATE), expanded in civil time.
//!
//! Semantics follow python-dateutil with a zone-aware DTSTART: occurrences are
//! generated as wall-clock times, and placing them on the timeline is the
//! caller's job. Two deliberate departures: an UNTIL given as a date includes
//! that whole day, and `BYDAY=MO,1FR` means every Monday plus the first Friday
//! (RFC 5545), where dateutil yields nothing.

mod check;
mod error;
mod expand;
mod filter;
mod ical;
mod parse;
mod period;
mod rule;
mod set;
mod steps;
mod value;

pub use check::PRODUCES_NOTHING;
pub use error::RRuleError;
pub use expand::Occurrences;
pub use ical::{RdatePlace, RecurrenceSpec, SpecPlaces, parse_ical};
pub use parse::parse_rrule;
pub use rule::{Frequency, RRule, Until, WeekdayNum};
pub use set::SetOccurrences;
