//! The values of an RRULE's parts: frequencies, numbers and their lists,
//! weekdays (with their ordinals) and `UNTIL`, each read strictly and refused
//! with the bytes at fault.

use std::ops::Range;

use jiff::civil::Weekday;
use jiff::tz::TimeZone;

use super::super::error::{RRuleError, and_list};
use super::super::rule::{Frequency, Until, WeekdayNum};
use super::super::value::{DateValue, parse_date_value};
use super::{FREQUENCIES, IntPart, Piece};

const WEEKDAYS: &str = "MO, TU, WE, TH, FR, SA or SU";
const DATE_FORMS: &str = "YYYYMMDD, YYYYMMDDTHHMMSS (local time) or YYYYMMDDTHHMMSSZ (UTC)";

pub(super) fn freq(value: Piece<'_>) -> Result<Frequency, RRuleError> {
    match value.text.to_ascii_uppercase().as_str() {
        "SECONDLY" => Ok(Frequency::Secondly),
        "MINUTELY" => Ok(Frequency::Minutely),
        "HOURLY" => Ok(Frequency::Hourly),
        "DAILY" => Ok(Frequency::Daily),
        "WEEKLY" => Ok(Frequency::Weekly),
        "MONTHLY" => Ok(Frequency::Monthly),
        "YEARLY" => Ok(Frequency::Yearly),
        _ => Err(
            RRuleError::new(format!("`{}` is not a frequency", value.text), value.span())
                .expected(FREQUENCIES)
                .with_help("for every other week write `FREQ=WEEKLY;INTERVAL=2`"),
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

pub(super) fn positive(value: Piece<'_>, name: &str, help: &str) -> Result<u32, RRuleError> {
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
            .expected("a whole number of at least 1")
            .with_help(help)
        })
}

fn list<'a>(value: Piece<'a>, name: &str) -> Result<Vec<Piece<'a>>, RRuleError> {
    let items: Vec<Piece<'a>> = value.split(',').map(Piece::trim).collect();
    let empty: Vec<Range<usize>> = items
        .iter()
        .filter(|i| i.text.is_empty())
        .map(|i| i.span())
        .collect();
    if let Some((first, rest)) = empty.split_first() {
        return Err(
            RRuleError::new(format!("empty item in `{name}`"), first.clone())
                .expected("a value between the commas")
                .with_help("separate values with single commas, as in `BYDAY=MO,WE`")
                .also(rest.iter().cloned()),
        );
    }
    Ok(items)
}

/// Every bad item of a list in one error: `` `61` and `75` are not seconds ``.
fn bad_items(bad: &[Piece<'_>], one: &str, many: &str) -> Option<RRuleError> {
    let (first, rest) = bad.split_first()?;
    let texts: Vec<&str> = bad.iter().map(|p| p.text).collect();
    let message = if rest.is_empty() {
        format!("{} is not {one}", and_list(&texts))
    } else {
        format!("{} are not {many}", and_list(&texts))
    };
    Some(RRuleError::new(message, first.span()).also(rest.iter().map(|p| p.span())))
}

/// A sorted, de-duplicated list of integers that `part` allows.
pub(super) fn ints<T: TryFrom<i64> + Ord>(
    value: Piece<'_>,
    name: &str,
    part: &IntPart,
) -> Result<Vec<T>, RRuleError> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for item in list(value, name)? {
        let parsed = integer(item.text)
            .filter(|&n| (part.min..=part.max).contains(&n) && !(part.nonzero && n == 0))
            .and_then(|n| T::try_from(n).ok());
        match parsed {
            Some(n) => out.push(n),
            None => bad.push(item),
        }
    }
    if let Some(err) = bad_items(&bad, part.one, part.many) {
        return Err(err.expected(part.expected).with_help(part.help));
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

pub(super) fn weekday(value: Piece<'_>) -> Result<Weekday, RRuleError> {
    weekday_of(value.text).ok_or_else(|| {
        RRuleError::new(format!("`{}` is not a weekday", value.text), value.span())
            .expected(WEEKDAYS)
            .with_help("`WKST=SU` starts weeks on Sunday; the default is Monday")
    })
}

/// What is wrong with one BYDAY item.
enum BadDay<'a> {
    /// Not a weekday code, numbered or not.
    Weekday(Piece<'a>),
    /// A weekday whose number is out of range: the number.
    Number(Piece<'a>),
}

/// The BYDAY items, each with the span of its ordinal (empty when there is none);
/// every bad item is named in one error.
pub(super) fn weekday_nums(
    value: Piece<'_>,
) -> Result<Vec<(WeekdayNum, Range<usize>)>, RRuleError> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for item in list(value, "BYDAY")? {
        match weekday_num(item) {
            Ok(day) => out.push(day),
            Err(b) => bad.push(b),
        }
    }
    let numbers: Vec<Piece<'_>> = bad
        .iter()
        .filter_map(|b| match b {
            BadDay::Number(p) => Some(*p),
            BadDay::Weekday(_) => None,
        })
        .collect();
    if !bad.is_empty() && numbers.len() == bad.len() {
        let err = bad_items(&numbers, "a weekday number", "weekday numbers");
        return Err(err
            .unwrap_or_else(|| RRuleError::new("", value.span()))
            .expected("1 to 53, or -1 to -53 to count from the end")
            .with_help("`1FR` is the first Friday, `-1MO` the last Monday"));
    }
    let items: Vec<Piece<'_>> = bad
        .iter()
        .map(|b| match b {
            BadDay::Weekday(p) | BadDay::Number(p) => *p,
        })
        .collect();
    if let Some(err) = bad_items(&items, "a weekday", "weekdays") {
        return Err(err
            .expected(format!(
                "{WEEKDAYS}, optionally numbered as in `1FR` or `-1MO`"
            ))
            .with_help("`BYDAY=MO,WE` is every Monday and Wednesday"));
    }
    Ok(out)
}

/// One BYDAY item and the span of its ordinal (empty when there is none).
fn weekday_num(item: Piece<'_>) -> Result<(WeekdayNum, Range<usize>), BadDay<'_>> {
    let len = item.text.len();
    if len < 2 || !item.text.is_char_boundary(len - 2) {
        return Err(BadDay::Weekday(item));
    }
    let (ordinal, code) = item.split_at(len - 2);
    let weekday = weekday_of(code.text).ok_or(BadDay::Weekday(item))?;
    if ordinal.text.is_empty() {
        return Ok((WeekdayNum { nth: None, weekday }, ordinal.span()));
    }
    let Some(n) = integer(ordinal.text) else {
        return Err(BadDay::Weekday(item));
    };
    match i8::try_from(n).ok().filter(|n| (1..=53).contains(&n.abs())) {
        Some(nth) => Ok((
            WeekdayNum {
                nth: Some(nth),
                weekday,
            },
            ordinal.span(),
        )),
        None => Err(BadDay::Number(ordinal)),
    }
}

pub(super) fn until(value: Piece<'_>) -> Result<Until, RRuleError> {
    let bad = || {
        RRuleError::new(
            format!("`{}` is not a date or date-time", value.text),
            value.span(),
        )
        .expected(DATE_FORMS)
        .with_help("`UNTIL=20270630` ends the rule after that whole day")
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
