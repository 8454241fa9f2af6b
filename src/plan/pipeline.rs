//! The planning pipeline every command shares: load → expand → lint, then, once
//! the ledger is known, the warnings about what the diff would do.

use std::path::Path;

use super::changes::{Action, Change};
use super::expand::{MAX_SESSIONS, expand_within};
use super::{Plan, lint, lint_creates};
use crate::schedule::{self, Problem, Problems, Reach, Schedule, Sources};

/// A schedule loaded, expanded and checked, with every problem found on the way.
pub struct PlannedTerm {
    pub schedule: Option<Schedule>,
    /// Set only when there is no error.
    pub plan: Option<Plan>,
    pub problems: Problems,
    pub sources: Sources,
}

impl PlannedTerm {
    /// The schedule and its plan when the file is valid.
    pub fn valid(self) -> Option<(Schedule, Plan)> {
        self.schedule.zip(self.plan)
    }
}

/// How far planning may go: which files the schedule may name, how many sessions.
#[derive(Debug, Clone)]
pub struct Limits {
    pub reach: Reach,
    pub max_sessions: usize,
}

/// Loads and expands `file`; `plan` is set only when there is no error.
/// `strict` turns warnings into errors. The files it names must be in its own
/// folder's tree.
pub fn plan_term(file: &Path, strict: bool) -> PlannedTerm {
    let limits = Limits {
        reach: Reach::beside(file),
        max_sessions: MAX_SESSIONS,
    };
    plan_within(file, strict, &limits)
}

/// [`plan_term`] within `limits`.
pub fn plan_within(file: &Path, strict: bool, limits: &Limits) -> PlannedTerm {
    let loaded = schedule::load_within(file, &limits.reach);
    let mut problems = loaded.problems;
    let mut planned = None;
    if let Some(s) = &loaded.schedule {
        let mut p = expand_within(s, limits.max_sessions);
        lint(s, &mut p);
        problems.extend(std::mem::take(&mut p.problems));
        planned = Some(p);
    }
    if strict {
        problems.make_strict();
    }
    problems.sort();
    if problems.has_errors() {
        planned = None;
    }
    PlannedTerm {
        schedule: loaded.schedule,
        plan: planned.map(|mut p| {
            p.problems = problems.clone();
            p
        }),
        problems,
        sources: loaded.sources,
    }
}

/// Warnings that only the diff can tell: more creates than WeCom allows in a
/// day, and edits to sessions that have started (which are never applied).
pub fn review(changes: &[Change]) -> Problems {
    let mut warnings = Problems::default();
    let creates = changes
        .iter()
        .filter(|c| c.action == Action::Create)
        .count();
    if let Some(warning) = lint_creates(creates) {
        warnings.push(warning);
    }
    warnings.extend(review_started(changes));
    warnings
}

/// Edits to sessions that have started, which are never applied. (A run over
/// many schedules checks its creates once for the run: `lint_run_creates`.)
pub fn review_started(changes: &[Change]) -> Problems {
    let mut warnings = Problems::default();
    for c in changes
        .iter()
        .filter(|c| c.action == Action::Past && !c.fields.is_empty())
    {
        warnings.push(
            Problem::warning(
                format!("`{}` has started; the change to it is not applied", c.key),
                None,
            )
            .help("a session that started is never modified or cancelled"),
        );
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::changes::FieldChange;

    fn change(action: Action, edited: bool) -> Change {
        Change {
            action,
            key: "ml/2027-03-01".into(),
            livingid: Some("lv1".into()),
            fields: if edited {
                vec![FieldChange {
                    field: "theme",
                    old: "a".into(),
                    new: "b".into(),
                }]
            } else {
                Vec::new()
            },
            drift: None,
        }
    }

    #[test]
    fn an_edit_to_a_started_session_is_a_warning() {
        let warnings = review(&[change(Action::Past, true), change(Action::Past, false)]);
        let messages: Vec<_> = warnings.iter().map(|p| p.message.clone()).collect();
        assert_eq!(
            messages,
            ["`ml/2027-03-01` has started; the change to it is not applied"]
        );
    }

    #[test]
    fn creates_beyond_a_day_of_quota_are_a_warning() {
        let many: Vec<Change> = (0..10_001).map(|_| change(Action::Create, false)).collect();
        assert_eq!(review(&many).iter().count(), 1);
        assert_eq!(review(&many[..10_000]).iter().count(), 0);
    }
}
