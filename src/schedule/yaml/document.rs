//! A YAML schedule as a whole: its top-level keys, each read by its own part.

use super::reader::Reader;
use super::term::TermFields;
use crate::schedule::fields::{ClassFields, Sp};
use crate::schedule::model::Change;
use crate::schedule::node::{Kind, Node};
use crate::schedule::source::Origin;

/// A YAML schedule file, read but not yet resolved.
#[derive(Debug, Default)]
pub struct YamlSchedule {
    /// Merged with its calendar file, if it names one, by `load`.
    pub term: Option<TermFields>,
    pub defaults: ClassFields,
    /// Each class's fields, and where the class is written (for one without an `id`).
    pub classes: Vec<(ClassFields, Origin)>,
    pub classes_from: Vec<Sp<String>>,
    pub changes: Vec<Change>,
}

const TOP_FIELDS: &[&str] = &[
    "version",
    "term",
    "defaults",
    "classes",
    "classes_from",
    "changes",
];

impl Reader<'_> {
    /// The whole document.
    pub fn schedule(&mut self, root: &Node) -> YamlSchedule {
        let mut doc = YamlSchedule::default();
        let Some(f) = self.fields(root, "the file", "a schedule", TOP_FIELDS) else {
            return doc;
        };
        if let Some(n) = f.get("version")
            && !matches!(n.kind, Kind::Int(1))
        {
            self.error(
                format!("unsupported `version`: `{}`", n.text().unwrap_or("?")),
                n.origin,
            )
            .help = Some("write `version: 1`, or leave it out".into());
            self.last().label = Some("expected `1`".into());
        }
        match f.get("term") {
            Some(n) => doc.term = self.term(n),
            None => {
                self.error("the schedule has no `term`", root.origin).help =
                    Some("add `term:` with at least `start:` and `end:` dates".into());
                self.last().label = Some("expected a `term` in this file".into());
            }
        }
        if let Some(n) = f.get("defaults")
            && let Some(d) = self.class_fields(n, "defaults", "`defaults`")
        {
            if let Some(id) = &d.id {
                self.error("`defaults` cannot give an `id`", id.origin).help =
                    Some("an `id` names one class; write it in each class".into());
                self.last().label = Some("expected fields classes share".into());
            }
            doc.defaults = d;
        }
        if let Some(n) = f.get("classes") {
            match &n.kind {
                Kind::Seq(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(c) =
                            self.class_fields(item, &format!("classes[{i}]"), "a class")
                        {
                            doc.classes.push((c, item.origin));
                        }
                    }
                }
                _ => self.type_error(n, "classes", "a list of classes"),
            }
        }
        if let Some(n) = f.get("classes_from")
            && let Some(list) = self.list(n, "classes_from", |s| Ok(s.to_string()))
        {
            // Offsets of items inside a sequence are their own nodes' places.
            doc.classes_from = match &n.kind {
                Kind::Seq(seq) => seq
                    .iter()
                    .zip(list.value)
                    .map(|(node, v)| Sp::new(v, node.origin))
                    .collect(),
                _ => list
                    .value
                    .into_iter()
                    .map(|v| Sp::new(v, n.origin))
                    .collect(),
            };
        }
        if let Some(n) = f.get("changes") {
            doc.changes = self.changes(n);
        }
        doc
    }
}
