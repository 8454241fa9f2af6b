//! A run over many schedules: each is planned on its own, then checked against the
//! others for what no single file can show: one anchor booked at once in two
//! files, two files keeping their lives in one ledger, and the run's creates
//! against WeCom's daily cap.
//!
//! A problem found across files is reported in the later file of the two (in
//! run order), naming the earlier one, so every file's problems read with its own text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::live::PlannedLive;
use super::pipeline::{Limits, PlannedTerm, plan_within};
use crate::schedule::{Origin, Problem, Schedule, Severity};
use crate::wecom::limits::CREATES_PER_DAY;

/// Overlaps across files are reported up to this many, then counted.
const MAX_OVERLAPS_SHOWN: usize = 10;

/// One schedule of a run: its file, where its ledger is, and what planning found.
pub struct RunTerm {
    pub file: PathBuf,
    pub ledger: PathBuf,
    pub planned: PlannedTerm,
}

impl RunTerm {
    /// Whether the file has no error, its own or found across files.
    pub fn is_valid(&self) -> bool {
        self.planned.plan.is_some()
    }
}

/// Plans every `(file, ledger)` in order, then checks them across. A file with
/// an error, its own or found across files, has no plan. `strict` turns
/// warnings into errors, across files too; each file is read within `limits`.
pub fn plan_run(files: Vec<(PathBuf, PathBuf)>, strict: bool, limits: &Limits) -> Vec<RunTerm> {
    let mut terms: Vec<RunTerm> = files
        .into_iter()
        .map(|(file, ledger)| RunTerm {
            planned: plan_within(&file, strict, limits),
            file,
            ledger,
        })
        .collect();
    let mut found: Vec<(usize, Problem)> = shared_ledgers(&terms);
    found.extend(overlaps(&terms));
    for (i, mut problem) in found {
        if strict {
            problem.severity = Severity::Error;
        }
        let planned = &mut terms[i].planned;
        if let Some(plan) = &mut planned.plan
            && problem.severity == Severity::Warning
        {
            plan.problems.push(problem.clone());
        }
        planned.problems.push(problem);
    }
    for term in &mut terms {
        let planned = &mut term.planned;
        planned.problems.sort();
        if let Some(plan) = &mut planned.plan {
            plan.problems.sort();
        }
        if planned.problems.has_errors() {
            planned.plan = None;
        }
    }
    terms
}

/// More creates in one run than WeCom allows an app in a day.
pub fn lint_run_creates(creates: usize, schedules: usize) -> Option<Problem> {
    (creates > CREATES_PER_DAY as usize).then(|| {
        Problem::warning(
            format!(
                "{creates} lives to create in {schedules} schedules; WeCom allows {CREATES_PER_DAY} per app per day"
            ),
            None,
        )
        .help(format!(
            "apply with `--max-creates {CREATES_PER_DAY}` on successive days: it counts across the run"
        ))
    })
}

/// Two files whose lives would go to one ledger: each run would cancel the other's
/// lives as gone from its file, and a class id in both would key two sessions alike.
fn shared_ledgers(terms: &[RunTerm]) -> Vec<(usize, Problem)> {
    let mut found = Vec::new();
    let mut first_with: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for (j, term) in terms.iter().enumerate() {
        let Some(&i) = first_with.get(&same_place(&term.ledger)) else {
            first_with.insert(same_place(&term.ledger), j);
            continue;
        };
        let (earlier, later) = (&terms[i], term);
        let ledger = later.ledger.display();
        let mut named = false;
        if let (Some(a), Some(b)) = (&earlier.planned.schedule, &later.planned.schedule) {
            for class in &b.classes {
                let Some(first) = a.classes.iter().find(|c| c.id == class.id) else {
                    continue;
                };
                named = true;
                found.push((
                    j,
                    Problem::error(
                        format!(
                            "class `{}` would create lives under `{}/…` in `{ledger}`, as class `{}` of `{}` (line {}) does",
                            class.id,
                            class.id,
                            first.id,
                            earlier.file.display(),
                            line(first.origin, a),
                        ),
                        Some(class.origin),
                    )
                    .label("a session key already used in this ledger")
                    .help("give each schedule its own ledger (a file name of its own), or rename the class"),
                ));
            }
        }
        if !named {
            found.push((
                j,
                Problem::error(
                    format!(
                        "`{}` and `{}` would keep their lives in one ledger, `{ledger}`",
                        earlier.file.display(),
                        later.file.display()
                    ),
                    None,
                )
                .help(
                    "each would cancel the other's lives as gone from its file: rename one of them",
                ),
            ));
        }
    }
    found
}

/// The same place on disk however it was spelled: the folder resolved, when it exists.
fn same_place(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default();
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let folder = parent.map_or_else(|| Path::new(".").to_path_buf(), Path::to_path_buf);
    std::fs::canonicalize(&folder)
        .or_else(|_| std::path::absolute(&folder))
        .unwrap_or(folder)
        .join(name)
}

/// One session of one file of the run.
struct At<'a> {
    term: usize,
    live: &'a PlannedLive,
    start: i64,
    end: i64,
}

/// An anchor's sessions in two files that overlap in time (overlaps within one
/// file are that file's own lint).
fn overlaps(terms: &[RunTerm]) -> Vec<(usize, Problem)> {
    if terms.len() < 2 {
        return Vec::new();
    }
    let mut by_anchor: BTreeMap<&str, Vec<At<'_>>> = BTreeMap::new();
    for (term, t) in terms.iter().enumerate() {
        let Some(plan) = &t.planned.plan else {
            continue;
        };
        for live in &plan.lives {
            let start = live.start.timestamp().as_second();
            by_anchor.entry(&live.anchor).or_default().push(At {
                term,
                live,
                start,
                end: start + live.duration(),
            });
        }
    }
    let mut pairs: Vec<(&At<'_>, &At<'_>)> = Vec::new();
    for sessions in by_anchor.values_mut() {
        sessions.sort_by_key(|s| (s.start, s.term));
        pairs.extend(across_files(sessions));
    }
    pairs.sort_by_key(|(a, b)| (b.term, b.start, a.term, a.start));
    let mut found = Vec::new();
    for (a, b) in pairs.iter().take(MAX_OVERLAPS_SHOWN) {
        let (ta, tb) = (&terms[a.term], &terms[b.term]);
        let (Some(sa), Some(sb)) = (&ta.planned.schedule, &tb.planned.schedule) else {
            continue;
        };
        let (oa, ob) = (class_origin(sa, a.live), class_origin(sb, b.live));
        let place = |o: Option<Origin>, s: &Schedule| {
            o.map_or_else(String::new, |o| format!(" (line {})", line(o, s)))
        };
        found.push((
            b.term,
            Problem::warning(
                format!(
                    "anchor `{}` is booked twice at once: `{}` in `{}`{} and `{}` in `{}`{}, {}",
                    b.live.anchor,
                    b.live.key,
                    tb.file.display(),
                    place(ob, sb),
                    a.live.key,
                    ta.file.display(),
                    place(oa, sa),
                    super::fmt_local(b.live.start.datetime()),
                ),
                ob,
            )
            .label(format!("overlaps a session in `{}`", ta.file.display()))
            .help("an anchor gives one live at a time: move one of the sessions, or give it another anchor"),
        ));
    }
    if let Some((_, last)) = pairs.last()
        && pairs.len() > MAX_OVERLAPS_SHOWN
    {
        found.push((
            last.term,
            Problem::warning(
                format!(
                    "{} more sessions booked at once across files not shown",
                    pairs.len() - MAX_OVERLAPS_SHOWN
                ),
                None,
            ),
        ));
    }
    found
}

/// The pairs of one anchor's sessions (sorted by start) that overlap and come
/// from two files, the earlier file's first.
fn across_files<'s, 'a>(sessions: &'s [At<'a>]) -> Vec<(&'s At<'a>, &'s At<'a>)> {
    let mut pairs = Vec::new();
    let mut active: Vec<&At<'_>> = Vec::new();
    for s in sessions {
        active.retain(|a| a.end > s.start);
        for a in &active {
            if a.term != s.term {
                let (earlier, later) = if a.term < s.term { (*a, s) } else { (s, *a) };
                pairs.push((earlier, later));
            }
        }
        active.push(s);
    }
    pairs
}

fn class_origin(schedule: &Schedule, live: &PlannedLive) -> Option<Origin> {
    schedule
        .classes
        .iter()
        .find(|c| c.id == live.class_id())
        .map(|c| c.origin)
}

/// The 1-based line of `origin` in its schedule's files.
fn line(origin: Origin, schedule: &Schedule) -> usize {
    origin.line_col(&schedule.sources).0
}
