//! A class means the same written as YAML or as a CSV row pulled in through
//! `classes_from`: the same verdict, the same fields blamed when it is refused,
//! the same `living/create` requests when it is not.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;
use std::path::Path;

use livesched::plan::plan_term;
use livesched::schedule::Severity;
use livesched::wecom::types::CreateLiving;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::Union;

/// One generated value: not written, written empty, or written.
#[derive(Debug, Clone)]
enum V {
    Absent,
    Blank(&'static str),
    Text(String),
}

/// How a class meets.
#[derive(Debug, Clone)]
enum When {
    Weekly {
        days: Vec<String>,
        at: Vec<String>,
        every: V,
        weeks: V,
        /// `weeks` inside `weekly` rather than beside it (YAML only).
        weeks_inside: bool,
    },
    At(String),
    /// One of `dates` in YAML; a `date` and an `at` cell in CSV.
    Dated {
        date: String,
        time: String,
    },
    Rule {
        rrule: String,
        start: String,
    },
}

/// The fields before the recurrence, named alike in YAML and CSV.
const LEADING: [&str; 8] = [
    "id",
    "theme",
    "anchor",
    "type",
    "duration",
    "remind",
    "description",
    "agentid",
];
/// The fields after it.
const BOUNDS: [&str; 3] = ["from", "until", "count"];

#[derive(Debug, Clone)]
struct Class {
    /// The values of `LEADING`.
    leading: [V; 8],
    when: When,
    /// The values of `BOUNDS`.
    bounds: [V; 3],
    skip: Option<Vec<String>>,
    cover: V,
    activity_description: V,
    images: Option<Vec<String>>,
    /// `defaults` give a theme, an anchor and a duration.
    defaults: bool,
    /// YAML lists as sequences rather than one text with separators.
    sequences: bool,
}

/// Mostly valid values, some invalid, some empty, and some not written when `optional`.
fn value(
    valid: &'static [&'static str],
    invalid: &'static [&'static str],
    optional: bool,
) -> BoxedStrategy<V> {
    let mut arms: Vec<(u32, BoxedStrategy<V>)> = vec![
        (16, text(valid)),
        (1, select(&["", "  "][..]).prop_map(V::Blank).boxed()),
    ];
    if !invalid.is_empty() {
        arms.push((1, text(invalid)));
    }
    if optional {
        arms.push((4, Just(V::Absent).boxed()));
    }
    Union::new_weighted(arms).boxed()
}

fn text(values: &'static [&'static str]) -> BoxedStrategy<V> {
    select(values).prop_map(|s| V::Text(s.to_string())).boxed()
}

fn one(valid: &'static [&'static str], invalid: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![24 => select(valid), 1 => select(invalid)]
        .prop_map(str::to_string)
        .boxed()
}

fn items(
    valid: &'static [&'static str],
    invalid: &'static [&'static str],
) -> BoxedStrategy<Vec<String>> {
    proptest::collection::vec(one(valid, invalid), 1..=3)
        .prop_map(|mut items| {
            items.dedup();
            items
        })
        .boxed()
}

const DATES: &[&str] = &["2027-03-01", "2027-03-15", "2027-05-10"];
const BAD_DATES: &[&str] = &["2027-02-30", "2027-3-1", "nope"];
const TIMES: &[&str] = &["19:00", "08:30", "9:30", "19：00"];
const BAD_TIMES: &[&str] = &["25:00", "7pm"];

fn when() -> impl Strategy<Value = When> {
    prop_oneof![
        4 => (
            items(&["mon", "wed", "周五", "Fri"], &["fro", "星期八"]),
            items(TIMES, BAD_TIMES),
            value(&["1", "2"], &["0", "53", "x"], true),
            value(&["1-8,10-16", "odd", "双周", "3"], &["8-1", "1-"], true),
            any::<bool>(),
        )
            .prop_map(|(days, at, every, weeks, weeks_inside)| When::Weekly {
                days,
                at,
                every,
                weeks,
                weeks_inside,
            }),
        1 => one(&["2027-03-01T10:00", "2027-03-01 10:00", "2027-04-01T9:30"], &["2027-02-30T10:00", "10:00"])
            .prop_map(When::At),
        1 => (one(DATES, BAD_DATES), one(TIMES, BAD_TIMES))
            .prop_map(|(date, time)| When::Dated { date, time }),
        1 => (
            one(&["FREQ=WEEKLY;COUNT=3", "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4"], &["FREQ=SOMETIMES", "FREQ=WEEKLY;BYDAY=XX"]),
            one(&["2027-03-01T10:00"], &["2027-03-01", "2027-03-01T25:00"]),
        )
            .prop_map(|(rrule, start)| When::Rule { rrule, start }),
    ]
}

fn class() -> impl Strategy<Value = Class> {
    let leading = [
        value(&["ml-101", "a.b_c", "课程1"], &["a b", "ml/1"], false),
        value(
            &[
                "机器学习 第{n}讲",
                "Week {week}, {date}",
                "42",
                "讲座 \"AI\"",
            ],
            &["a theme far too long for WeCom to take it"],
            true,
        ),
        value(&["zhangsan", "li.si"], &[], true),
        value(
            &["training", "3", "小班课", "activity"],
            &["webinar", "5"],
            true,
        ),
        value(
            &["90m", "1h30m", "2h", "45 min", "1.5h"],
            &["ninety", "0m", "25h", "90"],
            true,
        ),
        value(&["15m", "0m", "1h"], &["soon"], true),
        value(&["入门课", "a, b", "  padded  "], &[], true),
        value(
            &["0", "1000002"],
            &["-5", "x", "1.5", "99999999999999999999"],
            true,
        ),
    ];
    let bounds = [
        value(DATES, BAD_DATES, true),
        value(&["2027-06-01"], BAD_DATES, true),
        value(&["5", "100000"], &["0", "200000", "-1", "x"], true),
    ];
    let activity = (
        value(&["cover-media-id"], &["nope.png"], true),
        value(&["本学期的开场"], &[], true),
        proptest::option::of(items(&["m1", "m2"], &["nope.jpg"])),
    );
    let skip = proptest::option::of(items(DATES, BAD_DATES));
    let defaults = prop_oneof![3 => Just(true), 1 => Just(false)];
    (
        leading,
        when(),
        bounds,
        skip,
        activity,
        defaults,
        any::<bool>(),
    )
        .prop_map(
            |(
                leading,
                when,
                bounds,
                skip,
                (cover, activity_description, images),
                defaults,
                sequences,
            )| {
                Class {
                    leading,
                    when,
                    bounds,
                    skip,
                    cover,
                    activity_description,
                    images,
                    defaults,
                    sequences,
                }
            },
        )
}

/// The term both files share, with `defaults` when the class wants them.
fn term(c: &Class) -> String {
    let mut s = "version: 1\nterm:\n  start: 2027-02-22\n  end: 2027-06-27\n".to_string();
    if c.defaults {
        s.push_str("defaults: { theme: 默认, anchor: d-anchor, duration: 45m }\n");
    }
    s
}

/// A YAML text, each line remembering which field it writes.
struct Yaml {
    text: String,
    fields: Vec<&'static str>,
}

impl Yaml {
    fn line(&mut self, field: &'static str, line: String) {
        self.text.push_str(&line);
        self.text.push('\n');
        self.fields.push(field);
    }

    fn value(&mut self, field: &'static str, key: &str, v: &V) {
        match v {
            V::Absent => {}
            V::Blank(b) => self.line(field, format!("{key}: \"{b}\"")),
            V::Text(s) => self.line(field, format!("{key}: {}", yaml_scalar(s))),
        }
    }

    fn list(&mut self, field: &'static str, key: &str, items: &[String], sequence: bool) {
        let written = if sequence {
            let items: Vec<String> = items.iter().map(|i| yaml_scalar(i)).collect();
            format!("[{}]", items.join(", "))
        } else {
            yaml_scalar(&items.join(", "))
        };
        self.line(field, format!("{key}: {written}"));
    }
}

/// Whole numbers bare, so that YAML reads them as numbers; the rest quoted.
fn yaml_scalar(s: &str) -> String {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string")
    }
}

fn yaml(c: &Class) -> Yaml {
    let header = term(c) + "classes:\n";
    let mut y = Yaml {
        fields: vec!["term"; header.lines().count()],
        text: header,
    };
    for (field, v) in LEADING.into_iter().zip(&c.leading) {
        let lead = if field == "id" { "  - " } else { "    " };
        y.value(field, &format!("{lead}{field}"), v);
    }
    match &c.when {
        When::Weekly {
            days,
            at,
            every,
            weeks,
            weeks_inside,
        } => {
            y.line("weekly", "    weekly:".into());
            y.list("weekly.days", "      days", days, c.sequences);
            y.list("weekly.at", "      at", at, c.sequences);
            y.value("weekly.every", "      every", every);
            let indent = if *weeks_inside {
                "      weeks"
            } else {
                "    weeks"
            };
            y.value("weeks", indent, weeks);
        }
        When::At(at) => y.value("at", "    at", &V::Text(at.clone())),
        When::Dated { date, time } => {
            y.list(
                "dates",
                "    dates",
                &[format!("{date}T{time}")],
                c.sequences,
            );
        }
        When::Rule { rrule, start } => {
            y.value("rrule", "    rrule", &V::Text(rrule.clone()));
            y.value("start", "    start", &V::Text(start.clone()));
        }
    }
    for (field, v) in BOUNDS.into_iter().zip(&c.bounds) {
        y.value(field, &format!("    {field}"), v);
    }
    if let Some(skip) = &c.skip {
        y.list("skip", "    skip", skip, c.sequences);
    }
    if !matches!(c.cover, V::Absent)
        || !matches!(c.activity_description, V::Absent)
        || c.images.is_some()
    {
        y.line("activity", "    activity:".into());
        y.value("activity.cover", "      cover", &c.cover);
        y.value(
            "activity.description",
            "      description",
            &c.activity_description,
        );
        if let Some(images) = &c.images {
            y.list("activity.images", "      images", images, c.sequences);
        }
    }
    y
}

/// One CSV row: each cell's column, its text as written, and the field it writes.
struct Csv {
    cells: Vec<(&'static str, String, &'static str)>,
}

impl Csv {
    fn value(&mut self, field: &'static str, column: &'static str, v: &V) {
        match v {
            V::Absent => {}
            V::Blank(b) => self.cells.push((column, b.to_string(), field)),
            V::Text(s) => self.cells.push((column, csv_cell(s), field)),
        }
    }

    fn text(&mut self, field: &'static str, column: &'static str, s: &str) {
        self.value(field, column, &V::Text(s.to_string()));
    }

    /// The file, and the byte range each field's cell spans in it.
    fn write(&self) -> (String, Vec<(RangeInclusive<usize>, &'static str)>) {
        let header: Vec<&str> = self.cells.iter().map(|(column, _, _)| *column).collect();
        let mut text = header.join(",") + "\n";
        let mut places = Vec::new();
        for (i, (_, cell, field)) in self.cells.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            places.push((text.len()..=text.len() + cell.len(), *field));
            text.push_str(cell);
        }
        text.push('\n');
        (text, places)
    }
}

/// Quoted as Excel quotes, when the text needs it.
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) || s.trim() != s {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(c: &Class) -> Csv {
    let mut r = Csv { cells: Vec::new() };
    for (field, v) in LEADING.into_iter().zip(&c.leading) {
        r.value(field, field, v);
    }
    match &c.when {
        When::Weekly {
            days,
            at,
            every,
            weeks,
            ..
        } => {
            r.text("weekly.days", "days", &days.join(","));
            r.text("weekly.at", "at", &at.join(","));
            r.value("weekly.every", "every", every);
            r.value("weeks", "weeks", weeks);
        }
        When::At(at) => r.text("at", "at", at),
        When::Dated { date, time } => {
            r.text("dates", "date", date);
            r.text("dates", "at", time);
        }
        When::Rule { rrule, start } => {
            r.text("rrule", "rrule", rrule);
            r.text("start", "start", start);
        }
    }
    for (field, v) in BOUNDS.into_iter().zip(&c.bounds) {
        r.value(field, field, v);
    }
    if let Some(skip) = &c.skip {
        r.text("skip", "skip", &skip.join(","));
    }
    r.value("activity.cover", "cover", &c.cover);
    r.value(
        "activity.description",
        "activity_description",
        &c.activity_description,
    );
    if let Some(images) = &c.images {
        r.text("activity.images", "images", &images.join(","));
    }
    r
}

/// What loading and planning a term came to.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Every session's key and its exact `living/create` body.
    Valid(Vec<(String, CreateLiving)>),
    /// The fields the errors point at.
    Refused(BTreeSet<String>),
}

/// Plans `path`; each error is blamed on the field written where it points, as
/// `blame` tells from the file, the byte offset and the line.
fn verdict(path: &Path, blame: impl Fn(&Path, usize, usize) -> String) -> Verdict {
    let planned = plan_term(path, false);
    if let Some(plan) = &planned.plan {
        return Verdict::Valid(
            plan.lives
                .iter()
                .map(|l| (l.key.to_string(), l.request()))
                .collect(),
        );
    }
    let fields = planned
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| match p.origin {
            Some(o) => blame(
                planned.sources.path(o.file),
                o.offset,
                o.line_col(&planned.sources).0,
            ),
            None => format!("nowhere: {}", p.message),
        })
        .collect();
    Verdict::Refused(fields)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn yaml_and_csv_agree(c in class()) {
        let dir = tempfile::tempdir().unwrap();
        let yaml = yaml(&c);
        let (csv_text, cells) = csv(&c).write();
        std::fs::write(dir.path().join("y.yaml"), &yaml.text).unwrap();
        std::fs::write(dir.path().join("c.yaml"), term(&c) + "classes_from: [c.csv]\n").unwrap();
        std::fs::write(dir.path().join("c.csv"), &csv_text).unwrap();
        let from_yaml = verdict(&dir.path().join("y.yaml"), |_, _, line| {
            yaml.fields.get(line - 1).map_or(format!("line {line}"), |f| f.to_string())
        });
        let from_csv = verdict(&dir.path().join("c.yaml"), |file, offset, line| {
            if file.extension().is_some_and(|e| e == "csv") {
                cells
                    .iter()
                    .find(|(range, _)| range.contains(&offset))
                    .map_or(format!("csv offset {offset}"), |(_, f)| f.to_string())
            } else {
                format!("c.yaml line {line}")
            }
        });
        prop_assert_eq!(
            &from_yaml,
            &from_csv,
            "\n--- y.yaml\n{}--- c.csv\n{}",
            yaml.text,
            csv_text
        );
    }
}
