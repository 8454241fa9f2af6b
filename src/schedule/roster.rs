//! `learners`: userids written in the schedule, and roster CSV files read once each
//! however many classes share them. A userid given twice, an empty one, or a roster
//! that cannot be read is a problem with its file, line and column.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::class_fields::is_roster;
use super::csv::{Cell, Row, split_rows};
use super::fields::Sp;
use super::load::read_text;
use super::model::Learner;
use super::problem::{Problem, Problems};
use super::reach::Reach;
use super::resolve::Files;
use super::source::{Origin, Sources};
use super::values;

/// The header names a roster's columns may have: WeCom's own export writes the Chinese ones.
const USERID: &[&str] = &["userid", "user_id", "账号", "帐号"];
const NAME: &[&str] = &["name", "姓名"];
const DEPARTMENT: &[&str] = &["department", "部门"];

const ROSTER_HELP: &str = "a roster is a CSV file whose first row names the columns: `userid` (or `账号`), and optionally `name` (`姓名`) and `department` (`部门`)";

/// The rosters read so far, and the duplicates already reported.
#[derive(Default)]
pub struct Rosters {
    read: HashMap<PathBuf, Vec<Sp<Learner>>>,
    reported: HashSet<Origin>,
}

impl Rosters {
    /// The learners of one class from what `learners` held (the class's or `defaults`'),
    /// each userid once; rosters are relative to the schedule's folder, within its reach.
    pub fn learners(
        &mut self,
        written: Option<&Sp<Vec<Sp<String>>>>,
        files: &Files<'_>,
        sources: &mut Sources,
        problems: &mut Problems,
    ) -> Vec<Learner> {
        let Some(written) = written else {
            return Vec::new();
        };
        let mut all: Vec<Sp<Learner>> = Vec::new();
        for item in &written.value {
            if is_roster(&item.value) {
                all.extend(self.roster(item, files, sources, problems).iter().cloned());
            } else {
                all.push(Sp::new(
                    Learner {
                        userid: item.value.clone(),
                        name: None,
                        department: None,
                    },
                    item.origin,
                ));
            }
        }
        let mut first: HashMap<&str, Origin> = HashMap::new();
        let mut learners = Vec::new();
        for l in &all {
            match first.get(l.value.userid.as_str()) {
                Some(at) => {
                    if self.reported.insert(l.origin) {
                        problems.push(twice(&l.value.userid, l.origin, *at, sources));
                    }
                }
                None => {
                    first.insert(&l.value.userid, l.origin);
                    learners.push(l.value.clone());
                }
            }
        }
        learners
    }

    /// The learners a roster file lists, read (and its problems reported) once.
    fn roster(
        &mut self,
        item: &Sp<String>,
        files: &Files<'_>,
        sources: &mut Sources,
        problems: &mut Problems,
    ) -> &[Sp<Learner>] {
        let path = files.dir.join(&item.value);
        if !self.read.contains_key(&path) {
            let learners = read_roster(&path, files.reach, item, sources, problems);
            self.read.insert(path.clone(), learners);
        }
        &self.read[&path]
    }
}

fn twice(userid: &str, again: Origin, first: Origin, sources: &Sources) -> Problem {
    let (line, _) = first.line_col(sources);
    Problem::error(format!("learner `{userid}` is listed twice"), Some(again))
        .label("expected each learner once: listed again here")
        .help(format!(
            "first listed in `{}` line {line}; name each learner once",
            sources.path(first.file).display()
        ))
}

/// Where a roster's header puts its columns.
struct Columns {
    userid: usize,
    name: Option<usize>,
    department: Option<usize>,
}

impl Columns {
    /// The columns of `header`; `None` (and the problem) without a `userid` column.
    fn find(header: &Row<'_>, item: &Sp<String>, problems: &mut Problems) -> Option<Columns> {
        let find = |names: &[&str]| {
            header
                .cells
                .iter()
                .position(|c| names.contains(&c.text.trim().to_lowercase().as_str()))
        };
        let Some(userid) = find(USERID) else {
            problems.push(
                Problem::error(
                    format!("roster `{}` has no `userid` column", item.value),
                    Some(header.origin),
                )
                .label("expected a `userid` column in the header row")
                .help(ROSTER_HELP),
            );
            return None;
        };
        Some(Columns {
            userid,
            name: find(NAME),
            department: find(DEPARTMENT),
        })
    }

    /// The learner a row names, placed at its userid; `None` (and the problem)
    /// when its userid is missing or invalid.
    fn learner(&self, row: &Row<'_>, problems: &mut Problems) -> Option<Sp<Learner>> {
        let Some(cell) = row.cells.get(self.userid).filter(|c| !c.is_blank()) else {
            let at = row.cells.get(self.userid).map_or(row.origin, |c| c.origin);
            problems.push(
                Problem::error(
                    format!("row {} of the roster has no userid", row.line),
                    Some(at),
                )
                .label("expected a userid: this one is empty")
                .help("every learner needs their WeCom userid; remove the row or fill it in"),
            );
            return None;
        };
        let userid = match values::userid(&cell.text) {
            Ok(id) => id,
            Err(expected) => {
                problems.push(
                    Problem::error(
                        format!("invalid `userid`: `{}`", cell.text.trim()),
                        Some(cell.origin),
                    )
                    .label(format!("expected {expected}"))
                    .help("a userid is the member's account in WeCom's directory"),
                );
                return None;
            }
        };
        let text_of = |at: Option<usize>| {
            let t = row.cells.get(at?)?.text.trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        let learner = Learner {
            userid,
            name: text_of(self.name),
            department: text_of(self.department),
        };
        Some(Sp::new(learner, cell.origin))
    }
}

fn read_roster(
    path: &Path,
    reach: &Reach,
    item: &Sp<String>,
    sources: &mut Sources,
    problems: &mut Problems,
) -> Vec<Sp<Learner>> {
    if !path.is_file() {
        problems.push(
            Problem::error(
                format!("roster `{}` not found", item.value),
                Some(item.origin),
            )
            .label(format!(
                "expected a roster file; looked for `{}`",
                path.display()
            ))
            .help(format!(
                "paths are relative to the schedule file; {ROSTER_HELP}"
            )),
        );
        return Vec::new();
    }
    let Some((file, text)) = read_text(path, reach, sources, problems, Some(item.origin)) else {
        return Vec::new();
    };
    let rows = split_rows(file, &text);
    let Some((header, body)) = rows.split_first() else {
        problems.push(
            Problem::error(
                format!(
                    "roster `{}` is empty: expected a header row and a row per learner",
                    item.value
                ),
                Some(Origin::new(file, 0, 0)),
            )
            .label("expected a header row and a row per learner")
            .help(ROSTER_HELP),
        );
        return Vec::new();
    };
    let Some(columns) = Columns::find(header, item, problems) else {
        return Vec::new();
    };
    let mut learners = Vec::new();
    let mut first: HashMap<String, Origin> = HashMap::new();
    let mut refused = false;
    for row in body {
        if row.cells.iter().all(Cell::is_blank) {
            continue;
        }
        let Some(learner) = columns.learner(row, problems) else {
            refused = true;
            continue;
        };
        let userid = &learner.value.userid;
        if let Some(at) = first.get(userid) {
            problems.push(twice(userid, learner.origin, *at, sources));
            continue;
        }
        first.insert(userid.clone(), learner.origin);
        learners.push(learner);
    }
    if learners.is_empty() && !refused {
        problems.push(
            Problem::warning(
                format!("roster `{}` lists nobody", item.value),
                Some(item.origin),
            )
            .label("expected at least one learner in this roster")
            .help(ROSTER_HELP),
        );
    }
    learners
}
