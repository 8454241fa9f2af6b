//! Loading a schedule from disk: the YAML term, its CSV classes, every problem in one run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::calendar_file;
use super::encoding;
use super::fields::{ClassFields, Sp};
use super::model::{Change, Class, Schedule, Term};
use super::node::{self, Node};
use super::problem::{Problem, Problems, did_you_mean};
use super::reach::{Reach, read_bounded};
use super::resolve;
use super::roster::Rosters;
use super::source::{FileId, Origin, Sources};
use super::yaml::{Reader, TermFields, is_calendar, resolve_term};

/// The outcome of loading: a schedule when nothing was fatal, and every problem found.
#[derive(Debug)]
pub struct Loaded {
    pub schedule: Option<Schedule>,
    pub problems: Problems,
    pub sources: Sources,
}

/// Reads `path` (YAML, or CSV classes referenced from it) and validates it; the
/// files it names must be in its own folder's tree.
pub fn load(path: &Path) -> Loaded {
    load_within(path, &Reach::beside(path))
}

/// [`load`], with the files the schedule names confined to `reach`.
pub fn load_within(path: &Path, reach: &Reach) -> Loaded {
    let mut sources = Sources::default();
    let mut problems = Problems::default();
    let schedule = load_into(path, reach, &mut sources, &mut problems);
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

/// The text of `path`: the schedule itself (`from` is `None`), or a file it
/// names at `from`, which must be within `reach`. Never more than
/// [`MAX_FILE_BYTES`]; a file that is not text is never shown, only placed.
pub(super) fn read_text(
    path: &Path,
    reach: &Reach,
    sources: &mut Sources,
    problems: &mut Problems,
    from: Option<Origin>,
) -> Option<(usize, String)> {
    let cannot = |why: String, problems: &mut Problems| {
        problems.push(
            Problem::error(format!("cannot read `{}`: {why}", path.display()), from)
                .label("expected a file that can be read")
                .help("a schedule may name files inside the folder the run was started in; `--allow-outside` lifts that"),
        );
    };
    if from.is_some()
        && let Err(why) = reach.check(path)
    {
        cannot(why, problems);
        return None;
    }
    let bytes = match read_bounded(path) {
        Ok(b) => b,
        Err(why) => {
            cannot(why, problems);
            return None;
        }
    };
    match encoding::decode(&bytes) {
        Ok(text) if text.contains('\0') => {
            // Shown only around the NUL (drawn as `␀`), and only if its lines are short.
            let shown = text.replace('\0', "␀");
            let at = shown.find('␀').unwrap_or(0);
            let id = sources.add(path, shown.as_str());
            problems.push(
                Problem::error(
                    format!("`{}` is not a text file", path.display()),
                    Some(Origin::new(id, at, '␀'.len_utf8())),
                )
                .label("expected text, not a NUL byte")
                .help("name a YAML or CSV file"),
            );
            None
        }
        Ok(text) => {
            let id = sources.add(path, text.as_str());
            Some((id, text))
        }
        Err(bad) => {
            // Shown only around the bad byte, and only if its lines are short.
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

fn load_into(
    path: &Path,
    reach: &Reach,
    sources: &mut Sources,
    problems: &mut Problems,
) -> Option<Schedule> {
    let (file, text) = read_text(path, reach, sources, problems, None)?;
    let root = schedule_root(path, file, &text, problems)?;
    let mut doc = Reader {
        text: &text,
        problems,
    }
    .schedule(&root);
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let term = doc
        .term
        .take()
        .and_then(|own| term(own, &base_dir, reach, path, sources, problems));
    let mut written: Vec<(ClassFields, Origin)> = std::mem::take(&mut doc.classes)
        .into_iter()
        .map(|(c, at)| {
            let origin = c.id.as_ref().map_or(at, |i| i.origin);
            (c, origin)
        })
        .collect();
    for csv_path in &doc.classes_from {
        written.extend(csv_classes(&base_dir, reach, csv_path, sources, problems));
    }
    let cx = resolve::Context {
        term: term.as_ref(),
        base_dir: &base_dir,
        reach,
        sources,
    };
    let (mut classes, ids, learners) = resolve_classes(written, &doc.defaults, &cx, problems);
    // Rosters are read once the classes are: reading adds to `sources`.
    let files = resolve::Files {
        dir: &base_dir,
        reach,
    };
    let mut rosters = Rosters::default();
    for (class, written) in classes.iter_mut().zip(learners) {
        class.learners = rosters.learners(written.as_ref(), &files, sources, problems);
    }
    for change in &doc.changes {
        check_change(change, &ids, problems);
    }
    Some(Schedule {
        term: term?,
        classes,
        changes: doc.changes,
        sources: Sources::default(),
    })
}

/// The YAML tree of a schedule file, or `None` (with the problem reported) for a
/// CSV file, a file that is not YAML, or a calendar.
fn schedule_root(path: &Path, file: FileId, text: &str, problems: &mut Problems) -> Option<Node> {
    if is_csv(path) {
        // Check the rows so `validate x.csv` is useful, then say what is missing.
        let _ = super::csv::read(file, text, problems);
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
    let root = match node::parse(file, text) {
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
    if is_calendar(&root) {
        problems.push(
            Problem::error(
                format!("`{}` is a calendar, not a schedule", path.display()),
                Some(Origin::new(file, 0, 0)),
            )
            .help("name it from a schedule: `term: { calendar: PATH }`"),
        );
        return None;
    }
    Some(root)
}

/// The term, over the calendar file it names if it names one; `None` when that
/// calendar cannot be read or is invalid (its problems are reported).
fn term(
    own: TermFields,
    base_dir: &Path,
    reach: &Reach,
    schedule: &Path,
    sources: &mut Sources,
    problems: &mut Problems,
) -> Option<Term> {
    let calendar = match &own.calendar {
        Some(named) => Some(calendar_file::read(
            base_dir, reach, named, schedule, sources, problems,
        )?),
        None => None,
    };
    resolve_term(own, calendar, problems)
}

/// The classes of one file named in `classes_from`, each with where to point when
/// it has no `id`.
fn csv_classes(
    base_dir: &Path,
    reach: &Reach,
    csv_path: &Sp<String>,
    sources: &mut Sources,
    problems: &mut Problems,
) -> Vec<(ClassFields, Origin)> {
    let full: PathBuf = base_dir.join(&csv_path.value);
    let Some((file, text)) = read_text(&full, reach, sources, problems, Some(csv_path.origin))
    else {
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
) -> (Vec<Class>, HashMap<String, Origin>, Vec<Option<Learners>>) {
    let sources = cx.sources;
    let mut ids: HashMap<String, Origin> = HashMap::new();
    let mut classes = Vec::new();
    let mut written_learners = Vec::new();
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
        let learners = fields.learners.clone();
        if let Some(class) = resolve::class(fields, origin, cx, problems) {
            written_learners.push(learners);
            classes.push(class);
        }
    }
    (classes, ids, written_learners)
}

/// `learners` as written: userids and rosters, each where it was written.
type Learners = Sp<Vec<Sp<String>>>;

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
