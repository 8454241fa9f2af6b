//! Whether a rule can ever produce an occurrence, whatever its DTSTART.

use jiff::civil::date;

use super::error::RRuleError;
use super::filter::Filter;
use super::period::{Periods, for_each_day};
use super::rule::{Frequency, RRule};

/// Years after which the Gregorian calendar, weekdays included, repeats itself.
const CYCLE_YEARS: i16 = 400;

impl RRule {
    /// Err when the rule can never produce an occurrence, for any DTSTART
    /// (`BYMONTHDAY=30;BYMONTH=2`, `BYMONTHDAY=31;BYMONTH=4,6,9,11`, `BYDAY=6FR`,
    /// a BYSETPOS beyond the candidates of every period, …). The span points at
    /// the part to blame, in the text the rule was parsed from.
    pub fn check_satisfiable(&self) -> Result<(), RRuleError> {
        let most = self.most_candidates();
        if most == 0 {
            let (span, help) = if let Some(span) = &self.spans.by_month_day {
                (
                    span.clone(),
                    "no month the rule allows has these days, or they never fall on the weekdays in `BYDAY`",
                )
            } else if let Some(span) = &self.spans.by_day {
                (
                    span.clone(),
                    "no month the rule allows has these weekdays: a month has at most 5 of each",
                )
            } else {
                (
                    self.spans.whole.clone(),
                    "check the BY parts against each other",
                )
            };
            return Err(
                RRuleError::new("the rule never produces an occurrence", span).with_help(help),
            );
        }
        if self.by_set_pos.is_empty()
            || self
                .by_set_pos
                .iter()
                .any(|p| usize::from(p.unsigned_abs()) <= most)
        {
            return Ok(());
        }
        let span = self
            .spans
            .by_set_pos
            .clone()
            .unwrap_or(self.spans.whole.clone());
        Err(RRuleError::new(
            "`BYSETPOS` never selects an occurrence",
            span,
        )
        .with_help(format!(
            "each {} has at most {most} candidate{}, so positions must lie within -{most}..={most}",
            period_name(self),
            if most == 1 { "" } else { "s" },
        )))
    }

    /// The most candidates (days × times, before BYSETPOS) any period can hold.
    fn most_candidates(&self) -> usize {
        let times =
            self.by_hour.len().max(1) * self.by_minute.len().max(1) * self.by_second.len().max(1);
        // Without BYDAY or BYMONTHDAY, DTSTART supplies the day: one per period
        // (per listed month in a yearly rule), and a DTSTART early in the month
        // makes each of those days exist.
        if self.by_day.is_empty() && self.by_month_day.is_empty() {
            let days = if self.freq == Frequency::Yearly {
                self.by_month.len().max(1)
            } else {
                1
            };
            return days * times;
        }
        let filter = Filter::new(self, None);
        let mut periods = Periods::new(self.freq, 1, self.wkst, date(2000, 1, 1));
        let end = date(2000 + CYCLE_YEARS, 1, 1);
        // Enough days to satisfy the widest position ends the scan early.
        let wanted = self
            .by_set_pos
            .iter()
            .map(|p| usize::from(p.unsigned_abs()))
            .max()
            .unwrap_or(1)
            .div_ceil(times);
        let mut most = 0;
        while let Some((start, len)) = periods.advance() {
            if start >= end {
                break;
            }
            let mut days = 0;
            for_each_day(start, len, |day| days += usize::from(filter.matches(day)));
            most = most.max(days);
            if most >= wanted {
                break;
            }
        }
        most * times
    }
}

fn period_name(rule: &RRule) -> &'static str {
    match rule.freq {
        Frequency::Daily => "day",
        Frequency::Weekly => "week",
        Frequency::Monthly => "month",
        Frequency::Yearly => "year",
    }
}
