//! The plan as the stable JSON document described in the README, written as it
//! is produced: each session's object is made from the session on its way out.
//!
//! Keys come in the order the document has always had: sorted, as a
//! `serde_json::Value` keeps them. The structs below list their fields so.

use std::fmt::Display;
use std::io;

use serde::Serialize;
use serde::ser::Serializer;

use super::json_write as write;

use crate::plan::changes::Change;
use crate::plan::{Plan, SkipReason, Skipped};
use crate::schedule::{Problem, Severity, Sources};

/// One schedule's plan as the JSON document.
pub fn json(out: &mut impl io::Write, doc: &Document<'_>) -> io::Result<()> {
    document(out, doc, 0)?;
    out.write_all(b"\n")
}

/// Several schedules' plans as one document, `{"files": [...]}`: each element the
/// single-file document with its `file`.
pub fn json_of_files(out: &mut impl io::Write, docs: &[Document<'_>]) -> io::Result<()> {
    let mut head = Vec::new();
    head.push(b'{');
    write::key(&mut head, 1, "files", true);
    out.write_all(&head)?;
    if docs.is_empty() {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"[")?;
        for (i, doc) in docs.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            write::line(out, 2)?;
            document(out, doc, 2)?;
        }
        write::line(out, 1)?;
        out.write_all(b"]")?;
    }
    write::line(out, 0)?;
    out.write_all(b"}\n")
}

/// One schedule's document as an object at `depth`: its keys sorted, as a
/// `serde_json::Value` keeps them.
fn document(out: &mut impl io::Write, doc: &Document<'_>, depth: usize) -> io::Result<()> {
    let inner = depth + 1;
    let member = |out: &mut dyn io::Write, name: &str, first: bool| {
        let mut head = Vec::new();
        write::key(&mut head, inner, name, first);
        out.write_all(&head)
    };
    out.write_all(b"{")?;
    member(out, "changes", true)?;
    write::changes(out, doc.changes, inner)?;
    if let Some(file) = &doc.file {
        member(out, "file", false)?;
        let mut text = Vec::new();
        crate::plan::json_text::text(&mut text, file);
        out.write_all(&text)?;
    }
    member(out, "lives", false)?;
    write::lives(out, &doc.plan.lives, inner)?;
    let plan = doc.plan;
    member(out, "skipped", false)?;
    serde_at(out, &Each(|| plan.skipped.iter().map(Dropped::new)), inner)?;
    member(out, "warnings", false)?;
    let warnings = || {
        plan.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .map(|p| Warning::new(p, doc.sources))
    };
    serde_at(out, &Each(warnings), inner)?;
    write::line(out, depth)?;
    out.write_all(b"}")
}

/// A value through `serde`, laid out as if it were at `depth` of the document.
fn serde_at(out: &mut impl io::Write, value: &impl Serialize, depth: usize) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, Pretty::at(depth));
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// `serde_json`'s pretty layout, two spaces a level, byte for byte, with each
/// line break and its indentation written at once rather than a level at a time
/// (a plan's lines are most of what it writes).
#[derive(Default)]
pub(super) struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    /// The layout of a value at `depth` of a document.
    pub(super) fn at(depth: usize) -> Pretty {
        Pretty {
            depth,
            has_value: false,
        }
    }

    /// `,` (unless `first`), a newline, and the indentation of the current depth.
    pub(super) fn line(&self, out: &mut (impl io::Write + ?Sized), comma: bool) -> io::Result<()> {
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
