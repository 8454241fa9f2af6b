//! One record as a ledger's state keeps it: for a line the fast path reads,
//! where its strings lie in the text read (the whole file, shared by all its
//! lines; never copied out of it); for any other record, the record.
//!
//! A ledger of 100,000 sessions held as [`Record`]s took twice the file's size
//! in memory, in four allocations a line (issue 13). Held this way it takes
//! about the file's size, in one allocation.

use std::borrow::Cow;
use std::sync::Arc;

use jiff::Timestamp;

use super::body::BodyRef;
use super::fast_line::{self, Parts};
use super::record::{Actual, Event, Record};

/// A record of the ledger as its state keeps it. The parts every key's state
/// asks of its records are at hand; the whole record is made again from its
/// line when asked for ([`Held::record`]).
#[derive(Debug, Clone)]
pub(crate) struct Held {
    pub event: Event,
    pub status: Option<u8>,
    pub at: Timestamp,
    pub actual: Option<Actual>,
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

/// Where a line and the parts of it a state asks for lie in the text read.
#[derive(Debug, Clone, Copy)]
struct Spans {
    line: Span,
    key: Span,
    action: Option<Span>,
    livingid: Option<Span>,
    request: Option<Span>,
}

/// Where a part lies in the text read: offsets in 32 bits (a line past 4 GiB
/// into a file is kept as a record).
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// The span of `part`, a slice of `line`, where `line` lies at `at` in the text.
    fn of(line: &str, at: usize, part: &str) -> Option<Span> {
        let start = at + (part.as_ptr() as usize).checked_sub(line.as_ptr() as usize)?;
        Some(Span {
            start: u32::try_from(start).ok()?,
            end: u32::try_from(start + part.len()).ok()?,
        })
    }

    fn of_some(line: &str, at: usize, part: Option<&str>) -> Option<Option<Span>> {
        part.map_or(Some(None), |part| Span::of(line, at, part).map(Some))
    }

    fn get(self, text: &str) -> &str {
        &text[self.start as usize..self.end as usize]
    }
}

impl Held {
    /// The record of the line of `len` bytes at `at` in `text`, when the fast
    /// path reads it (and 32 bits place it): its parts spans of `text`.
    pub(crate) fn read(text: &Arc<String>, at: usize, len: usize) -> Option<Held> {
        let line = text.get(at..at.checked_add(len)?)?;
        let parts = fast_line::parts(line)?;
        let spans = Spans {
            line: Span::of(line, at, line)?,
            key: Span::of(line, at, parts.key)?,
            action: Span::of_some(line, at, parts.action)?,
            livingid: Span::of_some(line, at, parts.livingid)?,
            request: Span::of_some(line, at, parts.request)?,
        };
        Some(Held {
            event: parts.event,
            status: parts.status,
            at: parts.at,
            actual: parts.actual,
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
            at: record.at,
            actual: record.actual,
            source: Source::Record(Arc::new(record)),
        }
    }

    pub fn key(&self) -> &str {
        match &self.source {
            Source::Line { text, spans } => spans.key.get(text),
            Source::Record(record) => &record.key,
        }
    }

    pub fn action(&self) -> Option<&str> {
        match &self.source {
            Source::Line { text, spans } => Some(spans.action?.get(text)),
            Source::Record(record) => record.action.as_deref(),
        }
    }

    pub fn livingid(&self) -> Option<&str> {
        match &self.source {
            Source::Line { text, spans } => Some(spans.livingid?.get(text)),
            Source::Record(record) => record.livingid.as_deref(),
        }
    }

    pub fn request(&self) -> Option<BodyRef<'_>> {
        match &self.source {
            Source::Line { text, spans } => Some(BodyRef::from_json(spans.request?.get(text))),
            Source::Record(record) => record.request.as_ref().map(|body| body.as_ref()),
        }
    }

    /// The whole record: borrowed when kept as one, or read again from its line.
    pub fn record(&self) -> Cow<'_, Record> {
        match &self.source {
            Source::Line { text, spans } => {
                let parts: Option<Parts<'_>> = fast_line::parts(spans.line.get(text));
                Cow::Owned(parts.expect("a line the fast path read once").record())
            }
            Source::Record(record) => Cow::Borrowed(record),
        }
    }
}
