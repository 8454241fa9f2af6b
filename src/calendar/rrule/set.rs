//! The recurrence set of a [`RecurrenceSpec`]: RRULE occurrences and RDATEs, less EXDATEs.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::error::RRuleError;
use super::ical::RecurrenceSpec;

impl RecurrenceSpec {
    /// Every occurrence up to `limit` (inclusive), ascending and without duplicates:
    /// the RRULE expanded from DTSTART (DTSTART itself only if it matches), plus
    /// the RDATEs, less the EXDATEs. Without an RRULE, DTSTART is an occurrence.
    ///
    /// COUNT limits the RRULE's own occurrences, before EXDATEs remove any, as in
    /// python-dateutil's `rruleset`. Errs when there is an RRULE but no DTSTART.
    pub fn occurrences(&self, tz: &TimeZone, limit: DateTime) -> Result<Vec<DateTime>, RRuleError> {
        let mut out: Vec<DateTime> = match (&self.rule, self.dtstart) {
            (Some(rule), Some(start)) => rule.occurrences(start, tz, limit).collect(),
            (Some(rule), None) => {
                return Err(
                    RRuleError::new("`RRULE` needs a `DTSTART`", rule.spans.whole.clone())
                        .with_help(
                            "add a line such as `DTSTART;TZID=Asia/Shanghai:20270305T150000`",
                        ),
                );
            }
            (None, start) => start.into_iter().filter(|dt| *dt <= limit).collect(),
        };
        out.extend(self.rdates.iter().filter(|dt| **dt <= limit));
        out.sort();
        out.dedup();
        out.retain(|dt| self.exdates.binary_search(dt).is_err());
        Ok(out)
    }
}
