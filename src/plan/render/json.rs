//! The plan as the stable JSON document described in the README, written as it
//! is produced: each session's object is made from the session on its way out.
//!
//! Keys come in the order the document has always had: sorted, as a
//! `serde_json::Value` keeps them. The structs below list their fields so.

use std::fmt::Display;
use std::io;

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use crate::plan::changes::Change;
use crate::plan::{CreateBody, Plan, PlannedLive, SessionKey, SkipReason, Skipped};
use crate::schedule::{Problem, Severity, Sources};

pub fn json(
    out: &mut impl io::Write,
    plan: &Plan,
    changes: &[Change],
    sources: &Sources,
) -> io::Result<()> {
    let doc = Document {
        plan,
        changes,
        sources,
    };
    doc.serialize(&mut serde_json::Serializer::pretty(&mut *out))?;
    out.write_all(b"\n")
}

struct Document<'a> {
    plan: &'a Plan,
    changes: &'a [Change],
    sources: &'a Sources,
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let plan = self.plan;
        let warnings = || {
            plan.problems
                .iter()
                .filter(|p| p.severity == Severity::Warning)
                .map(|p| Warning::new(p, self.sources))
        };
        let mut doc = serializer.serialize_struct("Plan", 4)?;
        doc.serialize_field("changes", self.changes)?;
        doc.serialize_field("lives", &Each(|| plan.lives.iter().map(Live::new)))?;
        doc.serialize_field("skipped", &Each(|| plan.skipped.iter().map(Dropped::new)))?;
        doc.serialize_field("warnings", &Each(warnings))?;
        doc.end()
    }
}

/// A list written an element at a time, as the function's iterator makes them.
struct Each<F>(F);

impl<F, I> Serialize for Each<F>
where
    F: Fn() -> I,
    I: Iterator<Item: Serialize>,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// A value written as its text, as a JSON string.
struct Text<T>(T);

impl<T: Display> Serialize for Text<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

#[derive(Serialize)]
struct Live<'a> {
    class: &'a str,
    key: &'a SessionKey,
    n: u32,
    notes: &'a [String],
    request: CreateBody<'a>,
    start: Text<jiff::TimestampDisplayWithOffset>,
    week: i32,
    weekday: &'static str,
}

impl<'a> Live<'a> {
    fn new(l: &'a PlannedLive) -> Self {
        Live {
            class: l.class_id(),
            key: &l.key,
            n: l.n,
            notes: &l.notes,
            request: l.body(),
            start: Text(l.start.timestamp().display_with_offset(l.start.offset())),
            week: l.week,
            weekday: crate::schedule::values::weekday_short(l.weekday()),
        }
    }
}

#[derive(Serialize)]
struct Dropped<'a> {
    class: &'a str,
    date: Text<jiff::civil::Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    holiday: Option<&'a str>,
    reason: &'static str,
}

impl<'a> Dropped<'a> {
    fn new(s: &'a Skipped) -> Self {
        let (reason, holiday) = match &s.reason {
            SkipReason::Holiday(name) => ("holiday", name.as_deref()),
            SkipReason::Skipped => ("skip", None),
            SkipReason::Cancelled => ("cancelled", None),
        };
        Dropped {
            class: &s.class,
            date: Text(s.date),
            holiday,
            reason,
        }
    }
}

#[derive(Serialize)]
struct Warning<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<Text<std::path::Display<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    message: &'a str,
}

impl<'a> Warning<'a> {
    fn new(p: &'a Problem, sources: &'a Sources) -> Self {
        let place = p.origin.map(|o| (o.line_col(sources), o.file));
        Warning {
            column: place.map(|((_, column), _)| column),
            file: place.map(|(_, file)| Text(sources.path(file).display())),
            line: place.map(|((line, _), _)| line),
            message: &p.message,
        }
    }
}
