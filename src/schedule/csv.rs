//! Classes from CSV files: a header row names the columns after the YAML fields.
//!
//! A row with `days` is a weekly class, a row with `rrule` a rule, a row with `date`
//! one session (rows sharing an `id` make one class of several dates), a row with
//! only `at` (a date and time) a one-off.

use std::borrow::Cow;
use std::collections::HashMap;

use super::fields::{ActivityFields, ClassFields, Sp};
use super::problem::{Problem, Problems, did_you_mean};
use super::source::{FileId, Origin};
use super::values;

pub const COLUMNS: &[&str] = &[
    "id",
    "theme",
    "anchor",
    "type",
    "duration",
    "remind",
    "description",
    "agentid",
    "days",
    "at",
    "every",
    "weeks",
    "date",
    "rrule",
    "start",
    "from",
    "until",
    "count",
    "skip",
    "cover",
    "share",
    "images",
    "activity_description",
];

/// One cell: its text (unquoted, `""` read as `"`) and where it stands in the file.
struct Cell<'t> {
    text: Cow<'t, str>,
    origin: Origin,
}

/// Reads every class of a CSV file, reporting every problem.
pub fn read(file: FileId, text: &str, problems: &mut Problems) -> Vec<ClassFields> {
    let rows = split_rows(file, text);
    let Some((header, body)) = rows.split_first() else {
        problems.push(
            Problem::error("the CSV file is empty", Some(Origin::new(file, 0, 0))).help(format!(
                "the first row names the columns: {}",
                COLUMNS.join(",")
            )),
        );
        return Vec::new();
    };
    let mut columns = Vec::new();
    for cell in &header.cells {
        let name = cell.text.trim().to_lowercase();
        if COLUMNS.contains(&name.as_str()) {
            columns.push(Some(name));
            continue;
        }
        let help = match did_you_mean(&name, COLUMNS) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known columns: {}", COLUMNS.join(", ")),
        };
        problems.push(
            Problem::error(format!("unknown column `{name}`"), Some(cell.origin))
                .label("not a class field")
                .help(help),
        );
        columns.push(None);
    }
    let mut classes: Vec<ClassFields> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for row in body {
        if row.cells.iter().all(|c| c.text.trim().is_empty()) {
            continue;
        }
        if row.cells.len() != columns.len() {
            let last = row.cells.last().map_or(row.origin, |c| c.origin);
            problems.push(
                Problem::error(
                    format!(
                        "row {} has {} columns, the header has {}",
                        row.line,
                        row.cells.len(),
                        columns.len()
                    ),
                    Some(Origin::new(file, last.offset + last.len, 0)),
                )
                .label(if row.cells.len() < columns.len() {
                    "too few columns"
                } else {
                    "too many columns"
                })
                .help("every row needs one value (possibly empty) for each header column"),
            );
            continue;
        }
        let mut cells: HashMap<&str, Cell<'_>> = HashMap::new();
        for (name, cell) in columns.iter().zip(&row.cells) {
            if let Some(name) = name
                && !cell.text.trim().is_empty()
            {
                cells.insert(
                    name.as_str(),
                    Cell {
                        text: cell.text.clone(),
                        origin: cell.origin,
                    },
                );
            }
        }
        let Some(fields) = row_fields(&cells, problems) else {
            continue;
        };
        // Rows of single dates that share an id are one class.
        if fields.dates.is_some()
            && let Some(id) = &fields.id
        {
            if let Some(&i) = by_id.get(&id.value)
                && classes[i].dates.is_some()
            {
                let dates = classes[i].dates.as_mut().expect("checked above");
                dates
                    .value
                    .extend(fields.dates.iter().flat_map(|d| d.value.clone()));
                continue;
            }
            by_id.insert(id.value.clone(), classes.len());
        }
        classes.push(fields);
    }
    classes
}

fn row_fields(cells: &HashMap<&str, Cell<'_>>, problems: &mut Problems) -> Option<ClassFields> {
    let mut ok = true;
    let mut c = ClassFields::default();
    let text = |name: &str| {
        cells
            .get(name)
            .map(|cell| Sp::new(cell.text.trim().to_string(), cell.origin))
    };
    fn parse<T>(
        cell: Option<&Cell<'_>>,
        name: &str,
        problems: &mut Problems,
        ok: &mut bool,
        f: impl Fn(&str) -> Result<T, values::Expected>,
    ) -> Option<Sp<T>> {
        let cell = cell?;
        match f(&cell.text) {
            Ok(v) => Some(Sp::new(v, cell.origin)),
            Err(expected) => {
                problems.push(
                    Problem::error(
                        format!("invalid `{name}`: `{}`", cell.text.trim()),
                        Some(cell.origin),
                    )
                    .label(format!("expected {expected}")),
                );
                *ok = false;
                None
            }
        }
    }
    fn list<T>(
        cell: Option<&Cell<'_>>,
        name: &str,
        problems: &mut Problems,
        ok: &mut bool,
        f: impl Fn(&str) -> Result<T, values::Expected>,
    ) -> Option<Sp<Vec<T>>> {
        let cell = cell?;
        let mut items = Vec::new();
        for (offset, part) in values::split_list(&cell.text) {
            let origin = Origin::new(cell.origin.file, cell.origin.offset + offset, part.len());
            match f(part) {
                Ok(v) => items.push(v),
                Err(expected) => {
                    problems.push(
                        Problem::error(format!("invalid `{name}`: `{part}`"), Some(origin))
                            .label(format!("expected {expected}")),
                    );
                    *ok = false;
                }
            }
        }
        Some(Sp::new(items, cell.origin))
    }
    let ok_ = &mut ok;
    c.id = text("id");
    c.theme = text("theme");
    c.anchor = text("anchor");
    c.description = text("description");
    c.kind = parse(
        cells.get("type"),
        "type",
        problems,
        ok_,
        values::living_kind,
    );
    c.duration = parse(
        cells.get("duration"),
        "duration",
        problems,
        ok_,
        values::duration,
    );
    c.remind = parse(
        cells.get("remind"),
        "remind",
        problems,
        ok_,
        values::duration,
    );
    c.agentid = parse(cells.get("agentid"), "agentid", problems, ok_, |s| {
        s.trim().parse().map_err(|_| "a whole number".to_string())
    });
    c.weeks = parse(cells.get("weeks"), "weeks", problems, ok_, values::weeks);
    c.every = parse(cells.get("every"), "every", problems, ok_, |s| {
        s.trim()
            .parse()
            .ok()
            .filter(|n| (1..=52).contains(n))
            .ok_or_else(|| "a whole number from 1 to 52".to_string())
    });
    c.from = parse(cells.get("from"), "from", problems, ok_, values::date);
    c.until = parse(cells.get("until"), "until", problems, ok_, values::date);
    c.count = parse(cells.get("count"), "count", problems, ok_, |s| {
        s.trim()
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| "a whole number, 1 or more".to_string())
    });
    c.skip = list(cells.get("skip"), "skip", problems, ok_, values::date);
    c.rrule = text("rrule");
    c.start = parse(cells.get("start"), "start", problems, ok_, values::datetime);
    let activity = ActivityFields {
        cover: text("cover"),
        share: text("share"),
        description: text("activity_description"),
        images: cells.get("images").map(|cell| {
            let items = values::split_list(&cell.text)
                .into_iter()
                .map(|(o, p)| {
                    Sp::new(
                        p.to_string(),
                        Origin::new(cell.origin.file, cell.origin.offset + o, p.len()),
                    )
                })
                .collect();
            Sp::new(items, cell.origin)
        }),
    };
    if activity.cover.is_some()
        || activity.share.is_some()
        || activity.description.is_some()
        || activity.images.is_some()
    {
        let origin = [&activity.cover, &activity.share, &activity.description]
            .into_iter()
            .flatten()
            .map(|s| s.origin)
            .next()
            .or(activity.images.as_ref().map(|i| i.origin))
            .expect("one activity column is set");
        c.activity = Some(Sp::new(activity, origin));
    }
    if let Some(days) = cells.get("days") {
        c.weekly = Some(days.origin);
        c.days = list(Some(days), "days", problems, ok_, values::weekday);
        c.times = list(cells.get("at"), "at", problems, ok_, values::time);
    } else if let Some(date) = cells.get("date") {
        let day = parse(Some(date), "date", problems, ok_, values::date);
        let time = parse(cells.get("at"), "at", problems, ok_, values::time);
        if let (Some(day), Some(time)) = (day, time) {
            c.dates = Some(Sp::new(vec![day.value.to_datetime(time.value)], day.origin));
        } else if cells.get("at").is_none() {
            problems.push(
                Problem::error(
                    "a row with `date` needs `at` (the time of day)",
                    Some(date.origin),
                )
                .label("this session has no time"),
            );
            *ok_ = false;
        }
    } else if cells.get("at").is_some() {
        c.at = parse(cells.get("at"), "at", problems, ok_, values::datetime);
    }
    ok.then_some(c)
}

struct Row<'t> {
    line: usize,
    origin: Origin,
    cells: Vec<Cell<'t>>,
}

/// Splits CSV text into rows of cells, keeping each cell's byte range
/// (RFC 4180 quoting: `"a, b"` and `""` inside quotes).
fn split_rows(file: FileId, text: &str) -> Vec<Row<'_>> {
    let bytes = text.as_bytes();
    let mut rows = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < bytes.len() {
        let row_start = i;
        let row_line = line;
        let mut cells = Vec::new();
        loop {
            let (start, end, next) = if bytes.get(i) == Some(&b'"') {
                let mut j = i + 1;
                while j < bytes.len() {
                    if bytes[j] == b'"' {
                        if bytes.get(j + 1) == Some(&b'"') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    if bytes[j] == b'\n' {
                        line += 1;
                    }
                    j += 1;
                }
                let mut k = (j + 1).min(bytes.len());
                while k < bytes.len() && !matches!(bytes[k], b',' | b'\n' | b'\r') {
                    k += 1;
                }
                (i + 1, j.min(bytes.len()), k)
            } else {
                let mut j = i;
                while j < bytes.len() && !matches!(bytes[j], b',' | b'\n' | b'\r') {
                    j += 1;
                }
                (i, j, j)
            };
            let raw = &text[start..end];
            let quoted = start > 0 && bytes[start - 1] == b'"';
            cells.push(Cell {
                text: if quoted && raw.contains("\"\"") {
                    Cow::Owned(raw.replace("\"\"", "\""))
                } else {
                    Cow::Borrowed(raw)
                },
                origin: Origin::new(file, start, end - start),
            });
            i = next;
            if bytes.get(i) == Some(&b',') {
                i += 1;
                continue;
            }
            if bytes.get(i) == Some(&b'\r') {
                i += 1;
            }
            if bytes.get(i) == Some(&b'\n') {
                i += 1;
                line += 1;
            }
            break;
        }
        rows.push(Row {
            line: row_line,
            origin: Origin::new(file, row_start, i - row_start),
            cells,
        });
    }
    rows
}
