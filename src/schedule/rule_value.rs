//! A class's `rrule` value into a [`RuleSpec`]: the rule or pasted iCalendar block
//! parsed, its start settled, and every problem pointed at the bytes inside the value.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::fields::Sp;
use super::model::{RuleSpec, Term};
use super::problem::{Problem, Problems};
use super::source::{Origin, Sources, value_offset};
use crate::calendar::rrule::{RRuleError, RecurrenceSpec, parse_ical};

/// Where the value was written and how to point inside it.
struct Value<'a> {
    id: &'a Sp<String>,
    text: &'a Sp<String>,
    file_text: &'a str,
}

impl Value<'_> {
    /// The place in the file of a byte range of the value.
    fn origin(&self, span: std::ops::Range<usize>) -> Origin {
        let (text, origin) = (&self.text.value, self.text.origin);
        let from = value_offset(self.file_text, origin, text, span.start);
        let to = value_offset(self.file_text, origin, text, span.end);
        Origin::new(origin.file, from, to.saturating_sub(from))
    }

    /// The engine's error as a problem at its place in the file.
    fn problem(&self, err: RRuleError) -> Problem {
        let expected = err.expected.as_deref().unwrap_or("a valid rule");
        Problem::error(
            format!(
                "invalid `rrule` of class `{}`: {}",
                self.id.value, err.message
            ),
            Some(self.origin(err.span.clone())),
        )
        .label(format!("expected {expected}"))
        .help(err.help.clone().unwrap_or_else(|| {
            "see the README's RRULE section for what a rule may hold".to_string()
        }))
        .also(err.also.iter().map(|s| self.origin(s.clone())))
    }
}

/// An `rrule` value: a bare rule with `start`, or pasted iCalendar lines that carry
/// their own `DTSTART` (and maybe `EXRULE`, `RDATE`, `EXDATE`). `term` gives the zone
/// the rule must be written in; `duration` is the class's, for RDATE periods.
pub fn rule(
    id: &Sp<String>,
    text: &Sp<String>,
    start: Option<&Sp<DateTime>>,
    term: Option<&Term>,
    duration: Option<i64>,
    sources: &Sources,
    problems: &mut Problems,
) -> Option<RuleSpec> {
    let value = Value {
        id,
        text,
        file_text: &sources.get(text.origin.file).text,
    };
    // A bare rule is a block of one line: both read the same way.
    let mut spec = match parse_ical(&text.value) {
        Ok(spec) => spec,
        Err(err) => {
            problems.push(value.problem(err));
            return None;
        }
    };
    let start_at = start_of(&mut spec, start, &value, problems)?;
    let dtstart = spec.dtstart?;
    if let Some(term) = term
        && let Some(tzid) = spec.tzid.as_deref().filter(|t| *t != term.tz_name)
    {
        let at = spec.places.tzid.clone().or(spec.places.dtstart.clone());
        problems.push(
            Problem::error(
                format!(
                    "the `rrule` of `{}` is in `{tzid}`, the term in `{}`",
                    id.value, term.tz_name
                ),
                Some(at.map_or(text.origin, |s| value.origin(s))),
            )
            .label(format!("expected the term's zone, `{}`", term.tz_name))
            .help("write DTSTART in the term's zone, or drop its TZID"),
        );
        return None;
    }
    let tz = term.map_or(TimeZone::UTC, |t| t.tz.clone());
    if let Some(rule) = &spec.rule
        && let Err(err) = rule.check_produces(dtstart, &tz)
    {
        problems.push(value.problem(err));
        return None;
    }
    if let Some(duration) = duration {
        warn_of_periods(&spec, duration, &value, problems);
    }
    Some(RuleSpec {
        seconds_at: seconds_at(&spec, start_at, &value),
        rdates: spec
            .places
            .rdates
            .iter()
            .map(|p| (p.at, value.origin(p.span.clone())))
            .collect(),
        spec,
        origin: text.origin,
    })
}

/// Where the rule's start is written: its DTSTART, or the class's `start` (which
/// then becomes the rule's DTSTART); `None` (and the problem) when it has both or neither.
fn start_of(
    spec: &mut RecurrenceSpec,
    start: Option<&Sp<DateTime>>,
    value: &Value<'_>,
    problems: &mut Problems,
) -> Option<Origin> {
    let id = value.id;
    match (spec.dtstart, start) {
        (Some(_), Some(s)) => {
            let dtstart = spec.places.dtstart.clone().map(|s| value.origin(s));
            problems.push(
                Problem::error(
                    format!(
                        "class `{}` gives its start twice: in `rrule` (DTSTART) and in `start`",
                        id.value
                    ),
                    Some(s.origin),
                )
                .label("expected one start: remove this, or the DTSTART line")
                .help("a pasted block's DTSTART is the rule's start; `start` is for a bare rule")
                .also(dtstart),
            );
            None
        }
        (None, Some(s)) => {
            spec.dtstart = Some(s.value);
            Some(s.origin)
        }
        (Some(_), None) => Some(value.origin(spec.places.dtstart.clone().unwrap_or(0..0))),
        (None, None) => {
            problems.push(
                Problem::error(
                    format!("class `{}` has an `rrule` but no `start`", id.value),
                    Some(value.text.origin),
                )
                .label("expected a rule with its first date and time")
                .help("add `start: 2027-03-05T15:00` (local time in the term's zone)"),
            );
            None
        }
    }
}

/// RDATE periods whose length is not the class's `duration`: the length is not used.
fn warn_of_periods(
    spec: &RecurrenceSpec,
    duration: i64,
    value: &Value<'_>,
    problems: &mut Problems,
) {
    for period in &spec.places.rdates {
        if let Some(length) = period.period_seconds
            && length != duration
        {
            problems.push(
                Problem::warning(
                    format!(
                        "the period's length is not used: sessions of `{}` last `duration`",
                        value.id.value
                    ),
                    Some(value.origin(period.span.clone())),
                )
                .label(format!(
                    "expected a period of {} (the class's `duration`), found {}",
                    minutes(duration),
                    minutes(length)
                ))
                .help("a period gives the session's start; its length comes from `duration`"),
            );
        }
    }
}

/// What gives the rule's sessions seconds past the minute: BYSECOND, FREQ=SECONDLY
/// (whose steps land on seconds unless INTERVAL is whole minutes from a whole-minute
/// start), or the start's own seconds.
fn seconds_at(spec: &RecurrenceSpec, start_at: Origin, value: &Value<'_>) -> Option<Origin> {
    let rule = spec.rule.as_ref()?;
    let dtstart = spec.dtstart?;
    if rule.by_second().iter().any(|&s| s != 0) {
        return rule.part_span("BYSECOND").map(|s| value.origin(s));
    }
    if rule.by_second().is_empty() {
        let steps_on_seconds =
            rule.freq() == crate::calendar::rrule::Frequency::Secondly && rule.interval() % 60 != 0;
        if steps_on_seconds {
            return rule.part_span("FREQ").map(|s| value.origin(s));
        }
        if dtstart.second() != 0 {
            return Some(start_at);
        }
    }
    None
}

fn minutes(seconds: i64) -> String {
    if seconds % 60 == 0 {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}
