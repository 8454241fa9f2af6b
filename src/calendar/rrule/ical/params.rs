//! The parameters of a DTSTART, RDATE or EXDATE line (`TZID`, `VALUE`) and the
//! dates, times and periods they make of its value.

use std::ops::Range;

use jiff::tz::TimeZone;

use super::super::error::{RRuleError, and_list};
use super::super::value::{DateValue, parse_date_value, parse_duration};
use super::DATE_FORMS;

/// A value as written, with the zone given by its line's TZID.
#[derive(Debug, Clone)]
pub(super) struct Zoned {
    pub(super) value: DateValue,
    pub(super) tz: Option<(String, TimeZone)>,
    /// Where it was written in the pasted text.
    pub(super) span: Range<usize>,
    /// For a period, its length in seconds.
    pub(super) period_seconds: Option<i64>,
}

/// The value types a line takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum ValueType {
    #[default]
    DateTime,
    Date,
    Period,
}

/// The parameters of a DTSTART, RDATE or EXDATE line.
#[derive(Default)]
pub(super) struct Params {
    pub(super) tz: Option<(String, TimeZone)>,
    pub(super) tz_span: Option<Range<usize>>,
    pub(super) value: ValueType,
}

impl Params {
    /// Reads the `;KEY=VALUE` parameters of property `name`, the first of which starts
    /// at byte `at` of the line.
    pub(super) fn read<'l>(
        name: &str,
        params: impl Iterator<Item = &'l str>,
        mut at: usize,
    ) -> Result<Self, RRuleError> {
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
                            .expected("an IANA time zone name such as `Asia/Shanghai`")
                            .with_help("zone names are written as in the IANA database, capitals included: `Asia/Shanghai`, `Europe/London`")
                    })?;
                    out.tz = Some((val.to_owned(), zone));
                    out.tz_span = Some(val_span);
                }
                "VALUE" => {
                    out.value = match val.to_ascii_uppercase().as_str() {
                        "DATE" => ValueType::Date,
                        "DATE-TIME" => ValueType::DateTime,
                        "PERIOD" if name == "RDATE" => ValueType::Period,
                        _ => return Err(unsupported_value_type(name, val, val_span)),
                    }
                }
                _ => {
                    return Err(RRuleError::new(
                        format!("unsupported parameter `{key}`"),
                        param_span,
                    )
                    .expected("TZID or VALUE")
                    .with_help(
                        "only TZID and VALUE change what these dates mean; remove the others",
                    ));
                }
            }
        }
        Ok(out)
    }

    /// The comma-separated values of a line, the first of which starts at byte `at`;
    /// every bad value is named in one error.
    pub(super) fn values(&self, value: &str, mut at: usize) -> Result<Vec<Zoned>, RRuleError> {
        let mut values = Vec::new();
        let mut bad: Vec<(&str, Range<usize>)> = Vec::new();
        for item in value.split(',') {
            let item_span = at..at + item.len();
            at += item.len() + 1;
            match self.value(item.trim(), item_span.clone()) {
                Ok(Some(v)) => values.push(v),
                Ok(None) => bad.push((item, item_span)),
                Err(err) => return Err(err),
            }
        }
        let Some(((_, first), rest)) = bad.split_first() else {
            return Ok(values);
        };
        let texts: Vec<&str> = bad.iter().map(|(t, _)| *t).collect();
        let (one, many, expected, help) = match self.value {
            ValueType::Date => (
                "a date",
                "dates",
                "a date YYYYMMDD, as `VALUE=DATE` says",
                "`EXDATE;VALUE=DATE:20270402` takes out that day's occurrence",
            ),
            ValueType::DateTime => (
                "a date or date-time",
                "dates or date-times",
                DATE_FORMS,
                "list values with commas: `EXDATE:20270402T150000,20270409T150000`",
            ),
            ValueType::Period => (
                "a period",
                "periods",
                "START/END or START/DURATION, as in `20270305T150000/PT1H30M`",
                "a period's start is the session; its length comes from `duration`",
            ),
        };
        let message = if rest.is_empty() {
            format!("{} is not {one}", and_list(&texts))
        } else {
            format!("{} are not {many}", and_list(&texts))
        };
        Err(RRuleError::new(message, first.clone())
            .expected(expected)
            .with_help(help)
            .also(rest.iter().map(|(_, span)| span.clone())))
    }

    /// One value; `Ok(None)` when it is not of the line's type.
    fn value(&self, item: &str, span: Range<usize>) -> Result<Option<Zoned>, RRuleError> {
        let (start, period_seconds) = match self.value {
            ValueType::Period => {
                let Some((start, end)) = item.split_once('/') else {
                    return Ok(None);
                };
                let Some(from) =
                    parse_date_value(start).filter(|v| !matches!(v, DateValue::Date(_)))
                else {
                    return Ok(None);
                };
                let length = match parse_duration(end) {
                    Some(seconds) => Some(seconds),
                    None => match (from, parse_date_value(end)) {
                        (DateValue::Local(a), Some(DateValue::Local(b)))
                        | (DateValue::Utc(a), Some(DateValue::Utc(b))) => {
                            a.duration_until(b).as_secs().into()
                        }
                        _ => None,
                    },
                };
                let Some(length) = length else {
                    return Ok(None);
                };
                if length <= 0 {
                    return Err(RRuleError::new("the period ends before it starts", span)
                        .expected("an end after the start")
                        .with_help(
                            "write START/END with END later, or START/DURATION as in `/PT1H30M`",
                        ));
                }
                (from, Some(length))
            }
            ValueType::Date => match parse_date_value(item) {
                Some(v @ DateValue::Date(_)) => (v, None),
                _ => return Ok(None),
            },
            ValueType::DateTime => match parse_date_value(item) {
                Some(v) => (v, None),
                None => return Ok(None),
            },
        };
        if matches!(start, DateValue::Utc(_)) && self.tz.is_some() {
            return Err(
                RRuleError::new("a UTC value cannot also have a `TZID`", span)
                    .expected("a local time (without the trailing `Z`)")
                    .with_help("drop the trailing `Z` or the TZID parameter"),
            );
        }
        Ok(Some(Zoned {
            value: start,
            tz: self.tz.clone(),
            span,
            period_seconds,
        }))
    }
}

fn unsupported_value_type(name: &str, val: &str, span: Range<usize>) -> RRuleError {
    let err = RRuleError::new(format!("unsupported value type `{val}`"), span);
    match name {
        "RDATE" => err
            .expected("DATE, DATE-TIME or PERIOD")
            .with_help("`VALUE=DATE` lists days, `VALUE=PERIOD` start/end pairs"),
        "EXDATE" if val.eq_ignore_ascii_case("PERIOD") => {
            err.expected("DATE or DATE-TIME").with_help(
                "RFC 5545 allows periods in RDATE only; take out a day with `EXDATE;VALUE=DATE:…`",
            )
        }
        _ => err
            .expected("DATE or DATE-TIME")
            .with_help("`VALUE=DATE` for a day, or leave VALUE out for a date and time"),
    }
}
