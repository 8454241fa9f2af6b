//! The recurrence set of a [`RecurrenceSpec`]: RRULE occurrences and RDATEs, less
//! EXDATEs and EXRULE occurrences, merged lazily.

use std::iter::Peekable;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::error::RRuleError;
use super::expand::Occurrences;
use super::ical::RecurrenceSpec;

/// The occurrences of a recurrence set, ascending, without duplicates; see
/// [`RecurrenceSpec::iter`]. Holds one rule iterator per RRULE and EXRULE and the
/// listed dates, never the expansion.
#[derive(Debug, Clone)]
pub struct SetOccurrences<'a> {
    rule: Option<Peekable<Occurrences>>,
    rdates: std::iter::Peekable<std::slice::Iter<'a, DateTime>>,
    exdates: &'a [DateTime],
    exrules: Vec<Peekable<Occurrences>>,
    limit: DateTime,
    last: Option<DateTime>,
}

impl RecurrenceSpec {
    /// Every occurrence up to `limit` (inclusive), ascending and without duplicates:
    /// the RRULE expanded from DTSTART (DTSTART itself only if it matches), plus
    /// the RDATEs, less the EXDATEs and whatever an EXRULE yields from DTSTART.
    /// Without an RRULE, DTSTART is an occurrence.
    ///
    /// COUNT limits the RRULE's own occurrences, before EXDATEs remove any, as in
    /// python-dateutil's `rruleset`. Errs when there is an RRULE or EXRULE but no DTSTART.
    pub fn iter(&self, tz: &TimeZone, limit: DateTime) -> Result<SetOccurrences<'_>, RRuleError> {
        let Some(start) = self.dtstart else {
            if let Some(rule) = self.rule.as_ref().or(self.exrules.first()) {
                return Err(
                    RRuleError::new("a rule needs a `DTSTART`", rule.spans.whole.clone())
                        .expected("a DTSTART line before the rule")
                        .with_help(
                            "add a line such as `DTSTART;TZID=Asia/Shanghai:20270305T150000`",
                        ),
                );
            }
            return Ok(SetOccurrences {
                rule: None,
                rdates: self.rdates.iter().peekable(),
                exdates: &self.exdates,
                exrules: Vec::new(),
                limit,
                last: None,
            });
        };
        let rule = match &self.rule {
            Some(rule) => rule.occurrences(start, tz, limit),
            // A lone DTSTART is the one occurrence: a rule yielding it once.
            None => super::parse_rrule("FREQ=DAILY;COUNT=1")
                .map(|once| once.occurrences(start, tz, limit))?,
        };
        Ok(SetOccurrences {
            rule: Some(rule.peekable()),
            rdates: self.rdates.iter().peekable(),
            exdates: &self.exdates,
            exrules: self
                .exrules
                .iter()
                .map(|r| r.occurrences(start, tz, limit).peekable())
                .collect(),
            limit,
            last: None,
        })
    }

    /// [`iter`](Self::iter), collected.
    pub fn occurrences(&self, tz: &TimeZone, limit: DateTime) -> Result<Vec<DateTime>, RRuleError> {
        Ok(self.iter(tz, limit)?.collect())
    }
}

impl SetOccurrences<'_> {
    /// The next candidate from the rule or the RDATEs, whichever comes first.
    fn candidate(&mut self) -> Option<DateTime> {
        let from_rule = self.rule.as_mut().and_then(|r| r.peek().copied());
        let from_list = self.rdates.peek().map(|d| **d).filter(|d| *d <= self.limit);
        match (from_rule, from_list) {
            (Some(a), Some(b)) if b < a => self.rdates.next().copied(),
            (Some(_), _) => self.rule.as_mut().and_then(Iterator::next),
            (None, Some(_)) => self.rdates.next().copied(),
            (None, None) => None,
        }
    }

    fn excluded(&mut self, dt: DateTime) -> bool {
        if self.exdates.binary_search(&dt).is_ok() {
            return true;
        }
        let mut hit = false;
        for exrule in &mut self.exrules {
            while exrule.next_if(|ex| *ex < dt).is_some() {}
            hit |= exrule.peek() == Some(&dt);
        }
        hit
    }
}

impl Iterator for SetOccurrences<'_> {
    type Item = DateTime;

    fn next(&mut self) -> Option<DateTime> {
        loop {
            let dt = self.candidate()?;
            if self.last == Some(dt) || self.excluded(dt) {
                continue;
            }
            self.last = Some(dt);
            return Some(dt);
        }
    }
}
