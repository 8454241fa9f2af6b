//! Pasted iCalendar recurrence lines (DTSTART, RRULE, RDATE, EXDATE) into a [`RecurrenceSpec`].

use std::ops::Range;

use jiff::civil::{DateTime, Time};
use jiff::tz::TimeZone;

use super::error::RRuleError;
use super::parse::parse_rrule_at;
use super::rule::RRule;
use super::value::{DateValue, parse_date_value};

/// What a block of iCalendar recurrence lines says, in civil time of `tzid`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecurrenceSpec {
    /// `DTSTART` as wall-clock time (a date-only DTSTART is midnight; a UTC one is UTC time).
    pub dtstart: Option<DateTime>,
    /// The zone of DTSTART: its `TZID`, `"UTC"` for a `…Z` value, `None` when floating or absent.
    pub tzid: Option<String>,
    /// The `RRULE`, if any; its spans point into the text given to [`parse_ical`].
    pub rule: Option<RRule>,
    /// `RDATE` values, converted to the wall-clock time of `tzid`, sorted, no duplicates.
    pub rdates: Vec<DateTime>,
    /// `EXDATE` values, converted like `rdates`, sorted, no duplicates.
    pub exdates: Vec<DateTime>,
}

/// Parses pasted iCalendar lines such as
/// `DTSTART;TZID=Asia/Shanghai:20270305T150000` / `RRULE:FREQ=MONTHLY;BYDAY=1FR` /
/// `EXDATE;TZID=Asia/Shanghai:20270402T150000`, or a bare rule like `FREQ=WEEKLY;BYDAY=MO`.
///
/// RDATE and EXDATE may list several values separated by commas. Values in
/// another zone (or in UTC) are moved to DTSTART's zone; a date-only value takes
/// DTSTART's time of day, so `EXDATE;VALUE=DATE:20270402` removes that day's
/// occurrence. Folded lines (a continuation starting with a space or tab) are
/// joined. Error spans are byte ranges in `text`, across folds if need be.
pub fn parse_ical(text: &str) -> Result<RecurrenceSpec, RRuleError> {
    let mut raw = Raw::default();
    for line in unfold(text) {
        let had_rule = raw.rule.is_some();
        raw.line(&line.text, 0).map_err(|mut err| {
            err.span = line.origin_of(err.span.clone());
            err
        })?;
        if let (false, Some(rule)) = (had_rule, raw.rule.as_mut()) {
            rule.spans.remap(|span| line.origin_of(span));
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

/// A value as written, with the zone given by its line's TZID.
#[derive(Debug, Clone)]
struct Zoned {
    value: DateValue,
    tz: Option<(String, TimeZone)>,
}

#[derive(Default)]
struct Raw {
    dtstart: Option<Zoned>,
    rule: Option<RRule>,
    rdates: Vec<Zoned>,
    exdates: Vec<Zoned>,
}

/// The parameters of a DTSTART, RDATE or EXDATE line.
#[derive(Default)]
struct Params {
    tz: Option<(String, TimeZone)>,
    date_only: bool,
}

impl Params {
    /// Reads `;KEY=VALUE` parameters, the first of which starts at byte `at`.
    fn read<'l>(params: impl Iterator<Item = &'l str>, mut at: usize) -> Result<Self, RRuleError> {
        let mut out = Self::default();
        for param in params {
            let param_span = at..at + param.len();
            at += param.len() + 1;
            let (key, val, val_span) = match param.split_once('=') {
                Some((key, val)) => (key, val, param_span.start + key.len() + 1..param_span.end),
                // `TZID` without a value: point at the whole parameter.
                None => (param, "", param_span.clone()),
            };
            match key.to_ascii_uppercase().as_str() {
                "TZID" => {
                    let zone = TimeZone::get(val).map_err(|_| {
                        RRuleError::new(format!("unknown time zone `{val}`"), val_span.clone())
                            .with_help("expected an IANA name such as `Asia/Shanghai`")
                    })?;
                    out.tz = Some((val.to_owned(), zone));
                }
                "VALUE" => match val.to_ascii_uppercase().as_str() {
                    "DATE" => out.date_only = true,
                    "DATE-TIME" => {}
                    _ => {
                        return Err(RRuleError::new(
                            format!("unsupported value type `{val}`"),
                            val_span,
                        )
                        .with_help("expected VALUE=DATE or VALUE=DATE-TIME"));
                    }
                },
                _ => {
                    return Err(RRuleError::new(
                        format!("unsupported parameter `{key}`"),
                        param_span,
                    )
                    .with_help("expected TZID or VALUE"));
                }
            }
        }
        Ok(out)
    }

    /// The comma-separated values of a line, the first of which starts at byte `at`.
    fn values(&self, value: &str, mut at: usize) -> Result<Vec<Zoned>, RRuleError> {
        let mut values = Vec::new();
        for item in value.split(',') {
            let item_span = at..at + item.len();
            at += item.len() + 1;
            let parsed = parse_date_value(item.trim())
                .filter(|v| !self.date_only || matches!(v, DateValue::Date(_)))
                .ok_or_else(|| {
                    RRuleError::new(
                        format!("`{item}` is not a date or date-time"),
                        item_span.clone(),
                    )
                    .with_help(if self.date_only {
                        "VALUE=DATE expects YYYYMMDD"
                    } else {
                        "expected YYYYMMDD, YYYYMMDDTHHMMSS (local time) or YYYYMMDDTHHMMSSZ (UTC)"
                    })
                })?;
            if matches!(parsed, DateValue::Utc(_)) && self.tz.is_some() {
                return Err(
                    RRuleError::new("a UTC value cannot also have a `TZID`", item_span)
                        .with_help("drop the trailing `Z` or the TZID parameter"),
                );
            }
            values.push(Zoned {
                value: parsed,
                tz: self.tz.clone(),
            });
        }
        Ok(values)
    }
}

impl Raw {
    fn line(&mut self, line: &str, start: usize) -> Result<(), RRuleError> {
        let span = start..start + line.len();
        let Some(colon) = line.find(':') else {
            if line.contains('=') {
                return self.set_rule(line, start, span);
            }
            return Err(RRuleError::new(format!("expected `NAME:VALUE`, found `{line}`"), span)
                .with_help("write lines such as `DTSTART;TZID=Asia/Shanghai:20270305T150000` or `RRULE:FREQ=WEEKLY;BYDAY=MO`"));
        };
        let (head, value) = (&line[..colon], &line[colon + 1..]);
        let value_start = start + colon + 1;
        let mut params = head.split(';');
        let name = params.next().unwrap_or_default();
        let name_span = start..start + name.len();
        let upper = name.to_ascii_uppercase();
        if upper == "RRULE" {
            if head.len() != name.len() {
                return Err(RRuleError::new(
                    "`RRULE` takes no parameters",
                    start..start + head.len(),
                ));
            }
            return self.set_rule(value, value_start, span);
        }
        if !matches!(upper.as_str(), "DTSTART" | "RDATE" | "EXDATE") {
            return Err(
                RRuleError::new(format!("unsupported line `{name}`"), name_span)
                    .with_help("only DTSTART, RRULE, RDATE and EXDATE lines are understood"),
            );
        }
        let mut values =
            Params::read(params, start + name.len() + 1)?.values(value, value_start)?;
        match upper.as_str() {
            "DTSTART" => {
                if self.dtstart.is_some() {
                    return Err(RRuleError::new("`DTSTART` is given twice", span));
                }
                if values.len() != 1 {
                    return Err(RRuleError::new(
                        "`DTSTART` takes a single value",
                        value_start..span.end,
                    ));
                }
                self.dtstart = values.pop();
            }
            "RDATE" => self.rdates.extend(values),
            _ => self.exdates.extend(values),
        }
        Ok(())
    }

    fn set_rule(&mut self, text: &str, start: usize, line: Range<usize>) -> Result<(), RRuleError> {
        if self.rule.is_some() {
            return Err(RRuleError::new("`RRULE` is given twice", line)
                .with_help("combine the rules into one, or list extra dates with RDATE"));
        }
        self.rule = Some(parse_rrule_at(text, start)?);
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
        Ok(RecurrenceSpec {
            rdates: sorted(&self.rdates),
            exdates: sorted(&self.exdates),
            dtstart,
            tzid,
            rule: self.rule,
        })
    }
}
