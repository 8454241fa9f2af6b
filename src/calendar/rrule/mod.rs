//! RFC 5545 recurrence rules (RRULE, EXRULE, RDATE, EXDATE), expanded in civil time.
//!
//! Semantics follow python-dateutil with a zone-aware DTSTART: occurrences are
//! generated as wall-clock times (sub-daily rules step on the wall clock too), and
//! placing them on the timeline is the caller's job. Deliberate departures: an UNTIL
//! given as a date includes that whole day; `BYDAY=MO,1FR` means every Monday plus
//! the first Friday (RFC 5545), where dateutil yields nothing; BYWEEKNO follows ISO
//! 8601 where dateutil 2.9 misnumbers weeks across a year boundary; and what RFC 5545
//! forbids (section 3.3.10) is refused, where dateutil accepts it.

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
