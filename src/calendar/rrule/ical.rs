//! Pasted iCalendar recurrence lines (DTSTART, RRULE, EXRULE, RDATE, EXDATE) into a
//! [`RecurrenceSpec`].

use std::ops::Range;

use jiff::civil::{DateTime, Time};
use jiff::tz::TimeZone;

use super::error::RRuleError;
use super::parse::parse_rrule_at;
use super::rule::RRule;
use super::value::DateValue;

mod params;

use params::{Params, Zoned};

const DATE_FORMS: &str = "YYYYMMDD, YYYYMMDDTHHMMSS (local time) or YYYYMMDDTHHMMSSZ (UTC)";
const PROPERTIES: [&str; 5] = ["DTSTART", "RRULE", "EXRULE", "RDATE", "EXDATE"];
const LAYOUT: &str = "DTSTART;TZID=Asia/Shanghai:20270301T190000\nRRULE:FREQ=WEEKLY;BYDAY=MO";

/// What a block of iCalendar recurrence lines says, in civil time of `tzid`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecurrenceSpec {
    /// `DTSTART` as wall-clock time (a date-only DTSTART is midnight; a UTC one is UTC time).
    pub dtstart: Option<DateTime>,
    /// The zone of DTSTART: its `TZID`, `"UTC"` for a `…Z` value, `None` when floating or absent.
    pub tzid: Option<String>,
    /// The `RRULE`, if any; its spans point into the text given to [`parse_ical`].
    pub rule: Option<RRule>,
    /// `EXRULE`s (deprecated by RFC 5545, still written by older programs): their
    /// occurrences from DTSTART are taken out, as python-dateutil does.
    pub exrules: Vec<RRule>,
    /// `RDATE` values, converted to the wall-clock time of `tzid`, sorted, no duplicates;
    /// a `VALUE=PERIOD` gives its start.
    pub rdates: Vec<DateTime>,
    /// `EXDATE` values, converted like `rdates`, sorted, no duplicates.
    pub exdates: Vec<DateTime>,
    /// Where the values were written.
    pub places: SpecPlaces,
}

/// Where the values of a pasted block were written, as byte ranges of the text given
/// to [`parse_ical`], for problems found after parsing (a DTSTART with seconds, a TZID
/// other than the term's).
#[derive(Debug, Clone, Default)]
pub struct SpecPlaces {
    /// The DTSTART value.
    pub dtstart: Option<Range<usize>>,
    /// The TZID parameter's value on the DTSTART line.
    pub tzid: Option<Range<usize>>,
    /// Every RDATE value as written, in DTSTART's wall-clock time.
    pub rdates: Vec<RdatePlace>,
}

/// One RDATE value: when it falls, where it was written, and a period's length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdatePlace {
    pub at: DateTime,
    pub span: Range<usize>,
    /// For a `VALUE=PERIOD`, its length in seconds.
    pub period_seconds: Option<i64>,
}

// Where a value was written does not change what the block means.
impl PartialEq for SpecPlaces {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for SpecPlaces {}

/// Parses pasted iCalendar lines such as
/// `DTSTART;TZID=Asia/Shanghai:20270305T150000` / `RRULE:FREQ=MONTHLY;BYDAY=1FR` /
/// `EXDATE;TZID=Asia/Shanghai:20270402T150000`, or a bare rule like `FREQ=WEEKLY;BYDAY=MO`.
///
/// RDATE and EXDATE may list several values separated by commas. Values in
/// another zone (or in UTC) are moved to DTSTART's zone; a date-only value takes
/// DTSTART's time of day, so `EXDATE;VALUE=DATE:20270402` removes that day's
/// occurrence. `RDATE;VALUE=PERIOD` takes each period's start. Folded lines (a
/// continuation starting with a space or tab) are joined. Error spans are byte
/// ranges in `text`, across folds if need be.
pub fn parse_ical(text: &str) -> Result<RecurrenceSpec, RRuleError> {
    let mut raw = Raw::default();
    for line in unfold(text) {
        if let Err(err) = raw.line(&line) {
            let mut err = err.remap(|span| line.origin_of(span));
            // The first of two lines is elsewhere in the text, already placed.
            err.also.extend(raw.earlier.take());
            return Err(err);
        }
    }
    raw.resolve()
}

/// One content line after unfolding, with where each of its bytes sits in the pasted text.
struct Logical {
    text: String,
    origin: Vec<usize>,
    /// Where the line starts in the pasted text, for spans on an empty line.
    start: usize,
}

impl Logical {
    fn push(&mut self, part: &str, at: usize) {
        self.text.push_str(part);
        self.origin.extend(at..at + part.len());
    }

    /// The range in the pasted text that `span` of the unfolded line came from.
    fn origin_of(&self, span: Range<usize>) -> Range<usize> {
        let start = match self.origin.get(span.start) {
            Some(&at) => at,
            None => self.origin.last().map_or(self.start, |&at| at + 1),
        };
        let end = match span.end.checked_sub(1).and_then(|i| self.origin.get(i)) {
            Some(&at) if span.end > span.start => at + 1,
            _ => start,
        };
        start..end
    }
}

/// Splits pasted text into content lines, joining RFC 5545 folded lines (a line
/// that starts with a space or tab continues the previous one). When the first
/// line is itself indented the whole block was indented on pasting, so leading
/// whitespace is then just trimmed.
fn unfold(text: &str) -> Vec<Logical> {
    let mut lines: Vec<Logical> = Vec::new();
    let mut folding = None;
    let mut offset = 0;
    for raw in text.split('\n') {
        let mut start = offset;
        offset += raw.len() + 1;
        let mut raw = raw.strip_suffix('\r').unwrap_or(raw);
        // A byte order mark survives copying from some editors; it is not text.
        if let Some(rest) = raw.strip_prefix('\u{feff}') {
            raw = rest;
            start += '\u{feff}'.len_utf8();
        }
        if raw.trim().is_empty() {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if *folding.get_or_insert(!indented)
            && indented
            && let Some(last) = lines.last_mut()
        {
            last.push(&raw[1..], start + 1);
            continue;
        }
        let body = raw.trim_start();
        let mut line = Logical {
            text: String::new(),
            origin: Vec::new(),
            start: start + (raw.len() - body.len()),
        };
        line.push(body, line.start);
        lines.push(line);
    }
    for line in &mut lines {
        let kept = line.text.trim_end().len();
        line.text.truncate(kept);
        line.origin.truncate(kept);
    }
    lines
}

/// Where a second property starts on `line`, after white space (`RRULE:… DTSTART:…`),
/// and its name.
fn second_property(line: &str) -> Option<(usize, &'static str)> {
    let bytes = line.as_bytes();
    (1..line.len()).find_map(|i| {
        if !bytes[i - 1].is_ascii_whitespace() {
            return None;
        }
        let rest = line.get(i..)?;
        PROPERTIES.iter().find_map(|name| {
            let head = rest.get(..name.len())?;
            let after = rest.as_bytes().get(name.len())?;
            (head.eq_ignore_ascii_case(name) && matches!(after, b':' | b';')).then_some((i, *name))
        })
    })
}

#[derive(Default)]
struct Raw {
    dtstart: Option<Zoned>,
    dtstart_line: Option<Range<usize>>,
    tzid: Option<Range<usize>>,
    rule: Option<(RRule, Range<usize>)>,
    exrules: Vec<RRule>,
    /// For a line given twice, where the first one is in the pasted text.
    earlier: Option<Range<usize>>,
    rdates: Vec<Zoned>,
    exdates: Vec<Zoned>,
}

impl Raw {
    /// Reads one unfolded line; spans it keeps are moved into the pasted text already.
    fn line(&mut self, logical: &Logical) -> Result<(), RRuleError> {
        let line = logical.text.as_str();
        let span = 0..line.len();
        if let Some((at, second)) = second_property(line) {
            return Err(two_on_one_line(line, at, second));
        }
        let Some(colon) = line.find(':') else {
            if line.contains('=') {
                return self.set_rule(line, 0, span, logical);
            }
            return Err(
                RRuleError::new(format!("expected `NAME:VALUE`, found `{line}`"), span)
                    .expected("an iCalendar line such as `RRULE:FREQ=WEEKLY;BYDAY=MO`")
                    .with_help(format!("write lines such as:\n{LAYOUT}")),
            );
        };
        let (head, value) = (&line[..colon], &line[colon + 1..]);
        let value_start = colon + 1;
        let mut params = head.split(';');
        let name = params.next().unwrap_or_default();
        let upper = name.to_ascii_uppercase();
        if upper == "RRULE" || upper == "EXRULE" {
            if head.len() != name.len() {
                return Err(RRuleError::new(
                    format!("`{upper}` takes no parameters"),
                    0..head.len(),
                )
                .expected(format!("`{upper}:` then the rule"))
                .with_help(format!(
                    "write `{upper}:FREQ=…` with nothing between the name and the colon"
                )));
            }
            if upper == "EXRULE" {
                let mut rule = parse_rrule_at(value, value_start)?;
                rule.spans.remap(|s| logical.origin_of(s));
                self.exrules.push(rule);
                return Ok(());
            }
            return self.set_rule(value, value_start, span, logical);
        }
        if !matches!(upper.as_str(), "DTSTART" | "RDATE" | "EXDATE") {
            return Err(unsupported(name, &upper));
        }
        let params = Params::read(&upper, params, name.len() + 1)?;
        let mut values = params.values(value, value_start)?;
        for v in &mut values {
            v.span = logical.origin_of(v.span.clone());
        }
        match upper.as_str() {
            "DTSTART" => {
                self.set_dtstart(values, span, value_start, logical)?;
                self.tzid = params.tz_span.map(|s| logical.origin_of(s));
            }
            "RDATE" => self.rdates.extend(values),
            _ => self.exdates.extend(values),
        }
        Ok(())
    }

    /// The one DTSTART line's one value.
    fn set_dtstart(
        &mut self,
        mut values: Vec<Zoned>,
        span: Range<usize>,
        value_start: usize,
        logical: &Logical,
    ) -> Result<(), RRuleError> {
        if let Some(first) = &self.dtstart_line {
            self.earlier = Some(first.clone());
            return Err(RRuleError::new("`DTSTART` is given twice", span)
                .expected("one DTSTART line")
                .with_help("keep one DTSTART; list more dates with RDATE"));
        }
        if values.len() != 1 {
            return Err(
                RRuleError::new("`DTSTART` takes a single value", value_start..span.end)
                    .expected("one date or date-time")
                    .with_help("list more dates with an RDATE line"),
            );
        }
        self.dtstart = values.pop();
        self.dtstart_line = Some(logical.origin_of(span));
        Ok(())
    }

    fn set_rule(
        &mut self,
        text: &str,
        start: usize,
        line: Range<usize>,
        logical: &Logical,
    ) -> Result<(), RRuleError> {
        if let Some((_, first)) = &self.rule {
            self.earlier = Some(first.clone());
            return Err(RRuleError::new("`RRULE` is given twice", line)
                .expected("one RRULE line")
                .with_help("RFC 5545 allows one RRULE: combine the rules into one, list extra dates with RDATE, or write a second class"));
        }
        let mut rule = parse_rrule_at(text, start)?;
        rule.spans.remap(|s| logical.origin_of(s));
        self.rule = Some((rule, logical.origin_of(line)));
        Ok(())
    }

    fn resolve(self) -> Result<RecurrenceSpec, RRuleError> {
        let (tzid, zone) = match &self.dtstart {
            Some(Zoned {
                tz: Some((name, zone)),
                ..
            }) => (Some(name.clone()), Some(zone.clone())),
            Some(Zoned {
                value: DateValue::Utc(_),
                ..
            }) => (Some("UTC".to_owned()), Some(TimeZone::UTC)),
            _ => (None, None),
        };
        let dtstart = self.dtstart.as_ref().map(|z| match z.value {
            DateValue::Date(d) => d.to_datetime(Time::midnight()),
            DateValue::Local(dt) | DateValue::Utc(dt) => dt,
        });
        let time = dtstart.map_or(Time::midnight(), |dt| dt.time());
        let place = |z: &Zoned| -> DateTime {
            let (dt, from) = match &z.value {
                DateValue::Date(d) => return d.to_datetime(time),
                // In DTSTART's own zone a wall-clock time stays as written, even one
                // in a DST gap, which a round trip through an instant would move.
                DateValue::Local(dt) if z.tz.as_ref().map(|(name, _)| name) == tzid.as_ref() => {
                    return *dt;
                }
                DateValue::Local(dt) => (*dt, z.tz.as_ref().map(|(_, tz)| tz)),
                DateValue::Utc(dt) => (*dt, Some(&TimeZone::UTC)),
            };
            match (from, &zone) {
                (Some(from), Some(to)) => from
                    .to_ambiguous_timestamp(dt)
                    .compatible()
                    .map_or(dt, |ts| to.to_datetime(ts)),
                // Without a zone on both sides there is nothing to convert between.
                _ => dt,
            }
        };
        let sorted = |values: &[Zoned]| {
            let mut out: Vec<DateTime> = values.iter().map(place).collect();
            out.sort();
            out.dedup();
            out
        };
        let places = SpecPlaces {
            dtstart: self.dtstart.as_ref().map(|z| z.span.clone()),
            tzid: self.tzid,
            rdates: self
                .rdates
                .iter()
                .map(|z| RdatePlace {
                    at: place(z),
                    span: z.span.clone(),
                    period_seconds: z.period_seconds,
                })
                .collect(),
        };
        Ok(RecurrenceSpec {
            rdates: sorted(&self.rdates),
            exdates: sorted(&self.exdates),
            dtstart,
            tzid,
            rule: self.rule.map(|(rule, _)| rule),
            exrules: self.exrules,
            places,
        })
    }
}

/// Two properties written on one line (`DTSTART:…RRULE:…`), the second at `at`.
fn two_on_one_line(line: &str, at: usize, second: &str) -> RRuleError {
    let first = line.split([':', ';', '=']).next().unwrap_or(line).trim();
    let first = PROPERTIES
        .iter()
        .find(|p| p.eq_ignore_ascii_case(first))
        .unwrap_or(&"RRULE");
    RRuleError::new(
        format!("`{first}` and `{second}` are written on one line"),
        at..line.len(),
    )
    .expected("each property on a line of its own")
    .with_help(format!(
        "iCalendar takes one property per line; in YAML write them under `rrule: |`:\n{}\n{}",
        line[..at].trim_end(),
        &line[at..]
    ))
}

/// A property this reader does not take, with what to do instead.
fn unsupported(name: &str, upper: &str) -> RRuleError {
    let help = match upper {
        "DTEND" | "DURATION" => "a session lasts the class's `duration`; leave this line out",
        "BEGIN" | "END" | "SUMMARY" | "UID" | "DTSTAMP" | "LOCATION" | "DESCRIPTION" => {
            "paste only the recurrence lines of the event; its title is the class's `theme`"
        }
        _ => "only DTSTART, RRULE, EXRULE, RDATE and EXDATE lines are understood",
    };
    RRuleError::new(format!("unsupported line `{name}`"), 0..name.len())
        .expected("DTSTART, RRULE, EXRULE, RDATE or EXDATE")
        .with_help(help)
}
