//! The fields of a YAML class (or of `defaults`), with its `weekly` and `activity` maps.

use super::reader::Reader;
use crate::schedule::fields::{ActivityFields, ClassFields, Sp};
use crate::schedule::node::{Kind, Node};
use crate::schedule::values;

pub const CLASS_FIELDS: &[&str] = &[
    "id",
    "theme",
    "anchor",
    "type",
    "duration",
    "remind",
    "description",
    "agentid",
    "activity",
    "weekly",
    "weeks",
    "at",
    "dates",
    "rrule",
    "start",
    "from",
    "until",
    "count",
    "skip",
];
const WEEKLY_FIELDS: &[&str] = &["days", "at", "every", "weeks"];
const ACTIVITY_FIELDS: &[&str] = &["cover", "share", "description", "images"];

impl Reader<'_> {
    /// The fields of one class (or of `defaults`).
    pub fn class_fields(&mut self, node: &Node, path: &str, what: &str) -> Option<ClassFields> {
        let f = self.fields(node, path, what, CLASS_FIELDS)?;
        let p = |name: &str| format!("{path}.{name}");
        let mut c = ClassFields::default();
        if let Some(n) = f.get("id") {
            c.id = self.text(n, &p("id"));
        }
        if let Some(n) = f.get("theme") {
            c.theme = self.text(n, &p("theme"));
            if c.theme.is_none() {
                c.invalid.push("theme");
            }
        }
        if let Some(n) = f.get("anchor") {
            c.anchor = self.text(n, &p("anchor"));
            if c.anchor.is_none() {
                c.invalid.push("anchor");
            }
        }
        if let Some(n) = f.get("type") {
            c.kind = self.value(n, &p("type"), values::living_kind);
        }
        if let Some(n) = f.get("duration") {
            c.duration = self.value(n, &p("duration"), values::duration);
            if c.duration.is_none() {
                c.invalid.push("duration");
            }
        }
        if let Some(n) = f.get("remind") {
            c.remind = self.value(n, &p("remind"), values::duration);
        }
        if let Some(n) = f.get("description") {
            c.description = self.text(n, &p("description"));
        }
        if let Some(n) = f.get("agentid") {
            c.agentid = self.int(n, &p("agentid"), 0, i64::MAX);
        }
        if let Some(n) = f.get("activity") {
            c.activity = self.activity(n, &p("activity"));
        }
        if let Some(n) = f.get("weekly") {
            self.weekly(n, &p("weekly"), &mut c);
            if c.weekly.is_none() {
                c.invalid.push("weekly");
            }
        }
        if let Some(n) = f.get("weeks") {
            if c.weeks.is_some() {
                self.error(
                    format!("`{}` is given twice, here and in `weekly`", p("weeks")),
                    n.origin,
                );
            }
            c.weeks = self.value(n, &p("weeks"), values::weeks);
        }
        if let Some(n) = f.get("at") {
            c.at = self.value(n, &p("at"), values::datetime);
            if c.at.is_none() {
                c.invalid.push("at");
            }
        }
        if let Some(n) = f.get("dates") {
            c.dates = self.list(n, &p("dates"), values::datetime);
            if c.dates.is_none() {
                c.invalid.push("dates");
            }
        }
        if let Some(n) = f.get("rrule") {
            c.rrule = self.text(n, &p("rrule"));
        }
        if let Some(n) = f.get("start") {
            c.start = self.value(n, &p("start"), values::datetime);
        }
        if let Some(n) = f.get("from") {
            c.from = self.value(n, &p("from"), values::date);
        }
        if let Some(n) = f.get("until") {
            c.until = self.value(n, &p("until"), values::date);
        }
        if let Some(n) = f.get("count") {
            c.count = self
                .int(n, &p("count"), 1, 100_000)
                .map(|v| Sp::new(v.value as u32, v.origin));
        }
        if let Some(n) = f.get("skip") {
            c.skip = self.list(n, &p("skip"), values::date);
        }
        Some(c)
    }

    fn weekly(&mut self, node: &Node, path: &str, c: &mut ClassFields) {
        let Some(f) = self.fields(node, path, "`weekly`", WEEKLY_FIELDS) else {
            return;
        };
        c.weekly = Some(node.origin);
        let p = |name: &str| format!("{path}.{name}");
        match f.get("days") {
            Some(n) => c.days = self.list(n, &p("days"), values::weekday),
            None => {
                self.error(format!("`{path}` needs `days`"), node.origin)
                    .label = Some("for example `days: [mon, wed]`".into());
            }
        }
        match f.get("at") {
            Some(n) => c.times = self.list(n, &p("at"), values::time),
            None => {
                self.error(format!("`{path}` needs `at`"), node.origin)
                    .label = Some("for example `at: \"19:00\"`".into());
            }
        }
        if let Some(n) = f.get("every") {
            c.every = self
                .int(n, &p("every"), 1, 52)
                .map(|v| Sp::new(v.value as i32, v.origin));
        }
        if let Some(n) = f.get("weeks") {
            c.weeks = self.value(n, &p("weeks"), values::weeks);
        }
    }

    fn activity(&mut self, node: &Node, path: &str) -> Option<Sp<ActivityFields>> {
        let f = self.fields(node, path, "`activity`", ACTIVITY_FIELDS)?;
        let p = |name: &str| format!("{path}.{name}");
        let mut a = ActivityFields::default();
        if let Some(n) = f.get("cover") {
            a.cover = self.text(n, &p("cover"));
        }
        if let Some(n) = f.get("share") {
            a.share = self.text(n, &p("share"));
        }
        if let Some(n) = f.get("description") {
            a.description = self.text(n, &p("description"));
        }
        if let Some(n) = f.get("images") {
            a.images = match &n.kind {
                Kind::Seq(seq) => {
                    let items = seq
                        .iter()
                        .enumerate()
                        .filter_map(|(i, item)| self.text(item, &format!("{}[{i}]", p("images"))))
                        .collect();
                    Some(Sp::new(items, n.origin))
                }
                _ => self
                    .text(n, &p("images"))
                    .map(|t| Sp::new(vec![t.clone()], t.origin)),
            };
        }
        Some(Sp::new(a, node.origin))
    }
}
