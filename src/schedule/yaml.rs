//! Reading a YAML schedule's node tree into fields, reporting every problem found.

use jiff::tz::TimeZone;

use super::fields::{ActivityFields, ClassFields, Sp};
use super::model::{Change, ChangeAction, Holiday, RunsAs, Term, Workday};
use super::node::{Kind, Node};
use super::problem::{Problem, Problems, did_you_mean};
use super::source::Origin;
use super::values::{self, Expected};

/// A YAML schedule file, read but not yet resolved.
#[derive(Debug, Default)]
pub struct YamlSchedule {
    pub term: Option<Term>,
    pub defaults: ClassFields,
    pub classes: Vec<ClassFields>,
    pub classes_from: Vec<Sp<String>>,
    pub changes: Vec<Change>,
}

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
const TOP_FIELDS: &[&str] = &[
    "version",
    "term",
    "defaults",
    "classes",
    "classes_from",
    "changes",
];
const TERM_FIELDS: &[&str] = &["name", "timezone", "start", "end", "holidays", "workdays"];
const WEEKLY_FIELDS: &[&str] = &["days", "at", "every", "weeks"];
const ACTIVITY_FIELDS: &[&str] = &["cover", "share", "description", "images"];
const HOLIDAY_FIELDS: &[&str] = &["date", "from", "to", "name"];
const WORKDAY_FIELDS: &[&str] = &["date", "as"];
const CHANGE_FIELDS: &[&str] = &["class", "date", "move_to", "cancel", "anchor"];

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
    fn error(&mut self, message: impl Into<String>, origin: Origin) -> &mut Problem {
        self.problems.push(Problem::error(message, Some(origin)));
        self.last()
    }

    fn last(&mut self) -> &mut Problem {
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
                self.error(format!("`{path}` has a key that is not text"), k.origin);
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
            p.label = Some(format!("not a field of {what}"));
            p.help = Some(help);
        }
        Some(Fields {
            entries: kept,
            origin: node.origin,
        })
    }

    fn type_error(&mut self, node: &Node, path: &str, expected: &str) {
        let found = node.describe();
        let p = self.error(
            format!("`{path}` should be {expected}, found {found}"),
            node.origin,
        );
        p.label = Some(format!("expected {expected}"));
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
    fn inner_offset(&self, node: &Node) -> usize {
        let quoted = self.text[node.origin.offset..].starts_with(['"', '\'']);
        node.origin.offset + usize::from(quoted)
    }

    fn int(&mut self, node: &Node, path: &str, min: i64, max: i64) -> Option<Sp<i64>> {
        self.value(node, path, |s| {
            s.trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| format!("a whole number from {min} to {max}"))
        })
    }

    fn bool(&mut self, node: &Node, path: &str) -> Option<bool> {
        match node.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                self.type_error(node, path, "`true` or `false`");
                None
            }
        }
    }

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

    fn term(&mut self, node: &Node) -> Option<Term> {
        let f = self.fields(node, "term", "`term`", TERM_FIELDS)?;
        let name = f
            .get("name")
            .and_then(|n| self.text(n, "term.name"))
            .map(|s| s.value)
            .unwrap_or_default();
        let (tz_name, tz) = match f.get("timezone") {
            Some(n) => {
                let t = self.value(n, "term.timezone", |s| {
                    TimeZone::get(s.trim())
                        .map(|tz| (s.trim().to_string(), tz))
                        .map_err(|_| "an IANA time zone name like `Asia/Shanghai`".to_string())
                })?;
                t.value
            }
            None => {
                let tz = TimeZone::get("Asia/Shanghai").ok()?;
                ("Asia/Shanghai".to_string(), tz)
            }
        };
        let start = self.required(&f, "start", "term", values::date);
        let end = self.required(&f, "end", "term", values::date);
        let mut holidays = Vec::new();
        if let Some(n) = f.get("holidays") {
            holidays = self.holidays(n);
        }
        let mut workdays = Vec::new();
        if let Some(n) = f.get("workdays") {
            workdays = self.workdays(n);
        }
        let (start, end) = (start?, end?);
        if end.value < start.value {
            self.error(
                format!(
                    "the term ends (`{}`) before it starts (`{}`)",
                    end.value, start.value
                ),
                end.origin,
            )
            .label = Some("expected a date on or after `term.start`".into());
            return None;
        }
        Some(Term {
            name,
            tz_name,
            tz,
            start: start.value,
            end: end.value,
            holidays,
            workdays,
        })
    }

    fn required<T>(
        &mut self,
        f: &Fields<'_>,
        key: &str,
        path: &str,
        parse: impl Fn(&str) -> Result<T, Expected>,
    ) -> Option<Sp<T>> {
        match f.get(key) {
            Some(n) => self.value(n, &format!("{path}.{key}"), parse),
            None => {
                self.error(format!("`{path}` needs `{key}`"), f.origin);
                None
            }
        }
    }

    fn holidays(&mut self, node: &Node) -> Vec<Holiday> {
        let Kind::Seq(items) = &node.kind else {
            self.type_error(node, "term.holidays", "a list of dates or ranges");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("term.holidays[{i}]");
            if let Kind::Map(_) = item.kind {
                let Some(f) = self.fields(item, &path, "a holiday", HOLIDAY_FIELDS) else {
                    continue;
                };
                let name = f
                    .get("name")
                    .and_then(|n| self.text(n, &path))
                    .map(|s| s.value);
                let (from, to) = if let Some(n) = f.get("date") {
                    let d = self.value(n, &format!("{path}.date"), values::date);
                    (d.clone(), d)
                } else {
                    (
                        self.required(&f, "from", &path, values::date),
                        self.required(&f, "to", &path, values::date),
                    )
                };
                let (Some(from), Some(to)) = (from, to) else {
                    continue;
                };
                if to.value < from.value {
                    self.error(format!("holiday `{path}` ends before it starts"), to.origin);
                    continue;
                }
                out.push(Holiday {
                    from: from.value,
                    to: to.value,
                    name,
                });
            } else if let Some(d) = self.value(item, &path, values::date) {
                out.push(Holiday {
                    from: d.value,
                    to: d.value,
                    name: None,
                });
            }
        }
        out
    }

    fn workdays(&mut self, node: &Node) -> Vec<Workday> {
        let Kind::Seq(items) = &node.kind else {
            self.type_error(node, "term.workdays", "a list of `{ date, as }`");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("term.workdays[{i}]");
            let Some(f) = self.fields(item, &path, "a workday", WORKDAY_FIELDS) else {
                continue;
            };
            let date = self.required(&f, "date", &path, values::date);
            let runs = self.required(&f, "as", &path, |s| {
                values::weekday(s)
                    .map(RunsAs::Weekday)
                    .or_else(|_| values::date(s).map(RunsAs::Date))
                    .map_err(|_| "a weekday like `fri` or the date whose timetable it runs".into())
            });
            if let (Some(date), Some(runs)) = (date, runs) {
                out.push(Workday {
                    date: date.value,
                    runs: runs.value,
                });
            }
        }
        out
    }

    fn changes(&mut self, node: &Node) -> Vec<Change> {
        let Kind::Seq(items) = &node.kind else {
            self.type_error(node, "changes", "a list of changes");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("changes[{i}]");
            let Some(f) = self.fields(item, &path, "a change", CHANGE_FIELDS) else {
                continue;
            };
            let class = self.required(&f, "class", &path, |s| Ok(s.trim().to_string()));
            let date = self.required(&f, "date", &path, values::date);
            let cancel = f
                .get("cancel")
                .and_then(|n| self.bool(n, &format!("{path}.cancel")))
                .unwrap_or(false);
            let move_to_node = f.get("move_to");
            let move_to = move_to_node
                .and_then(|n| self.value(n, &format!("{path}.move_to"), values::datetime));
            if move_to_node.is_some() && move_to.is_none() {
                continue;
            }
            let anchor = f
                .get("anchor")
                .and_then(|n| self.text(n, &format!("{path}.anchor")));
            let action = match (cancel, move_to, anchor) {
                (true, None, None) => ChangeAction::Cancel,
                (true, _, _) => {
                    self.error(
                        format!("`{path}` cancels the session and also edits it"),
                        item.origin,
                    )
                    .help = Some("keep either `cancel: true` or `move_to`/`anchor`".into());
                    continue;
                }
                (false, None, None) => {
                    self.error(format!("`{path}` changes nothing"), item.origin)
                        .help = Some("give `move_to`, `anchor` or `cancel: true`".into());
                    continue;
                }
                (false, move_to, anchor) => ChangeAction::Edit {
                    move_to: move_to.map(|m| m.value),
                    anchor: anchor.map(|a| a.value),
                },
            };
            if let (Some(class), Some(date)) = (class, date) {
                out.push(Change {
                    class: class.value,
                    date: date.value,
                    action,
                    origin: class.origin,
                });
            }
        }
        out
    }

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
            .label = Some("expected `1`".into());
        }
        match f.get("term") {
            Some(n) => doc.term = self.term(n),
            None => {
                self.error("the schedule has no `term`", root.origin).help =
                    Some("add `term:` with at least `start:` and `end:` dates".into());
            }
        }
        if let Some(n) = f.get("defaults")
            && let Some(d) = self.class_fields(n, "defaults", "`defaults`")
        {
            if let Some(id) = &d.id {
                self.error("`defaults` cannot give an `id`", id.origin);
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
                            doc.classes.push(c);
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
