//! The classes of a CSV file: its header names columns after the class fields,
//! each row is one class, every cell read through the class field table.
//!
//! A row with `days` is a weekly class, a row with `rrule` a rule, a row with `date`
//! one session (rows sharing an `id` make one class of several dates), a row with
//! only `at` (a date and time) a one-off.

use std::collections::HashMap;

use super::rows::{Cell, Row, split_rows};
use crate::schedule::class_fields::{self, FIELDS, FieldSpec, Scalar, Written, refused_value};
use crate::schedule::fields::{ClassFields, Sp};
use crate::schedule::problem::{Problem, Problems, did_you_mean};
use crate::schedule::source::{FileId, Origin};
use crate::schedule::values::{self, Expected};

/// A row's cells by column, blank ones included.
type Cells<'r, 't> = HashMap<&'static str, &'r Cell<'t>>;

/// Reads every class of a CSV file, reporting every problem.
pub fn read(file: FileId, text: &str, problems: &mut Problems) -> Vec<ClassFields> {
    let rows = split_rows(file, text);
    let Some((header, body)) = rows.split_first() else {
        problems.push(
            Problem::error(
                "the CSV file is empty; expected a header row, then one row per class",
                Some(Origin::new(file, 0, 0)),
            )
            .label("expected a header row, then one row per class")
            .help(format!(
                "the first row names the columns: {}",
                class_fields::columns().join(",")
            )),
        );
        return Vec::new();
    };
    let columns = columns(header, problems);
    let mut classes = Classes::default();
    for row in body {
        if row.cells.iter().all(Cell::is_blank) || !has_every_column(row, &columns, problems) {
            continue;
        }
        let cells: Cells<'_, '_> = columns
            .iter()
            .zip(&row.cells)
            .filter_map(|(name, cell)| Some(((*name)?, cell)))
            .collect();
        classes.add(row_fields(&cells, problems));
    }
    classes.list
}

/// The column each header cell names; unknown ones are reported and ignored.
fn columns(header: &Row<'_>, problems: &mut Problems) -> Vec<Option<&'static str>> {
    let mut columns = Vec::new();
    for cell in &header.cells {
        let name = cell.text.trim().to_lowercase();
        let column = class_fields::column_named(&name);
        if column.is_none() {
            let known = class_fields::columns();
            let help = match did_you_mean(&name, &class_fields::column_names()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known columns: {}", known.join(", ")),
            };
            problems.push(
                Problem::error(format!("unknown column `{name}`"), Some(cell.origin))
                    .label("expected the name of a class field")
                    .help(help),
            );
        }
        columns.push(column);
    }
    columns
}

fn has_every_column(row: &Row<'_>, columns: &[Option<&str>], problems: &mut Problems) -> bool {
    if row.cells.len() == columns.len() {
        return true;
    }
    let last = row.cells.last().map_or(row.origin, |c| c.origin);
    problems.push(
        Problem::error(
            format!(
                "row {} has {} columns, the header has {}",
                row.line,
                row.cells.len(),
                columns.len()
            ),
            Some(Origin::new(last.file, last.offset + last.len, 0)),
        )
        .label(if row.cells.len() < columns.len() {
            "expected more columns: too few"
        } else {
            "expected fewer columns: too many"
        })
        .help("every row needs one value (possibly empty) for each header column"),
    );
    false
}

/// What a row is, by the cells it fills; it decides what its `at` means.
enum Shape {
    Weekly,
    Dated,
    Other,
}

impl Shape {
    fn of(cells: &Cells<'_, '_>) -> Self {
        if given(cells, "days").is_some() {
            Self::Weekly
        } else if given(cells, "date").is_some() {
            Self::Dated
        } else {
            Self::Other
        }
    }

    /// Whether the row reads `spec` from its cell on its own: `at` beside `days` is
    /// the time of each session, beside `date` it is read with the date, alone it is
    /// a one-off's date and time.
    fn reads(&self, spec: &FieldSpec) -> bool {
        match spec.name {
            "weekly.at" => matches!(self, Self::Weekly),
            "at" => matches!(self, Self::Other),
            "dates" => false,
            _ => true,
        }
    }
}

fn row_fields(cells: &Cells<'_, '_>, problems: &mut Problems) -> ClassFields {
    let mut c = ClassFields::default();
    let shape = Shape::of(cells);
    for spec in FIELDS.iter().filter(|s| shape.reads(s)) {
        if let Some(column) = spec.column
            && let Some(cell) = cells.get(column)
        {
            let written = Written::text(spec, &cell.text, cell.origin, cell.origin.offset, column);
            spec.read(&written, &mut c, problems);
        }
    }
    match shape {
        Shape::Weekly => {
            let days = given(cells, "days").expect("a weekly row has days");
            c.weekly = Some(days.origin);
            if given(cells, "at").is_none() {
                problems.push(
                    Problem::error(
                        "a row with `days` needs `at` (the time of day)",
                        Some(days.origin),
                    )
                    .label("expected `at` beside `days`: these sessions have no time")
                    .help(
                        "give the time of day in `at`, as in `19:00`, or several as `08:00;14:00`",
                    ),
                );
                c.invalid.push("weekly.at");
            }
        }
        Shape::Dated => dated(cells, &mut c, problems),
        Shape::Other => {}
    }
    c
}

/// A row with `date` is one of its class's `dates`, at the time of day in `at`.
fn dated(cells: &Cells<'_, '_>, c: &mut ClassFields, problems: &mut Problems) {
    let date = given(cells, "date").expect("a dated row has a date");
    let Some(at) = given(cells, "at") else {
        problems.push(
            Problem::error(
                "a row with `date` needs `at` (the time of day)",
                Some(date.origin),
            )
            .label("expected `at` beside `date`: this session has no time")
            .help("give the time of day in `at`, as in `19:00`"),
        );
        c.invalid.push("dates");
        return;
    };
    let day = cell_value(date, "date", values::date, problems);
    let time = cell_value(at, "at", values::time, problems);
    match (day, time) {
        (Some(day), Some(time)) => {
            c.dates = Some(Sp::new(vec![day.to_datetime(time)], date.origin));
        }
        _ => c.invalid.push("dates"),
    }
}

fn cell_value<T>(
    cell: &Cell<'_>,
    column: &str,
    parse: impl Fn(&str) -> Result<T, Expected>,
    problems: &mut Problems,
) -> Option<T> {
    parse(&cell.text)
        .map_err(|expected| {
            let item = Scalar {
                text: &cell.text,
                origin: cell.origin,
                path: column.to_string(),
            };
            let help = if column == "date" {
                "a date such as `2027-03-01`, with its time of day in `at`"
            } else {
                "a time of day such as `19:00`, beside the row's `date`"
            };
            problems.push(refused_value(&item, &expected).help(help));
        })
        .ok()
}

/// The cell of `column`, when it holds more than spaces.
fn given<'r, 't>(cells: &Cells<'r, 't>, column: &str) -> Option<&'r Cell<'t>> {
    cells.get(column).copied().filter(|c| !c.is_blank())
}

/// The classes of a file in row order; rows of single dates that share an id are
/// one class, each adding its date.
#[derive(Default)]
struct Classes {
    list: Vec<ClassFields>,
    dated: HashMap<String, usize>,
}

impl Classes {
    fn add(&mut self, row: ClassFields) {
        let is_dated = row.dates.is_some() || row.invalid.contains(&"dates");
        let Some(id) = row
            .id
            .as_ref()
            .filter(|_| is_dated)
            .map(|id| id.value.clone())
        else {
            self.list.push(row);
            return;
        };
        if let Some(&i) = self.dated.get(&id) {
            let class = &mut self.list[i];
            match (&mut class.dates, row.dates) {
                (Some(dates), Some(more)) => dates.value.extend(more.value),
                _ => class.invalid.push("dates"),
            }
            return;
        }
        self.dated.insert(id, self.list.len());
        self.list.push(row);
    }
}
