//! A YAML document as a tree of nodes, each knowing where it stands in the file.
//!
//! Serde stops at the first error; a tree read first and converted by hand lets
//! validation report every problem of a file in one run.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::source::{FileId, Origin};

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    pub origin: Origin,
    /// The scalar as written (without quotes), for fields that want text whatever YAML made of it.
    pub raw: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Float,
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// What this node is, for "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match self.kind {
            Kind::Null => "nothing",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) => "a number",
            Kind::Float => "a number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    /// The text of a scalar: strings as they are, other scalars as written.
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            Kind::Bool(_) | Kind::Int(_) | Kind::Float => self.raw.as_deref(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }
}

/// Parses YAML text into a node tree, or the syntax error with its place.
pub fn parse(file: FileId, text: &str) -> Result<Node, (String, Origin)> {
    if text.trim().is_empty() {
        return Ok(Node {
            kind: Kind::Null,
            origin: Origin::new(file, 0, 0),
            raw: None,
        });
    }
    if let Some(tree) = super::events_tree::tree(file, text) {
        return Ok(tree);
    }
    by_saphyr(file, text)
}

/// [`parse`] through serde-saphyr alone.
pub(super) fn by_saphyr(file: FileId, text: &str) -> Result<Node, (String, Origin)> {
    match serde_saphyr::from_str::<Spanned<Raw>>(text) {
        Ok(raw) => Ok(convert(file, text, raw)),
        Err(err) => {
            let offset = err.location().map_or(0, |l| {
                l.span()
                    .byte_offset()
                    .map_or_else(|| offset_of(text, l.line(), l.column()), |o| o as usize)
            });
            Err((
                syntax_message(&err.to_string()),
                Origin::new(file, offset, 1),
            ))
        }
    }
}

/// Byte offset of a 1-based line and character column.
fn offset_of(text: &str, line: u64, column: u64) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let rest = &text[line_start.min(text.len())..];
    line_start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(rest.len(), |(i, _)| i)
}

/// saphyr's message repeats the place and a snippet; keep only what went wrong.
fn syntax_message(full: &str) -> String {
    let first = full.lines().next().unwrap_or(full);
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let first = match first.find(": ") {
        Some(i) if first.starts_with("line ") => &first[i + 2..],
        _ => first,
    };
    if let Some(breach) = first.strip_prefix("budget breached: ") {
        return budget_message(breach);
    }
    first
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(first)
        .to_string()
}

/// The parser's resource limits, in words: `Nodes { nodes: 250001 }` becomes
/// "more than 250000 YAML nodes".
fn budget_message(breach: &str) -> String {
    let what = breach.split([' ', '{']).next().unwrap_or(breach);
    let number: String = breach.chars().filter(char::is_ascii_digit).collect();
    let limit = number
        .parse::<u64>()
        .map_or(String::new(), |n| format!(" ({})", n.saturating_sub(1)));
    let thing = match what {
        "Nodes" => "values",
        "Depth" => "levels of nesting",
        "Aliases" | "AliasAnchorRatio" => "aliases",
        "Events" => "parser events",
        "Anchors" => "anchors",
        _ => "of what the parser allows",
    };
    format!("the file holds more {thing} than a schedule may{limit}")
}

fn convert(file: FileId, text: &str, raw: Spanned<Raw>) -> Node {
    let span = raw.referenced.span();
    let offset = span.byte_offset().unwrap_or(0) as usize;
    let len = span.byte_len().unwrap_or(0) as usize;
    let origin = Origin::new(file, offset, len);
    let written = text
        .get(offset..offset + len)
        .map(|s| s.trim_matches(|c| c == '"' || c == '\'').to_string());
    let (kind, raw_text) = match raw.value {
        Raw::Null => (Kind::Null, None),
        Raw::Bool(b) => (Kind::Bool(b), written),
        Raw::Int(i) => (Kind::Int(i), written),
        Raw::Float => (Kind::Float, written),
        Raw::Str(s) => (Kind::Str(s), None),
        Raw::Seq(items) => (
            Kind::Seq(items.into_iter().map(|n| convert(file, text, n)).collect()),
            None,
        ),
        Raw::Map(entries) => (
            Kind::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (convert(file, text, k), convert(file, text, v)))
                    .collect(),
            ),
            None,
        ),
    };
    Node {
        kind,
        origin,
        raw: raw_text,
    }
}

pub(super) enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float,
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float, Raw::Int))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Raw, E> {
        Ok(Raw::Float)
    }

    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Raw::Map(entries))
    }
}
