//! Parsing RRULE text into an [`RRule`], pointing at the exact bytes of every complaint.

use std::ops::Range;

use jiff::civil::Weekday;

use super::error::RRuleError;
use super::rule::{Frequency, PartSpans, RRule, Until, WeekdayNum};

mod values;

use values::{freq, ints, positive, until, weekday, weekday_nums};

const PARTS: &str = "FREQ, INTERVAL, COUNT, UNTIL, BYSECOND, BYMINUTE, BYHOUR, BYDAY, BYMONTHDAY, BYYEARDAY, BYWEEKNO, BYMONTH, BYSETPOS, WKST";
const FREQUENCIES: &str = "SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY";

/// A slice of the parsed text that remembers where it starts, so errors can point at it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece<'a> {
    pub(crate) text: &'a str,
    pub(crate) start: usize,
}

impl<'a> Piece<'a> {
    pub(crate) fn span(self) -> Range<usize> {
        self.start..self.start + self.text.len()
    }

    pub(crate) fn trim(self) -> Piece<'a> {
        let text = self.text.trim_start();
        let start = self.start + (self.text.len() - text.len());
        Piece {
            text: text.trim_end(),
            start,
        }
    }

    pub(crate) fn split(self, sep: char) -> impl Iterator<Item = Piece<'a>> {
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
    pub(crate) fn split_at(self, at: usize) -> (Piece<'a>, Piece<'a>) {
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

/// A part whose value is a list of integers, and how to explain a bad item.
struct IntPart {
    min: i64,
    max: i64,
    /// Zero is not allowed (ordinals count from 1 or from -1).
    nonzero: bool,
    /// `a day of the month` / `days of the month`.
    one: &'static str,
    many: &'static str,
    expected: &'static str,
    help: &'static str,
}

const BY_SECOND: IntPart = IntPart {
    min: 0,
    max: 59,
    nonzero: false,
    one: "a second",
    many: "seconds",
    expected: "0 to 59",
    help: "`BYSECOND=0` is on the minute; a leap second (60) is not supported",
};
const BY_MINUTE: IntPart = IntPart {
    min: 0,
    max: 59,
    nonzero: false,
    one: "a minute",
    many: "minutes",
    expected: "0 to 59",
    help: "`BYMINUTE=0,30` is on the hour and on the half hour",
};
const BY_HOUR: IntPart = IntPart {
    min: 0,
    max: 23,
    nonzero: false,
    one: "an hour",
    many: "hours",
    expected: "0 to 23",
    help: "hours are on a 24-hour clock: `BYHOUR=19` is 7 pm",
};
const BY_MONTH_DAY: IntPart = IntPart {
    min: -31,
    max: 31,
    nonzero: true,
    one: "a day of the month",
    many: "days of the month",
    expected: "1 to 31, or -1 to -31 to count from the end of the month",
    help: "`BYMONTHDAY=-1` is the last day of each month",
};
const BY_YEAR_DAY: IntPart = IntPart {
    min: -366,
    max: 366,
    nonzero: true,
    one: "a day of the year",
    many: "days of the year",
    expected: "1 to 366, or -1 to -366 to count from the end of the year",
    help: "`BYYEARDAY=1` is January 1st, `BYYEARDAY=-1` December 31st",
};
const BY_WEEK_NO: IntPart = IntPart {
    min: -53,
    max: 53,
    nonzero: true,
    one: "a week number",
    many: "week numbers",
    expected: "1 to 53, or -1 to -53 to count from the end of the year",
    help: "weeks are numbered as in ISO 8601: week 1 is the first with 4 days in the year (weeks start on `WKST`)",
};
const BY_MONTH: IntPart = IntPart {
    min: 1,
    max: 12,
    nonzero: false,
    one: "a month",
    many: "months",
    expected: "1 to 12",
    help: "`BYMONTH=3` is March",
};
const BY_SET_POS: IntPart = IntPart {
    min: -366,
    max: 366,
    nonzero: true,
    one: "a set position",
    many: "set positions",
    expected: "1 to 366, or -1 to -366 to count from the end of each period",
    help: "`BYSETPOS=-1` keeps the last of each period's candidates",
};

/// An example of each part, for a part written without a value.
fn example(name: &str) -> &'static str {
    match name {
        "FREQ" => "FREQ=WEEKLY",
        "INTERVAL" => "INTERVAL=2",
        "COUNT" => "COUNT=10",
        "UNTIL" => "UNTIL=20270630",
        "BYSECOND" => "BYSECOND=0",
        "BYMINUTE" => "BYMINUTE=0,30",
        "BYHOUR" => "BYHOUR=9,14",
        "BYDAY" => "BYDAY=MO,WE",
        "BYMONTHDAY" => "BYMONTHDAY=1,-1",
        "BYYEARDAY" => "BYYEARDAY=1,-1",
        "BYWEEKNO" => "BYWEEKNO=1,-1",
        "BYMONTH" => "BYMONTH=3",
        "BYSETPOS" => "BYSETPOS=-1",
        _ => "WKST=SU",
    }
}

#[derive(Default)]
struct Builder {
    /// Each part's name and where it was written.
    seen: Vec<(String, Range<usize>)>,
    freq: Option<Frequency>,
    interval: Option<u32>,
    count: Option<(u32, Range<usize>)>,
    until: Option<Until>,
    by_day: Vec<WeekdayNum>,
    /// Where each numbered weekday's number was written.
    ordinals: Vec<Range<usize>>,
    by_month_day: Vec<i8>,
    by_month: Vec<i8>,
    by_year_day: Vec<i16>,
    by_week_no: Vec<i8>,
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
            .expected("a rule part such as `FREQ=WEEKLY`")
            .with_help(format!("rule parts are {PARTS}, separated by `;`")));
        };
        let (name, value) = part.split_at(eq);
        let value = value.split_at(1).1;
        let upper = name.text.trim().to_ascii_uppercase();
        if let Some((_, first)) = self.seen.iter().find(|(n, _)| *n == upper) {
            return Err(
                RRuleError::new(format!("`{upper}` is given twice"), part.span())
                    .expected(format!("one `{upper}` part"))
                    .with_help(format!(
                        "keep one `{upper}=` part; list several values with commas"
                    ))
                    .also([first.clone()]),
            );
        }
        self.seen.push((upper.clone(), part.span()));
        match upper.as_str() {
            "FREQ" | "INTERVAL" | "COUNT" | "UNTIL" | "BYDAY" | "BYMONTHDAY" | "BYMONTH"
            | "BYYEARDAY" | "BYWEEKNO" | "BYSETPOS" | "BYHOUR" | "BYMINUTE" | "BYSECOND"
            | "WKST" => {}
            "BYEASTER" => {
                return Err(RRuleError::new(
                    "`BYEASTER` is not part of RFC 5545",
                    name.trim().span(),
                )
                .expected(format!("one of {PARTS}"))
                .with_help(
                    "`BYEASTER` is python-dateutil's own extension; list Easter-based dates with RDATE",
                ));
            }
            _ => {
                return Err(RRuleError::new(
                    format!("unknown rule part `{}`", name.text.trim()),
                    name.trim().span(),
                )
                .expected(format!("one of {PARTS}"))
                .with_help("rule parts are written `NAME=VALUE`, separated by `;`, as in `FREQ=WEEKLY;BYDAY=MO`"));
            }
        }
        let value = value.trim();
        if value.text.is_empty() {
            return Err(
                RRuleError::new(format!("`{upper}` has no value"), part.span())
                    .expected("a value after `=`")
                    .with_help(format!("write it as in `{}`", example(&upper))),
            );
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
        let span = Some(part_span.clone());
        match name {
            "FREQ" => {
                self.freq = Some(freq(value)?);
                self.spans.freq = span;
            }
            "INTERVAL" => {
                self.interval = Some(positive(
                    value,
                    "INTERVAL",
                    "`INTERVAL=2` means every other period: every other week with FREQ=WEEKLY",
                )?);
                self.spans.interval = span;
            }
            "COUNT" => {
                let count = positive(
                    value,
                    "COUNT",
                    "`COUNT=10` ends the rule after 10 occurrences",
                )?;
                self.count = Some((count, part_span));
            }
            "UNTIL" => {
                self.until = Some(until(value)?);
                self.spans.until = span;
            }
            "BYDAY" => {
                for (day, ordinal) in weekday_nums(value)? {
                    if day.nth.is_some() {
                        self.ordinals.push(ordinal);
                    }
                    self.by_day.push(day);
                }
                self.spans.by_day = span;
            }
            "BYMONTHDAY" => {
                self.by_month_day = ints(value, "BYMONTHDAY", &BY_MONTH_DAY)?;
                self.spans.by_month_day = span;
            }
            "BYMONTH" => {
                self.by_month = ints(value, "BYMONTH", &BY_MONTH)?;
                self.spans.by_month = span;
            }
            "BYYEARDAY" => {
                self.by_year_day = ints(value, "BYYEARDAY", &BY_YEAR_DAY)?;
                self.spans.by_year_day = span;
            }
            "BYWEEKNO" => {
                self.by_week_no = ints(value, "BYWEEKNO", &BY_WEEK_NO)?;
                self.spans.by_week_no = span;
            }
            "BYSETPOS" => {
                self.by_set_pos = ints(value, "BYSETPOS", &BY_SET_POS)?;
                self.spans.by_set_pos = span;
            }
            "BYHOUR" => {
                self.by_hour = ints(value, "BYHOUR", &BY_HOUR)?;
                self.spans.by_hour = span;
            }
            "BYMINUTE" => {
                self.by_minute = ints(value, "BYMINUTE", &BY_MINUTE)?;
                self.spans.by_minute = span;
            }
            "BYSECOND" => {
                self.by_second = ints(value, "BYSECOND", &BY_SECOND)?;
                self.spans.by_second = span;
            }
            "WKST" => self.wkst = Some(weekday(value)?),
            // `part` lets only the names above through.
            _ => {}
        }
        Ok(())
    }

    fn finish(self, body: Piece<'_>) -> Result<RRule, RRuleError> {
        let Some(freq) = self.freq else {
            return Err(RRuleError::new("missing `FREQ`", body.span())
                .expected("a rule with a `FREQ` part")
                .with_help(format!(
                    "start the rule with `FREQ=`: {FREQUENCIES}, as in `FREQ=WEEKLY;BYDAY=MO`"
                )));
        };
        if let (Some((_, count)), Some(until)) = (&self.count, &self.spans.until) {
            let (later, earlier) = if count.start > until.start {
                (count, until)
            } else {
                (until, count)
            };
            return Err(
                RRuleError::new("`COUNT` and `UNTIL` cannot both be given", later.clone())
                    .expected("either `COUNT` or `UNTIL`")
                    .with_help("RFC 5545 allows one end: a number of occurrences or a last date")
                    .also([earlier.clone()]),
            );
        }
        self.forbidden(freq)?;
        let mut by_day = self.by_day;
        by_day.sort_by_key(|d| (d.nth, d.weekday.to_monday_zero_offset()));
        by_day.dedup();
        let mut spans = self.spans;
        spans.whole = body.span();
        Ok(RRule {
            freq,
            interval: self.interval.unwrap_or(1),
            count: self.count.map(|(c, _)| c),
            until: self.until,
            by_day,
            by_month_day: self.by_month_day,
            by_month: self.by_month,
            by_year_day: self.by_year_day,
            by_week_no: self.by_week_no,
            by_set_pos: self.by_set_pos,
            by_hour: self.by_hour,
            by_minute: self.by_minute,
            by_second: self.by_second,
            wkst: self.wkst.unwrap_or(Weekday::Monday),
            spans,
        })
    }

    /// Refuses what RFC 5545 forbids (section 3.3.10), which python-dateutil accepts.
    fn forbidden(&self, freq: Frequency) -> Result<(), RRuleError> {
        let name = freq.as_str();
        if let Some((first, rest)) = self.ordinals.split_first() {
            if !matches!(freq, Frequency::Monthly | Frequency::Yearly) {
                return Err(RRuleError::new(
                    format!("a numbered weekday needs FREQ=MONTHLY or FREQ=YEARLY, not FREQ={name}"),
                    first.clone(),
                )
                .expected("a weekday without a number")
                .with_help("drop the number to mean every such weekday; `FREQ=MONTHLY;BYDAY=1FR` is the first Friday of each month")
                .also(rest.iter().cloned()));
            }
            if !self.by_week_no.is_empty() {
                return Err(RRuleError::new(
                    "a numbered weekday cannot be used with `BYWEEKNO`",
                    first.clone(),
                )
                .expected("a weekday without a number")
                .with_help("RFC 5545 forbids it: `BYWEEKNO=20;BYDAY=MO` is the Monday of week 20")
                .also(rest.iter().cloned()));
            }
        }
        if freq == Frequency::Weekly
            && let Some(span) = self.spans.by_month_day.clone()
        {
            return Err(
                RRuleError::new("`BYMONTHDAY` cannot be used with FREQ=WEEKLY", span)
                    .expected("no `BYMONTHDAY` in a weekly rule")
                    .with_help("use FREQ=MONTHLY to pick days of the month"),
            );
        }
        if freq != Frequency::Yearly
            && let Some(span) = self.spans.by_week_no.clone()
        {
            return Err(RRuleError::new(
                format!("`BYWEEKNO` needs FREQ=YEARLY, not FREQ={name}"),
                span,
            )
            .expected("no `BYWEEKNO` in this rule")
            .with_help("RFC 5545 allows week numbers in yearly rules only: `FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO`"));
        }
        if matches!(
            freq,
            Frequency::Daily | Frequency::Weekly | Frequency::Monthly
        ) && let Some(span) = self.spans.by_year_day.clone()
        {
            return Err(RRuleError::new(
                format!("`BYYEARDAY` cannot be used with FREQ={name}"),
                span,
            )
            .expected("no `BYYEARDAY` in this rule")
            .with_help("RFC 5545 allows days of the year with FREQ=YEARLY, HOURLY, MINUTELY or SECONDLY: `FREQ=YEARLY;BYYEARDAY=100`"));
        }
        Ok(())
    }
}
