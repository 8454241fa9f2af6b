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

/// One schedule's plan as the JSON document.
pub fn json(out: &mut impl io::Write, doc: &Document<'_>) -> io::Result<()> {
    write_pretty(out, doc)
}

/// Several schedules' plans as one document, `{"files": [...]}`: each element the
/// single-file document with its `file`.
pub fn json_of_files(out: &mut impl io::Write, docs: &[Document<'_>]) -> io::Result<()> {
    #[derive(Serialize)]
    struct Files<'a, 'b> {
        files: &'a [Document<'b>],
    }
    write_pretty(out, &Files { files: docs })
}

fn write_pretty(out: &mut impl io::Write, value: &impl Serialize) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, Pretty::default());
    value.serialize(&mut serializer)?;
    out.write_all(b"\n")
}

/// `serde_json`'s pretty layout, two spaces a level, byte for byte, with each
/// line break and its indentation written at once rather than a level at a time
/// (a plan's lines are most of what it writes).
#[derive(Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    /// `,` (unless `first`), a newline, and the indentation of the current depth.
    fn line(&self, out: &mut (impl io::Write + ?Sized), comma: bool) -> io::Result<()> {
        const BREAK: &[u8; 66] =
            b",\n                                                                ";
        let from = usize::from(!comma);
        match BREAK.get(from..2 + 2 * self.depth) {
            Some(text) => out.write_all(text),
            None => {
                out.write_all(&BREAK[from..2])?;
                (0..self.depth).try_for_each(|_| out.write_all(b"  "))
            }
        }
    }

    fn open(&mut self, out: &mut (impl io::Write + ?Sized), bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close(&mut self, out: &mut (impl io::Write + ?Sized), bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(out, false)?;
        }
        out.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + io::Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.line(out, !first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.line(out, !first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// What the JSON document of one schedule is made from.
pub struct Document<'a> {
    pub plan: &'a Plan,
    pub changes: &'a [Change],
    pub sources: &'a Sources,
    /// The schedule's file, in a document of several.
    pub file: Option<String>,
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
        let mut doc = serializer.serialize_struct("Plan", 5)?;
        doc.serialize_field("changes", self.changes)?;
        if let Some(file) = &self.file {
            doc.serialize_field("file", file)?;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_is_serde_jsons_pretty_one() {
        let deep = (0..40).fold(
            serde_json::json!([1, {}, []]),
            |v, i| serde_json::json!({"a": v, "b": [i, "x"], "c": {}}),
        );
        let mut ours = Vec::new();
        deep.serialize(&mut serde_json::Serializer::with_formatter(
            &mut ours,
            Pretty::default(),
        ))
        .unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string_pretty(&deep).unwrap()
        );
    }
}
