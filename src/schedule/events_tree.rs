//! The node tree read straight from the YAML parser's events, for the documents
//! schedules nearly always are: one document of plain mappings, sequences and
//! scalars. It is the tree [`super::node::parse`] would build through serde-saphyr,
//! built about three times faster.
//!
//! It only ever declines. Anchors, aliases, tags, merge keys, directives, keys that
//! are not strings, a key twice, a document near serde-saphyr's budgets, a syntax
//! error: on any of these it gives `None` and the document is read by serde-saphyr,
//! which enforces its limits and words its errors as before. A plain scalar that
//! could be a boolean, number or null is typed by serde-saphyr too (on its own, and
//! remembered), so that a value means here exactly what it means there.

use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, Span};
use serde_saphyr::Spanned;

use super::node::{Kind, Node, Raw};
use super::source::{FileId, Origin};

/// Well inside serde-saphyr's default budget (250,000 nodes, 1,000,000 events,
/// nesting 64), so that a document near a limit is left to it to refuse.
const MAX_NODES: usize = 200_000;
const MAX_DEPTH: usize = 48;
/// Distinct plain scalars typed by serde-saphyr one at a time, before a document
/// full of them is left to serde-saphyr whole (which is then the cheaper).
const MAX_TYPED: usize = 4096;

/// The tree of `text`, or `None` when serde-saphyr is to read it.
pub(super) fn tree(file: FileId, text: &str) -> Option<Node> {
    // serde-saphyr's parser options (its default budget's), comments unreported.
    let options = granit_parser::options! {
        simple_key_max_lookahead: 1024,
        flow_nesting_limit: 255,
        block_nesting_limit: 255,
        emit_comments: false,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut builder = Builder {
        file,
        text,
        open: Vec::new(),
        nodes: 0,
        typed: HashMap::new(),
    };
    expect(&mut parser, |e| matches!(e, Event::StreamStart))?;
    expect(&mut parser, |e| matches!(e, Event::DocumentStart(_, None)))?;
    let root = loop {
        let (event, span) = parser.next_event()?.ok()?;
        if let Some(done) = builder.take(event, span)? {
            break done;
        }
    };
    expect(&mut parser, |e| matches!(e, Event::DocumentEnd))?;
    expect(&mut parser, |e| matches!(e, Event::StreamEnd))?;
    Some(root)
}

fn expect<'a>(
    parser: &mut Parser<'a, granit_parser::StrInput<'a>>,
    wanted: impl Fn(&Event<'a>) -> bool,
) -> Option<()> {
    let (event, _) = parser.next_event()?.ok()?;
    wanted(&event).then_some(())
}

struct Builder<'t> {
    file: FileId,
    text: &'t str,
    /// The collections begun and not yet ended, innermost last.
    open: Vec<Open>,
    nodes: usize,
    /// What serde-saphyr makes of each plain scalar that might not be a string.
    typed: HashMap<String, Option<(Kind, bool)>>,
}

enum Open {
    Seq(Origin, Vec<Node>),
    /// Entries so far, and the key waiting for its value.
    Map(Origin, Vec<(Node, Node)>, Option<Node>),
}

impl Builder<'_> {
    /// Takes the next event: the whole tree once its last node ends, `Some(None)`
    /// meanwhile, `None` to decline.
    fn take(&mut self, event: Event<'_>, span: Span) -> Option<Option<Node>> {
        let node = match event {
            Event::Scalar(value, style, 0, None) => self.scalar(&value, style, &span)?,
            Event::SequenceStart(_, 0, None) => {
                return self.begin(Open::Seq(origin(self.file, &span)?, Vec::new()));
            }
            Event::MappingStart(_, 0, None) => {
                return self.begin(Open::Map(origin(self.file, &span)?, Vec::new(), None));
            }
            Event::SequenceEnd => match self.open.pop()? {
                Open::Seq(origin, items) => Node {
                    kind: Kind::Seq(items),
                    origin,
                    raw: None,
                },
                Open::Map(..) => return None,
            },
            Event::MappingEnd => match self.open.pop()? {
                Open::Map(origin, entries, None) if distinct_keys(&entries) => Node {
                    kind: Kind::Map(entries),
                    origin,
                    raw: None,
                },
                _ => return None,
            },
            // Anchors, aliases, tags, and whatever else the parser may report.
            _ => return None,
        };
        self.place(node)
    }

    fn begin(&mut self, open: Open) -> Option<Option<Node>> {
        self.count()?;
        if self.open.len() >= MAX_DEPTH {
            return None;
        }
        self.open.push(open);
        Some(None)
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= MAX_NODES).then_some(())
    }

    /// Puts a finished node in the collection it belongs to, or gives it back as
    /// the whole tree when it is the root.
    fn place(&mut self, node: Node) -> Option<Option<Node>> {
        match self.open.last_mut() {
            None => Some(Some(node)),
            Some(Open::Seq(_, items)) => {
                items.push(node);
                Some(None)
            }
            Some(Open::Map(_, _, key @ None)) => {
                // Only string keys: serde-saphyr compares others by their value
                // (`1` and `0x1` are one key), and `<<` merges.
                match &node.kind {
                    Kind::Str(s) if s != "<<" => *key = Some(node),
                    _ => return None,
                }
                Some(None)
            }
            Some(Open::Map(_, entries, key @ Some(_))) => {
                entries.push((key.take()?, node));
                Some(None)
            }
        }
    }

    fn scalar(&mut self, value: &str, style: ScalarStyle, span: &Span) -> Option<Node> {
        self.count()?;
        let origin = origin(self.file, span)?;
        if style != ScalarStyle::Plain {
            return Some(Node {
                kind: Kind::Str(value.to_string()),
                origin,
                raw: None,
            });
        }
        let (kind, written) = match value {
            "" | "~" | "null" | "Null" | "NULL" => (Kind::Null, false),
            _ if !may_be_typed(value) => (Kind::Str(value.to_string()), false),
            _ => self.typed(value)?,
        };
        let raw = written.then(|| {
            let at = origin.offset..origin.offset + origin.len;
            let text = self.text.get(at).unwrap_or_default();
            text.trim_matches(|c| c == '"' || c == '\'').to_string()
        });
        Some(Node { kind, origin, raw })
    }

    /// What serde-saphyr makes of a plain scalar standing alone: the same scalar,
    /// with no tag, as it stands in the document. `None` when alone it would be
    /// something else (`---`, `%…`), or is refused.
    fn typed(&mut self, value: &str) -> Option<(Kind, bool)> {
        if let Some(known) = self.typed.get(value) {
            return known.clone();
        }
        if self.typed.len() >= MAX_TYPED {
            return None;
        }
        let alone = standalone(value);
        self.typed.insert(value.to_string(), alone.clone());
        alone
    }
}

fn standalone(value: &str) -> Option<(Kind, bool)> {
    if value.contains(['\n', '\r', '#']) || value.trim() != value {
        return None;
    }
    let read = serde_saphyr::from_str::<Spanned<Raw>>(value).ok()?;
    let span = read.referenced.span();
    if span.byte_offset() != Some(0) || span.byte_len() != Some(value.len() as u64) {
        return None;
    }
    match read.value {
        Raw::Bool(b) => Some((Kind::Bool(b), true)),
        Raw::Int(i) => Some((Kind::Int(i), true)),
        Raw::Float => Some((Kind::Float, true)),
        Raw::Str(s) if s == value => Some((Kind::Str(s), false)),
        _ => None,
    }
}

/// Whether a plain scalar might be read as a boolean, number or null rather than
/// text: it starts as a number does, or is one of YAML 1.1's words for them.
fn may_be_typed(value: &str) -> bool {
    const WORDS: [&str; 12] = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "inf", "infinity", "nan",
    ];
    value.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
        || WORDS.iter().any(|w| value.eq_ignore_ascii_case(w))
}

/// Whether no two keys are the same string (serde-saphyr refuses a key twice).
fn distinct_keys(entries: &[(Node, Node)]) -> bool {
    fn key(entry: &(Node, Node)) -> &str {
        match &entry.0.kind {
            Kind::Str(s) => s,
            _ => "",
        }
    }
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .all(|(i, a)| entries[..i].iter().all(|b| key(a) != key(b)));
    }
    let mut seen = std::collections::HashSet::with_capacity(entries.len());
    entries.iter().all(|e| seen.insert(key(e)))
}

fn origin(file: FileId, span: &Span) -> Option<Origin> {
    let start = span.start.byte_offset()?;
    let end = span.end.byte_offset()?;
    Some(Origin::new(file, start, end.saturating_sub(start)))
}

#[cfg(test)]
mod tests;
