//! Loading a schedule from disk: the YAML term, its CSV classes, every problem in one run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::encoding;
use super::fields::{ClassFields, Sp};
use super::model::{Change, Class, Schedule};
use super::node;
use super::problem::{Problem, Problems, did_you_mean};
use super::resolve;
use super::source::{Origin, Sources};
use super::yaml::Reader;

/// The outcome of loading: a schedule when nothing was fatal, and every problem found.
#[derive(Debug)]
pub struct Loaded {
    pub schedule: Option<Schedule>,
    pub problems: Problems,
    pub sources: Sources,
}

/// Reads `path` (YAML, or CSV classes referenced from it) and validates it.
pub fn load(path: &Path) -> Loaded {
    let mut sources = Sources::default();
    let mut problems = Problems::default();
    let schedule = load_into(path, &mut sources, &mut problems);
    let schedule = if problems.has_errors() {
        None
    } else {
        schedule
    };
    problems.sort();
    Loaded {
        schedule: schedule.map(|mut s| {
            s.sources = sources.clone();
            s
        }),
        problems,
        sources,
    }
}

fn read_text(
    path: &Path,
    sources: &mut Sources,
    problems: &mut Problems,
    from: Option<Origin>,
) -> Option<(usize, String)> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(err) => {
            problems.push(
                Problem::error(format!("cannot read `{}`: {err}", path.display()), from)
                    .label("expected a file that can be read")
                    .help("paths are relative to the schedule file"),
            );
            return None;
        }
    };
    match encoding::decode(&bytes) {
        Ok(text) => {
            let id = sources.add(path, text.as_str());
            Some((id, text))
        }
        Err(bad) => {
            let id = sources.add(path, bad.lossy.as_str());
            problems.push(
                Problem::error(
                    format!("`{}` is neither UTF-8 nor GB18030 text", path.display()),
                    Some(Origin::new(id, bad.offset, 1)),
                )
                .label("expected UTF-8 or GB18030 text: this byte cannot be decoded")
                .help("save the file as UTF-8 (in Excel: Save As → CSV UTF-8)"),
            );
            None
        }
    }
}

fn is_csv(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

fn load_into(path: &Path, sources: &mut Sources, problems: &mut Problems) -> Option<Schedule> {
    let (file, text) = read_text(path, sources, problems, None)?;
    if is_csv(path) {
        // Check the rows so `validate x.csv` is useful, then say what is missing.
        let _ = super::csv::read(file, &text, problems);
        problems.push(
            Problem::error(
                "a CSV file holds classes only, not a term",
                Some(Origin::new(file, 0, 0)),
            )
            .label("expected a YAML schedule")
            .help("name it from a YAML term: `classes_from: [courses.csv]`"),
        );
        return None;
    }
    let root = match node::parse(file, &text) {
        Ok(root) => root,
        Err((message, origin)) => {
            problems.push(
                Problem::error(format!("invalid YAML: {message}"), Some(origin))
                    .label(format!("expected valid YAML here: {message}"))
                    .help("check the indentation and the quotes around this place; a value holding `: ` or ` #` needs quotes"),
            );
            return None;
        }
    };
    let mut doc = Reader {
        text: &text,
        problems,
    }
    .schedule(&root);
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut written: Vec<(ClassFields, Origin)> = std::mem::take(&mut doc.classes)
        .into_iter()
        .map(|(c, at)| {
            let origin = c.id.as_ref().map_or(at, |i| i.origin);
            (c, origin)
        })
        .collect();
    for csv_path in &doc.classes_from {
        written.extend(csv_classes(&base_dir, csv_path, sources, problems));
    }
    let cx = resolve::Context {
        term: doc.term.as_ref(),
        base_dir: &base_dir,
        sources,
    };
    let (classes, ids) = resolve_classes(written, &doc.defaults, &cx, problems);
    for change in &doc.changes {
        check_change(change, &ids, problems);
    }
    Some(Schedule {
        term: doc.term?,
        classes,
        changes: doc.changes,
        sources: Sources::default(),
    })
}

/// The classes of one file named in `classes_from`, each with where to point when
/// it has no `id`.
fn csv_classes(
    base_dir: &Path,
    csv_path: &Sp<String>,
    sources: &mut Sources,
    problems: &mut Problems,
) -> Vec<(ClassFields, Origin)> {
    let full: PathBuf = base_dir.join(&csv_path.value);
    let Some((file, text)) = read_text(&full, sources, problems, Some(csv_path.origin)) else {
        return Vec::new();
    };
    let start = Origin::new(file, 0, 0);
    super::csv::read(file, &text, problems)
        .into_iter()
        .map(|c| {
            let origin = c.id.as_ref().map_or(start, |i| i.origin);
            (c, origin)
        })
        .collect()
}

/// Every class with `defaults` applied, and where each id was first given; a
/// second class with the same id is reported and left out.
fn resolve_classes(
    written: Vec<(ClassFields, Origin)>,
    defaults: &ClassFields,
    cx: &resolve::Context<'_>,
    problems: &mut Problems,
) -> (Vec<Class>, HashMap<String, Origin>) {
    let sources = cx.sources;
    let mut ids: HashMap<String, Origin> = HashMap::new();
    let mut classes = Vec::new();
    for (fields, origin) in written {
        if let Some(id) = &fields.id {
            if let Some(first) = ids.get(&id.value) {
                let (line, _) = first.line_col(sources);
                problems.push(
                    Problem::error(format!("duplicate class id `{}`", id.value), Some(id.origin))
                        .label("expected a unique id: used again here")
                        .help(format!(
                            "first used in `{}` line {line}; ids must be unique, they key every session",
                            sources.path(first.file).display()
                        )),
                );
                continue;
            }
            ids.insert(id.value.clone(), id.origin);
        }
        let fields = fields.or_defaults(defaults);
        if let Some(class) = resolve::class(fields, origin, cx, problems) {
            classes.push(class);
        }
    }
    (classes, ids)
}

fn check_change(change: &Change, ids: &HashMap<String, Origin>, problems: &mut Problems) {
    if ids.contains_key(&change.class) {
        return;
    }
    let known: Vec<&str> = ids.keys().map(String::as_str).collect();
    let mut p = Problem::error(
        format!("change names unknown class `{}`", change.class),
        Some(change.origin),
    )
    .label("expected the `id` of a class");
    p = match did_you_mean(&change.class, &known) {
        Some(s) => p.help(format!("did you mean `{s}`?")),
        None => p.help("a change names its class by `id`"),
    };
    problems.push(p);
}
