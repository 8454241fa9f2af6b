//! Reading YAML nodes with every problem collected: mappings with known keys,
//! scalars, lists, each bad value reported at its place with what was expected.

use crate::schedule::fields::Sp;
use crate::schedule::node::{Kind, Node};
use crate::schedule::problem::{Problem, Problems, did_you_mean};
use crate::schedule::source::Origin;
use crate::schedule::values::{self, Expected};

/// Reads nodes, collecting problems instead of stopping at the first.
pub struct Reader<'a> {
    pub text: &'a str,
    pub problems: &'a mut Problems,
}

/// A mapping's entries by key, after unknown keys were reported.
pub struct Fields<'n> {
    entries: Vec<(String, &'n Node, &'n Node)>,
    pub origin: Origin,
}

impl<'n> Fields<'n> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _, v)| k == key && !v.is_null())
            .map(|(_, _, v)| *v)
    }
}

impl Reader<'_> {
    pub(super) fn error(&mut self, message: impl Into<String>, origin: Origin) -> &mut Problem {
        self.problems.push(Problem::error(message, Some(origin)));
        self.last()
    }

    pub(super) fn last(&mut self) -> &mut Problem {
        // `push` just happened; the list is never empty here.
        self.problems.last_mut().expect("a problem was just pushed")
    }

    /// A mapping with only the `allowed` keys; unknown ones are reported with a suggestion.
    pub fn fields<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        what: &str,
        allowed: &[&str],
    ) -> Option<Fields<'n>> {
        let Kind::Map(entries) = &node.kind else {
            self.type_error(node, path, &format!("a mapping ({what})"));
            return None;
        };
        let mut kept = Vec::new();
        for (k, v) in entries {
            let Some(key) = k.text() else {
                let p = self.error(format!("`{path}` has a key that is not text"), k.origin);
                p.label = Some("expected a field name".into());
                p.help = Some(format!("the fields of {what} are {}", allowed.join(", ")));
                continue;
            };
            if allowed.contains(&key) {
                kept.push((key.to_string(), k, v));
                continue;
            }
            let help = match did_you_mean(key, allowed) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known fields: {}", allowed.join(", ")),
            };
            let p = self.error(format!("unknown field `{key}` in {what}"), k.origin);
            p.label = Some(format!("expected a field of {what}"));
            p.help = Some(help);
        }
        Some(Fields {
            entries: kept,
            origin: node.origin,
        })
    }

    pub(super) fn type_error(&mut self, node: &Node, path: &str, expected: &str) {
        let found = node.describe();
        let p = self.error(
            format!("`{path}` should be {expected}, found {found}"),
            node.origin,
        );
        p.label = Some(format!("expected {expected}"));
        p.help = Some(shape_help(expected).into());
    }

    /// The text of a scalar node.
    pub fn text(&mut self, node: &Node, path: &str) -> Option<Sp<String>> {
        match node.text() {
            Some(t) => Some(Sp::new(t.to_string(), node.origin)),
            None => {
                self.type_error(node, path, "text");
                None
            }
        }
    }

    /// A scalar parsed by `parse`; a bad value is reported with what was expected.
    pub fn value<T>(
        &mut self,
        node: &Node,
        path: &str,
        parse: impl Fn(&str) -> Result<T, Expected>,
    ) -> Option<Sp<T>> {
        let text = self.text(node, path)?;
        self.parse_at(&text.value, node.origin, path, parse)
    }

    pub fn parse_at<T>(
        &mut self,
        text: &str,
        origin: Origin,
        path: &str,
        parse: impl Fn(&str) -> Result<T, Expected>,
    ) -> Option<Sp<T>> {
        match parse(text) {
            Ok(v) => Some(Sp::new(v, origin)),
            Err(expected) => {
                let p = self.error(format!("invalid `{path}`: `{text}`"), origin);
                p.label = Some(format!("expected {expected}"));
                p.help = Some(value_help(path).into());
                None
            }
        }
    }

    /// A list given either as a YAML sequence or as one string with separators
    /// (`mon, wed`, `周一、周三`); each item is checked and reported on its own.
    pub fn list<T>(
        &mut self,
        node: &Node,
        path: &str,
        parse: impl Fn(&str) -> Result<T, Expected>,
    ) -> Option<Sp<Vec<T>>> {
        let mut items = Vec::new();
        let mut ok = true;
        match &node.kind {
            Kind::Seq(seq) => {
                for (i, item) in seq.iter().enumerate() {
                    match self.value(item, &format!("{path}[{i}]"), &parse) {
                        Some(v) => items.push(v.value),
                        None => ok = false,
                    }
                }
            }
            _ => {
                let text = self.text(node, path)?;
                let inner = self.inner_offset(node);
                for (offset, part) in values::split_list(&text.value) {
                    let origin = Origin::new(node.origin.file, inner + offset, part.len());
                    match self.parse_at(part, origin, path, &parse) {
                        Some(v) => items.push(v.value),
                        None => ok = false,
                    }
                }
            }
        }
        ok.then(|| Sp::new(items, node.origin))
    }

    /// Where a scalar's text starts, past an opening quote.
    pub(super) fn inner_offset(&self, node: &Node) -> usize {
        let quoted = self.text[node.origin.offset..].starts_with(['"', '\'']);
        node.origin.offset + usize::from(quoted)
    }

    pub(super) fn bool(&mut self, node: &Node, path: &str) -> Option<bool> {
        match node.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                self.type_error(node, path, "`true` or `false`");
                None
            }
        }
    }

    pub(super) fn required<T>(
        &mut self,
        f: &Fields<'_>,
        key: &str,
        path: &str,
        parse: impl Fn(&str) -> Result<T, Expected>,
    ) -> Option<Sp<T>> {
        match f.get(key) {
            Some(n) => self.value(n, &format!("{path}.{key}"), parse),
            None => {
                let p = self.error(format!("`{path}` needs `{key}`"), f.origin);
                p.label = Some(format!("expected `{key}` in here"));
                p.help = Some(value_help(&format!("{path}.{key}")).into());
                None
            }
        }
    }
}

/// How to write a value of the shape `expected` names, for a value of another shape.
fn shape_help(expected: &str) -> &'static str {
    if expected.starts_with("a list") {
        "write a YAML list: `[a, b]` on one line, or one `- item` per line"
    } else if expected.starts_with("a mapping") {
        "write `key: value` lines indented under it, or `{ key: value }` on one line"
    } else if expected.contains("`true`") {
        "write `true` or `false`, without quotes"
    } else {
        "write one value; quote it if YAML reads it as something else, as in `at: \"19:00\"`"
    }
}

/// How to write the value at `path` (`term.start`, `changes[0].move_to`, …).
fn value_help(path: &str) -> &'static str {
    let key = path.rsplit('.').next().unwrap_or(path);
    match key {
        "timezone" => {
            "names are as in the IANA database, such as `Asia/Shanghai` or `Europe/London`"
        }
        "move_to" => "a local date and time in the term's zone, such as `2027-03-18T19:00`",
        "as" => {
            "a weekday (`fri`) to run its timetable, or a date (`2027-05-05`) to run that day's"
        }
        "class" => "the `id` of the class whose session changes",
        _ if path.starts_with("classes_from") => "paths of CSV files, relative to this schedule",
        _ => "dates are written `YYYY-MM-DD`, as in `2027-03-01`",
    }
}
