//! Parsing RRULE text into an [`RRule`], pointing at the exact bytes of every complaint.

use std::ops::Range;

use jiff::civil::Weekday;
use jiff::tz::TimeZone;

use super::error::RRuleError;
use super::rule::{Frequency, PartSpans, RRule, Until, WeekdayNum};
use super::value::{DateValue, parse_date_value};

const PARTS: &str =
    "FREQ, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, BYHOUR, BYMINUTE, WKST";
const WEEKDAYS: &str = "MO, TU, WE, TH, FR, SA or SU";

/// A slice of the parsed text that remembers where it starts, so errors can point at it.
#[derive(Debug, Clone, Copy)]
struct Piece<'a> {
    text: &'a str,
    start: usize,
}

impl<'a> Piece<'a> {
    fn span(self) -> Range<usize> {
        self.start..self.start + self.text.len()
    }

    fn trim(self) -> Piece<'a> {
        let text = self.text.trim_start();
        let start = self.start + (self.text.len() - text.len());
        Piece {
            text: text.trim_end(),
            start,
        }
    }

    fn split(self, sep: char) -> impl Iterator<Item = Piece<'a>> {
        let mut offset = self.start;
        self.text.split(sep).map(move |text| {
            let piece = Piece {
                text,
                start: offset,
            };
            offset += text.len() + sep.len_utf8();
            piece
        })
    }

    /// Splits at byte `at`, which must be a char boundary (callers pass ASCII positions).
    fn split_at(self, at: usize) -> (Piece<'a>, Piece<'a>) {
        let (left, right) = self.text.split_at(at);
        (
            Piece {
                text: left,
                start: self.start,
            },
            Piece {
                text: right,
                start: self.start + at,
            },
        )
    }
}

/// Parses the value of an RRULE line, such as `FREQ=WEEKLY;BYDAY=MO,WE`.
///
/// A leading `RRULE:` is accepted; names and values are case-insensitive and
/// whitespace around parts is ignored. Error spans are byte ranges in `text`.
pub fn parse_rrule(text: &str) -> Result<RRule, RRuleError> {
    parse_piece(Piece { text, start: 0 }.trim())
}

/// Parses a rule that sits at `offset` in a larger text, so spans point into that text.
pub(crate) fn parse_rrule_at(text: &str, offset: usize) -> Result<RRule, RRuleError> {
    parse_piece(
        Piece {
            text,
            start: offset,
        }
        .trim(),
    )
}

fn parse_piece(mut body: Piece<'_>) -> Result<RRule, RRuleError> {
    if body
        .text
        .get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("RRULE:"))
    {
        body = body.split_at(6).1;
    }
    let mut b = Builder::default();
    for part in body.split(';') {
        let part = part.trim();
        // A trailing `;` (common in pasted rules) leaves an empty part.
        if part.text.is_empty() {
            continue;
        }
        b.part(part)?;
    }
    b.finish(body)
}

#[derive(Default)]
struct Builder {
    seen: Vec<String>,
    freq: Option<Frequency>,
    interval: Option<u32>,
    count: Option<(u32, Range<usize>)>,
    until: Option<(Until, Range<usize>)>,
    by_day: Vec<WeekdayNum>,
    first_ordinal: Option<Range<usize>>,
    by_month_day: Vec<i8>,
    by_month: Vec<i8>,
    by_set_pos: Vec<i16>,
    by_hour: Vec<i8>,
    by_minute: Vec<i8>,
    by_second: Vec<i8>,
    wkst: Option<Weekday>,
    spans: PartSpans,
}

impl Builder {
    fn part(&mut self, part: Piece<'_>) -> Result<(), RRuleError> {
        let Some(eq) = part.text.find('=') else {
            return Err(RRuleError::new(
                format!("expected `NAME=VALUE`, found `{}`", part.text),
                part.span(),
            )
            .with_help(format!("rule parts are {PARTS}, separated by `;`")));
        };
        let (name, value) = part.split_at(eq);
        let value = value.split_at(1).1;
        let upper = name.text.trim().to_ascii_uppercase();
        if self.seen.contains(&upper) {
            return Err(
                RRuleError::new(format!("`{upper}` is given twice"), part.span()).with_help(
                    format!("keep one `{upper}=` part; list several values with commas"),
                ),
            );
        }
        self.seen.push(upper.clone());
        match upper.as_str() {
            "BYWEEKNO" | "BYYEARDAY" => {
                return Err(
                    RRuleError::new(format!("`{upper}` is not supported"), part.span()).with_help(
                        "pick days with BYMONTH, BYMONTHDAY and BYDAY, or list them with RDATE",
                    ),
                );
            }
            "FREQ" | "INTERVAL" | "COUNT" | "UNTIL" | "BYDAY" | "BYMONTHDAY" | "BYMONTH"
            | "BYSETPOS" | "BYHOUR" | "BYMINUTE" | "BYSECOND" | "WKST" => {}
            _ => {
                return Err(RRuleError::new(
                    format!("unknown rule part `{}`", name.text.trim()),
                    name.trim().span(),
                )
                .with_help(format!("expected one of {PARTS}")));
            }
        }
        let value = value.trim();
        if value.text.is_empty() {
            return Err(RRuleError::new(
                format!("`{upper}` has no value"),
                part.span(),
            ));
        }
        self.set(&upper, value, part.span())
    }

    /// Reads the value of part `name`, one [`part`](Self::part) has checked;
    /// `part_span` covers the whole `NAME=VALUE`.
    fn set(
        &mut self,
        name: &str,
        value: Piece<'_>,
        part_span: Range<usize>,
    ) -> Result<(), RRuleError> {
        match name {
            "FREQ" => self.freq = Some(freq(value)?),
            "INTERVAL" => self.interval = Some(positive(value, "INTERVAL")?),
            "COUNT" => self.count = Some((positive(value, "COUNT")?, part_span)),
            "UNTIL" => self.until = Some((until(value)?, part_span)),
            "BYDAY" => {
                for item in list(value, "BYDAY")? {
                    let (day, ordinal_span) = weekday_num(item)?;
                    if day.nth.is_some() && self.first_ordinal.is_none() {
                        self.first_ordinal = Some(ordinal_span);
                    }
                    self.by_day.push(day);
                }
                self.spans.by_day = Some(part_span);
            }
            "BYMONTHDAY" => {
                self.by_month_day = ints(value, "BYMONTHDAY", -31, 31, true, |v| {
                    RRuleError::new(format!("`{v}` is not a day of the month"), 0..0).with_help(
                        "expected 1 to 31, or -1 to -31 to count from the end of the month",
                    )
                })?;
                self.spans.by_month_day = Some(part_span);
            }
            "BYMONTH" => {
                self.by_month = ints(value, "BYMONTH", 1, 12, false, |v| {
                    RRuleError::new(format!("`{v}` is not a month"), 0..0)
                        .with_help("expected 1 to 12")
                })?;
                self.spans.by_month = Some(part_span);
            }
            "BYSETPOS" => {
                self.by_set_pos = ints(value, "BYSETPOS", -366, 366, true, |v| {
                    RRuleError::new(format!("`{v}` is not a set position"), 0..0).with_help(
                        "expected 1 to 366, or -1 to -366 to count from the end of each period",
                    )
                })?;
                self.spans.by_set_pos = Some(part_span);
            }
            "BYHOUR" => {
                self.by_hour = ints(value, "BYHOUR", 0, 23, false, |v| {
                    RRuleError::new(format!("`{v}` is not an hour"), 0..0)
                        .with_help("expected 0 to 23")
                })?;
            }
            "BYMINUTE" => {
                self.by_minute = ints(value, "BYMINUTE", 0, 59, false, |v| {
                    RRuleError::new(format!("`{v}` is not a minute"), 0..0)
                        .with_help("expected 0 to 59")
                })?;
            }
            "BYSECOND" => {
                self.by_second = ints(value, "BYSECOND", 0, 0, false, |v| {
                    RRuleError::new(format!("`BYSECOND={v}` is not supported"), 0..0).with_help(
                        "sessions start on a whole minute: use BYSECOND=0 or leave it out",
                    )
                })?;
            }
            "WKST" => self.wkst = Some(weekday(value)?),
            // `part` lets only the names above through.
            _ => {}
        }
        Ok(())
    }

    fn finish(self, body: Piece<'_>) -> Result<RRule, RRuleError> {
        let Some(freq) = self.freq else {
            return Err(RRuleError::new("missing `FREQ`", body.span()).with_help(
                "start the rule with FREQ=DAILY, FREQ=WEEKLY, FREQ=MONTHLY or FREQ=YEARLY",
            ));
        };
        if let (Some((_, count)), Some((_, until))) = (&self.count, &self.until) {
            let later = if count.start > until.start {
                count
            } else {
                until
            };
            return Err(
                RRuleError::new("`COUNT` and `UNTIL` cannot both be given", later.clone())
                    .with_help("RFC 5545 allows one end: a number of occurrences or a last date"),
            );
        }
        if matches!(freq, Frequency::Daily | Frequency::Weekly)
            && let Some(span) = self.first_ordinal
        {
            return Err(RRuleError::new(
                format!(
                    "a numbered weekday needs FREQ=MONTHLY or FREQ=YEARLY, not FREQ={}",
                    freq.as_str()
                ),
                span,
            )
            .with_help("drop the number to mean every such weekday"));
        }
        if freq == Frequency::Weekly
            && let Some(span) = self.spans.by_month_day.clone()
        {
            return Err(
                RRuleError::new("`BYMONTHDAY` cannot be used with FREQ=WEEKLY", span)
                    .with_help("use FREQ=MONTHLY to pick days of the month"),
            );
        }
        let mut by_day = self.by_day;
        by_day.sort_by_key(|d| (d.nth, d.weekday.to_monday_zero_offset()));
        by_day.dedup();
        let mut spans = self.spans;
        spans.whole = body.span();
        Ok(RRule {
            freq,
            interval: self.interval.unwrap_or(1),
            count: self.count.map(|(c, _)| c),
            until: self.until.map(|(u, _)| u),
            by_day,
            by_month_day: self.by_month_day,
            by_month: self.by_month,
            by_set_pos: self.by_set_pos,
            by_hour: self.by_hour,
            by_minute: self.by_minute,
            by_second: self.by_second,
            wkst: self.wkst.unwrap_or(Weekday::Monday),
            spans,
        })
    }
}

fn freq(value: Piece<'_>) -> Result<Frequency, RRuleError> {
    match value.text.to_ascii_uppercase().as_str() {
        "DAILY" => Ok(Frequency::Daily),
        "WEEKLY" => Ok(Frequency::Weekly),
        "MONTHLY" => Ok(Frequency::Monthly),
        "YEARLY" => Ok(Frequency::Yearly),
        f @ ("HOURLY" | "MINUTELY" | "SECONDLY") => Err(RRuleError::new(
            format!("`FREQ={f}` is not supported"),
            value.span(),
        )
        .with_help("for several sessions a day use FREQ=DAILY with BYHOUR and BYMINUTE")),
        _ => Err(
            RRuleError::new(format!("`{}` is not a frequency", value.text), value.span())
                .with_help("expected DAILY, WEEKLY, MONTHLY or YEARLY"),
        ),
    }
}

/// A decimal integer with an optional sign; `None` for anything else or absurdly long input.
fn integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn positive(value: Piece<'_>, name: &str) -> Result<u32, RRuleError> {
    integer(value.text)
        .filter(|&n| n >= 1)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| {
            RRuleError::new(
                format!(
                    "`{name}` must be a whole number of at least 1, found `{}`",
                    value.text
                ),
                value.span(),
            )
        })
}

fn list<'a>(value: Piece<'a>, name: &str) -> Result<Vec<Piece<'a>>, RRuleError> {
    value
        .split(',')
        .map(|item| {
            let item = item.trim();
            if item.text.is_empty() {
                Err(
                    RRuleError::new(format!("empty item in `{name}`"), item.span())
                        .with_help("separate values with single commas"),
                )
            } else {
                Ok(item)
            }
        })
        .collect()
}

/// A sorted, de-duplicated list of integers in `min..=max` (zero excluded when `nonzero`).
fn ints<T: TryFrom<i64> + Ord>(
    value: Piece<'_>,
    name: &str,
    min: i64,
    max: i64,
    nonzero: bool,
    bad: impl Fn(&str) -> RRuleError,
) -> Result<Vec<T>, RRuleError> {
    let mut out = Vec::new();
    for item in list(value, name)? {
        let parsed = integer(item.text)
            .filter(|&n| (min..=max).contains(&n) && !(nonzero && n == 0))
            .and_then(|n| T::try_from(n).ok());
        match parsed {
            Some(n) => out.push(n),
            None => {
                let mut err = bad(item.text);
                err.span = item.span();
                return Err(err);
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn weekday_of(code: &str) -> Option<Weekday> {
    Some(match code.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Monday,
        "TU" => Weekday::Tuesday,
        "WE" => Weekday::Wednesday,
        "TH" => Weekday::Thursday,
        "FR" => Weekday::Friday,
        "SA" => Weekday::Saturday,
        "SU" => Weekday::Sunday,
        _ => return None,
    })
}

fn weekday(value: Piece<'_>) -> Result<Weekday, RRuleError> {
    weekday_of(value.text).ok_or_else(|| {
        RRuleError::new(format!("`{}` is not a weekday", value.text), value.span())
            .with_help(format!("expected {WEEKDAYS}"))
    })
}

/// One BYDAY item, and the span of its ordinal (empty when there is none).
fn weekday_num(item: Piece<'_>) -> Result<(WeekdayNum, Range<usize>), RRuleError> {
    let not_weekday = || {
        RRuleError::new(format!("`{}` is not a weekday", item.text), item.span()).with_help(
            format!("expected {WEEKDAYS}, optionally numbered as in `1FR` or `-1MO`"),
        )
    };
    let len = item.text.len();
    if len < 2 || !item.text.is_char_boundary(len - 2) {
        return Err(not_weekday());
    }
    let (ordinal, code) = item.split_at(len - 2);
    let weekday = weekday_of(code.text).ok_or_else(not_weekday)?;
    if ordinal.text.is_empty() {
        return Ok((WeekdayNum { nth: None, weekday }, ordinal.span()));
    }
    let nth = integer(ordinal.text)
        .filter(|n| (1..=53).contains(&n.abs()))
        .and_then(|n| i8::try_from(n).ok());
    match nth {
        Some(nth) => Ok((
            WeekdayNum {
                nth: Some(nth),
                weekday,
            },
            ordinal.span(),
        )),
        None if integer(ordinal.text).is_none() => Err(not_weekday()),
        None => Err(RRuleError::new(
            format!("`{}` is not a weekday number", ordinal.text),
            ordinal.span(),
        )
        .with_help("expected 1 to 53, or -1 to -53 to count from the end, as in `1FR` or `-1MO`")),
    }
}

fn until(value: Piece<'_>) -> Result<Until, RRuleError> {
    let bad = || {
        RRuleError::new(
            format!("`{}` is not a date or date-time", value.text),
            value.span(),
        )
        .with_help("expected YYYYMMDD, YYYYMMDDTHHMMSS (local time) or YYYYMMDDTHHMMSSZ (UTC)")
    };
    match parse_date_value(value.text).ok_or_else(bad)? {
        DateValue::Date(d) => Ok(Until::Date(d)),
        DateValue::Local(dt) => Ok(Until::Local(dt)),
        DateValue::Utc(dt) => TimeZone::UTC
            .to_timestamp(dt)
            .map(Until::Utc)
            .map_err(|_| bad()),
    }
}
