//! A fast path for the ledger's own lines: exactly the layout [`Record::to_line`]
//! writes, read without serde.
//!
//! Through serde, parsing its lines was over half the cost of reading a ledger
//! (issue 13). [`parse`] reads the one layout this program writes, and
//! says `None` for anything else, however valid: then serde reads the line, and
//! an error, a torn line or corruption is reported exactly as it always was. So
//! it may refuse what serde takes, but never take what serde refuses, nor read
//! a line otherwise than serde would; a ledger can come from a pull request.

mod json;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use jiff::Timestamp;
use jiff::fmt::temporal::DateTimeParser;

use super::body::Body;
use super::record::{Actual, Event, Record};

/// What serde's `Deserialize` for `Timestamp` parses with (jiff's default parser).
static TIMESTAMPS: DateTimeParser = DateTimeParser::new();

/// The record `line` (trimmed, without its newline) holds, when it is written
/// exactly as [`Record::to_line`] writes: serde's field order, unset fields
/// left out, no whitespace, strings without escapes, request body of strings,
/// integers, objects and arrays. `None` when it is anything else.
pub(crate) fn parse(line: &[u8]) -> Option<Record> {
    parts(std::str::from_utf8(line).ok()?).map(Parts::record)
}

/// A line [`parse`] takes, read but not copied: its strings are slices of it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parts<'a> {
    pub key: &'a str,
    pub event: Event,
    pub action: Option<&'a str>,
    pub livingid: Option<&'a str>,
    pub status: Option<u8>,
    pub errcode: Option<i64>,
    pub error: Option<&'a str>,
    pub actual: Option<Actual>,
    /// `actual`'s JSON text, which [`actual`] reads again.
    pub actual_text: Option<&'a str>,
    pub at: Timestamp,
    /// `at` as written, which [`timestamp`] reads again.
    pub at_text: &'a str,
    /// The body's JSON text, as a [`Body`] holds it.
    pub request: Option<&'a str>,
}

/// What [`parse`] reads, without making a record of it.
pub(crate) fn parts(text: &str) -> Option<Parts<'_>> {
    let mut line = Cursor(text);
    line.expect(br#"{"key":"#)?;
    let key = line.string()?;
    line.expect(br#","event":"#)?;
    let event = event(line.string()?)?;
    let action = line.optional(br#","action":"#, Cursor::string)?;
    let livingid = line.optional(br#","livingid":"#, Cursor::string)?;
    let status = line.optional(br#","status":"#, |line| line.integer()?.try_into().ok())?;
    let errcode = line.optional(br#","errcode":"#, Cursor::integer)?;
    let error = line.optional(br#","error":"#, Cursor::string)?;
    let before = line.0;
    let actual = line.optional(br#","actual":"#, Cursor::actual)?;
    let actual_text = actual.and_then(|_| {
        let read = before.len() - line.0.len();
        before.get(br#","actual":"#.len()..read)
    });
    line.expect(br#","at":"#)?;
    let at_text = line.string()?;
    let at = timestamp(at_text)?;
    let request = line.optional(br#","request":"#, Cursor::body)?;
    line.expect(b"}")?;
    line.0.is_empty().then_some(())?;
    Some(Parts {
        key,
        event,
        action,
        livingid,
        status,
        errcode,
        error,
        actual,
        actual_text,
        at,
        at_text,
        request,
    })
}

/// The [`Actual`] in `text`, as [`parts`] reads a line's `actual`.
pub(crate) fn actual(text: &str) -> Option<Actual> {
    let mut cursor = Cursor(text);
    let actual = cursor.actual()?;
    cursor.0.is_empty().then_some(actual)
}

impl Parts<'_> {
    /// The record, its strings copied out of the line.
    pub(crate) fn record(self) -> Record {
        Record {
            key: self.key.to_owned(),
            event: self.event,
            action: self.action.map(str::to_owned),
            livingid: self.livingid.map(str::to_owned),
            status: self.status,
            errcode: self.errcode,
            error: self.error.map(str::to_owned),
            actual: self.actual,
            at: self.at,
            request: self.request.map(Body::from_json),
        }
    }
}

/// `text` as serde reads a `Timestamp` (with jiff's parser): by hand when it is
/// in the one form this program writes, `2027-03-01T08:00:00Z` with a fraction
/// of up to nine digits before the `Z` or none, and by jiff otherwise.
pub(crate) fn timestamp(text: &str) -> Option<Timestamp> {
    written_timestamp(text).or_else(|| TIMESTAMPS.parse_timestamp(text).ok())
}

/// `text` in the form [`timestamp`] reads by hand; `None` for anything else
/// (a leap second or an hour 24 among it), which jiff then reads.
fn written_timestamp(text: &str) -> Option<Timestamp> {
    let (whole, rest) = text.as_bytes().split_first_chunk::<19>()?;
    let number = |digits: &[u8]| -> Option<i64> {
        digits.iter().try_fold(0i64, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
        })
    };
    let marks = [whole[4], whole[7], whole[10], whole[13], whole[16]];
    (marks == *b"--T::").then_some(())?;
    let field = |at: usize, len: usize| number(&whole[at..at + len]);
    let (year, month, day) = (field(0, 4)?, field(5, 2)?, field(8, 2)?);
    let (hour, minute, second) = (field(11, 2)?, field(14, 2)?, field(17, 2)?);
    let nanos = match rest {
        b"Z" => 0,
        [b'.', fraction @ .., b'Z'] if (1..=9).contains(&fraction.len()) => {
            number(fraction)? * 10i64.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    (hour < 24 && minute < 60 && second < 60).then_some(())?;
    // The date checked as jiff checks one (the days of its month), then counted
    // from 1970 (Howard Hinnant's `days_from_civil`).
    jiff::civil::Date::new(year as i16, month as i8, day as i8).ok()?;
    let shifted = if month <= 2 { year - 1 } else { year };
    let (era, of_era) = (shifted.div_euclid(400), shifted.rem_euclid(400));
    let of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let days = era * 146_097 + of_era * 365 + of_era / 4 - of_era / 100 + of_year - 719_468;
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second;
    Timestamp::new(seconds, i32::try_from(nanos).ok()?).ok()
}

/// An event by the name serde gives it (which is its `as_str`).
fn event(name: &str) -> Option<Event> {
    Event::ALL.into_iter().find(|e| e.as_str() == name)
}

/// The rest of the line to read. Each method reads what it is named for and
/// moves past it, or gives `None`, which ends the fast path for the line.
struct Cursor<'a>(&'a str);

impl<'a> Cursor<'a> {
    /// Moves past `token`, which is ASCII (a length known when compiled
    /// makes its comparison a few instructions).
    fn expect<const N: usize>(&mut self, token: &[u8; N]) -> Option<()> {
        (self.0.as_bytes().first_chunk::<N>() == Some(token)).then_some(())?;
        self.0 = self.0.get(N..)?;
        Some(())
    }

    /// `Some(None)` when the line does not go on with `name`; `Some(Some(_))`
    /// when it does and `value` reads what follows; `None` when that fails.
    fn optional<T, const N: usize>(
        &mut self,
        name: &[u8; N],
        value: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        match self.expect(name) {
            Some(()) => value(self).map(Some),
            None => Some(None),
        }
    }

    fn string(&mut self) -> Option<&'a str> {
        let (contents, rest) = json::string(self.0)?;
        self.0 = rest;
        Some(contents)
    }

    /// An `i64` as serde reads one, `None` where serde fails: serde_json reads
    /// `-0` and integers past `u64`'s range as floats, which are no `i64`, and
    /// refuses the rest past `i64`'s.
    fn integer(&mut self) -> Option<i64> {
        let (negative, digits, rest) = json::integer(self.0)?;
        let magnitude = i128::from(digits.parse::<u64>().ok()?);
        let value = match negative {
            true if magnitude == 0 => return None,
            true => i64::try_from(-magnitude).ok()?,
            false => i64::try_from(magnitude).ok()?,
        };
        self.0 = rest;
        Some(value)
    }

    fn actual(&mut self) -> Option<Actual> {
        self.expect(br#"{"living_start":"#)?;
        let living_start = self.integer()?;
        self.expect(br#","living_duration":"#)?;
        let living_duration = self.integer()?;
        self.expect(b"}")?;
        Some(Actual {
            living_start,
            living_duration,
        })
    }

    fn body(&mut self) -> Option<&'a str> {
        let (body, rest) = json::body(self.0)?;
        self.0 = rest;
        Some(body)
    }
}
