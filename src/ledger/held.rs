//! One record as a ledger's state keeps it: for a line the fast path reads,
//! where its parts lie in the text read (the whole file, shared by all its
//! lines; never copied out of it); for any other record, the record.
//!
//! A ledger of 100,000 sessions held as [`Record`]s took twice the file's size
//! in memory, in four allocations a line (issue 13). Held this way it takes
//! about the file's size, in one allocation, and 64 bytes a key besides.

use std::borrow::Cow;
use std::sync::Arc;

use jiff::Timestamp;

use super::body::BodyRef;
use super::fast_line::{self, Parts};
use super::record::{Actual, Event, Record};

/// A record of the ledger as its state keeps it. What every key's state asks
/// of its records first is at hand; the rest is read again from its line when
/// asked for, the whole record too ([`Held::record`]).
#[derive(Debug, Clone)]
pub(crate) struct Held {
    pub event: Event,
    pub status: Option<u8>,
    source: Source,
}

#[derive(Debug, Clone)]
enum Source {
    /// A line the fast path reads, in `text`.
    Line {
        text: Arc<String>,
        spans: Spans,
    },
    Record(Arc<Record>),
}

/// Where a line lies in the text read, and its parts in it.
#[derive(Debug, Clone, Copy)]
struct Spans {
    /// Where the line starts in the text (a line past 4 GiB into a file is kept
    /// as a record).
    start: u32,
    key: Part,
    action: Part,
    livingid: Part,
    request: Part,
    at: Part,
    actual: Part,
}

/// Where a part of a line lies from the line's start, in 16 bits (a line of
/// 64 KiB or more is kept as a record); [`Part::NONE`] for a part it lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Part {
    from: u16,
    len: u16,
}

impl Part {
    const NONE: Part = Part {
        from: u16::MAX,
        len: u16::MAX,
    };

    /// Where `part`, a slice of `line`, lies in it; `None` when it is past 16 bits.
    fn of(line: &str, part: &str) -> Option<Part> {
        let from = (part.as_ptr() as usize).checked_sub(line.as_ptr() as usize)?;
        let part = Part {
            from: u16::try_from(from).ok()?,
            len: u16::try_from(part.len()).ok()?,
        };
        (part != Part::NONE).then_some(part)
    }

    fn of_some(line: &str, part: Option<&str>) -> Option<Part> {
        part.map_or(Some(Part::NONE), |part| Part::of(line, part))
    }

    /// The part in `text`, for a line that starts at `start`.
    fn get(self, text: &str, start: u32) -> Option<&str> {
        if self == Part::NONE {
            return None;
        }
        let from = start as usize + usize::from(self.from);
        text.get(from..from + usize::from(self.len))
    }
}

impl Spans {
    /// The line: from its start to the `}` after its last part (the request,
    /// or else `at` and its closing quote).
    fn line(self, text: &str) -> &str {
        let end = match self.request {
            Part::NONE => self.at.from + self.at.len + 2,
            request => request.from + request.len + 1,
        };
        let start = self.start as usize;
        &text[start..start + usize::from(end)]
    }
}

impl Held {
    /// The record of the line of `len` bytes at `at` in `text`, when the fast
    /// path reads it (and 32 bits place it, 16 its parts): its parts where
    /// they lie in `text`.
    pub(crate) fn read(text: &Arc<String>, at: usize, len: usize) -> Option<Held> {
        let line = text.get(at..at.checked_add(len)?)?;
        let parts = fast_line::parts(line)?;
        u16::try_from(len).ok()?;
        let spans = Spans {
            start: u32::try_from(at).ok()?,
            key: Part::of(line, parts.key)?,
            action: Part::of_some(line, parts.action)?,
            livingid: Part::of_some(line, parts.livingid)?,
            request: Part::of_some(line, parts.request)?,
            at: Part::of(line, parts.at_text)?,
            actual: Part::of_some(line, parts.actual_text)?,
        };
        Some(Held {
            event: parts.event,
            status: parts.status,
            source: Source::Line {
                text: Arc::clone(text),
                spans,
            },
        })
    }

    pub(crate) fn from_record(record: Record) -> Held {
        Held {
            event: record.event,
            status: record.status,
            source: Source::Record(Arc::new(record)),
        }
    }

    /// A part of the line, or of the record.
    fn part(&self, part: fn(Spans) -> Part, field: fn(&Record) -> Option<&str>) -> Option<&str> {
        match &self.source {
            Source::Line { text, spans } => part(*spans).get(text, spans.start),
            Source::Record(record) => field(record),
        }
    }

    pub fn key(&self) -> &str {
        self.part(|s| s.key, |r| Some(&r.key))
            .expect("a line the fast path read has a key")
    }

    pub fn action(&self) -> Option<&str> {
        self.part(|s| s.action, |r| r.action.as_deref())
    }

    pub fn livingid(&self) -> Option<&str> {
        self.part(|s| s.livingid, |r| r.livingid.as_deref())
    }

    pub fn request(&self) -> Option<BodyRef<'_>> {
        match &self.source {
            Source::Line { text, spans } => {
                spans.request.get(text, spans.start).map(BodyRef::from_json)
            }
            Source::Record(record) => record.request.as_ref().map(|body| body.as_ref()),
        }
    }

    /// When the record was made (read again from its line).
    pub fn at(&self) -> Timestamp {
        match &self.source {
            Source::Line { text, spans } => spans
                .at
                .get(text, spans.start)
                .and_then(fast_line::timestamp)
                .expect("a line the fast path read once"),
            Source::Record(record) => record.at,
        }
    }

    /// How the live ran, as a `refreshed` record saw it (read again from its line).
    pub fn actual(&self) -> Option<Actual> {
        match &self.source {
            Source::Line { text, spans } => {
                let actual = spans.actual.get(text, spans.start)?;
                Some(fast_line::actual(actual).expect("a line the fast path read once"))
            }
            Source::Record(record) => record.actual,
        }
    }

    /// The whole record: borrowed when kept as one, or read again from its line.
    pub fn record(&self) -> Cow<'_, Record> {
        match &self.source {
            Source::Line { text, spans } => {
                let parts: Option<Parts<'_>> = fast_line::parts(spans.line(text));
                Cow::Owned(parts.expect("a line the fast path read once").record())
            }
            Source::Record(record) => Cow::Borrowed(record),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_state_takes_a_cache_line() {
        assert!(size_of::<Held>() <= 48, "{}", size_of::<Held>());
        assert!(size_of::<super::super::KeyState>() <= 64);
    }

    #[test]
    fn a_line_read_gives_back_every_part_and_the_whole_record() {
        let lines = [
            r#"{"key":"c/2027-03-01","event":"created","livingid":"L1","at":"2027-03-01T00:00:00Z","request":{"theme":"课","type":3}}"#,
            r#"{"key":"c/2027-03-01","event":"refreshed","livingid":"L1","status":2,"actual":{"living_start":10,"living_duration":20},"at":"2027-03-01T00:00:00.5Z"}"#,
            r#"{"key":"c/2027-03-01","event":"failed","action":"replace","errcode":1,"error":"e","at":"2027-03-01T00:00:00Z"}"#,
        ];
        let text = Arc::new(format!("  {}\n", lines.join("\n")));
        let mut at = 2;
        for line in lines {
            let held = Held::read(&text, at, line.len()).expect("the fast path reads it");
            let record: Record = serde_json::from_str(line).unwrap();
            assert_eq!(*held.record(), record);
            assert_eq!(held.key(), record.key);
            assert_eq!(held.action(), record.action.as_deref());
            assert_eq!(held.livingid(), record.livingid.as_deref());
            assert_eq!(
                held.request().map(|b| b.text()),
                record.request.as_ref().map(|b| b.as_ref().text())
            );
            assert_eq!(held.at(), record.at);
            assert_eq!(held.actual(), record.actual);
            assert_eq!((held.event, held.status), (record.event, record.status));
            at += line.len() + 1;
        }
    }

    #[test]
    fn a_line_of_64_kib_or_more_is_not_held_as_a_line() {
        let theme = "x".repeat(70_000);
        let line = format!(
            r#"{{"key":"k","event":"created","at":"2027-03-01T00:00:00Z","request":{{"theme":"{theme}"}}}}"#
        );
        assert!(Held::read(&Arc::new(line.clone()), 0, line.len()).is_none());
    }
}
