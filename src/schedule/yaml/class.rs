//! The fields of a YAML class (or of `defaults`), with its `weekly` and `activity`
//! maps: structure here, every value through the class field table.

use std::sync::OnceLock;

use super::reader::{Fields, Reader};
use crate::schedule::class_fields::{FIELDS, FieldSpec, Scalar, Written, spec};
use crate::schedule::fields::{ActivityFields, ClassFields, Sp};
use crate::schedule::node::{Kind, Node};

impl Reader<'_> {
    /// The fields of one class (or of `defaults`).
    pub fn class_fields(&mut self, node: &Node, path: &str, what: &str) -> Option<ClassFields> {
        let f = self.fields(node, path, what, keys_within(None))?;
        let mut c = ClassFields::default();
        if let Some(n) = f.get("weekly") {
            self.weekly(n, path, &mut c);
        }
        if let Some(n) = f.get("weeks")
            && c.weeks.is_some()
        {
            self.error(
                format!("`{path}.weeks` is given twice, here and in `weekly`"),
                n.origin,
            )
            .label = Some("expected `weeks` once".into());
            self.last().help = Some("keep the one inside `weekly` or this one".into());
        }
        if let Some(n) = f.get("activity") {
            self.activity(n, path, &mut c);
        }
        self.read_fields(&f, None, path, &mut c);
        Some(c)
    }

    /// The `weekly` map of the class at `class`.
    fn weekly(&mut self, node: &Node, class: &str, c: &mut ClassFields) {
        let path = format!("{class}.weekly");
        // `weeks` narrows a weekly recurrence, so it may be written inside `weekly` too.
        let mut keys = keys_within(Some("weekly")).to_vec();
        keys.push("weeks");
        let Some(f) = self.fields(node, &path, "`weekly`", &keys) else {
            c.invalid.push("weekly");
            return;
        };
        c.weekly = Some(node.origin);
        for (key, example) in [
            ("days", "for example `days: [mon, wed]`"),
            ("at", "for example `at: \"19:00\"`"),
        ] {
            let written = f
                .get(key)
                .is_some_and(|n| n.text().is_none_or(|t| !t.trim().is_empty()));
            if !written {
                self.error(format!("`{path}` needs `{key}`"), node.origin)
                    .label = Some(format!("expected `{key}`, {example}"));
                self.last().help =
                    Some("`weekly` gives the weekdays and the times of day of each session".into());
            }
        }
        self.read_fields(&f, Some("weekly"), class, c);
        if let Some(n) = f.get("weeks") {
            self.field(spec("weeks"), n, &format!("{path}.weeks"), c);
        }
    }

    /// The `activity` map of the class at `class`.
    fn activity(&mut self, node: &Node, class: &str, c: &mut ClassFields) {
        let path = format!("{class}.activity");
        let keys = keys_within(Some("activity"));
        let Some(f) = self.fields(node, &path, "`activity`", keys) else {
            c.invalid.push("activity");
            return;
        };
        c.activity = Some(Sp::new(ActivityFields::default(), node.origin));
        self.read_fields(&f, Some("activity"), class, c);
    }

    /// Every field of the table that sits `within` one map of the class at `path`.
    fn read_fields(
        &mut self,
        f: &Fields<'_>,
        within: Option<&str>,
        path: &str,
        c: &mut ClassFields,
    ) {
        for spec in FIELDS.iter().filter(|s| s.within() == within) {
            if let Some(n) = f.get(spec.key()) {
                self.field(spec, n, &format!("{path}.{}", spec.name), c);
            }
        }
    }

    /// One field: its scalar, or its list's items, through the field's own check.
    fn field(&mut self, spec: &FieldSpec, node: &Node, path: &str, c: &mut ClassFields) {
        let written = match &node.kind {
            Kind::Seq(seq) if spec.list => {
                let mut items = Vec::new();
                for (i, item) in seq.iter().enumerate() {
                    let path = format!("{path}[{i}]");
                    if let Some(text) = self.scalar(item, &path) {
                        items.push(Scalar {
                            text,
                            origin: item.origin,
                            path,
                        });
                    }
                }
                if items.len() < seq.len() {
                    c.invalid.push(spec.name);
                    return;
                }
                Written::items(node.origin, items)
            }
            _ => {
                let Some(text) = self.scalar(node, path) else {
                    c.invalid.push(spec.name);
                    return;
                };
                Written::text(spec, text, node.origin, self.inner_offset(node), path)
            }
        };
        spec.read(&written, c, self.problems);
    }

    /// A scalar's text, or a problem saying text was expected.
    fn scalar<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n str> {
        let text = node.text();
        if text.is_none() {
            self.type_error(node, path, "text");
        }
        text
    }
}

/// The keys of a class (`within` nothing) or of one of its maps, in table order;
/// worked out from the table once, as every class of a schedule asks.
fn keys_within(within: Option<&str>) -> &'static [&'static str] {
    static CLASS: OnceLock<Vec<&'static str>> = OnceLock::new();
    static WEEKLY: OnceLock<Vec<&'static str>> = OnceLock::new();
    static ACTIVITY: OnceLock<Vec<&'static str>> = OnceLock::new();
    let (cell, map) = match within {
        None => (&CLASS, None),
        Some("weekly") => (&WEEKLY, Some("weekly")),
        Some("activity") => (&ACTIVITY, Some("activity")),
        Some(other) => unreachable!("the class field table has no map `{other}`"),
    };
    cell.get_or_init(|| table_keys(map))
}

fn table_keys(within: Option<&str>) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for spec in FIELDS {
        let key = match within {
            None => spec.within().unwrap_or(spec.key()),
            Some(map) if spec.within() == Some(map) => spec.key(),
            Some(_) => continue,
        };
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}
