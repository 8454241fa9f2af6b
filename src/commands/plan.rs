//! `livesched plan`: the term expanded, compared with the ledger, rendered.

use std::path::Path;

use crate::config::{OutputFormat, PlanJob};
use crate::diagnostics;
use crate::exit_codes::ExitCode;
use crate::ledger::LedgerState;
use crate::plan::{self, Plan, changes, render};
use crate::schedule::{self, Problems, Schedule, Sources};

/// A schedule loaded, expanded and checked, with every problem found on the way.
pub struct PlannedTerm {
    pub schedule: Option<Schedule>,
    pub plan: Option<Plan>,
    pub problems: Problems,
    pub sources: Sources,
}

/// Loads and expands `file`; `plan` is set only when there is no error.
pub fn plan_term(file: &Path, strict: bool) -> PlannedTerm {
    let loaded = schedule::load(file);
    let mut problems = loaded.problems;
    let mut planned = None;
    if let Some(s) = &loaded.schedule {
        let mut p = plan::expand(s);
        plan::lint(s, &mut p);
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

pub fn run(job: &PlanJob) -> ExitCode {
    let planned = plan_term(&job.file, job.strict);
    diagnostics::report(&planned.problems, &planned.sources);
    let (Some(schedule), Some(mut plan)) = (planned.schedule, planned.plan) else {
        eprintln!(
            "`{}`: invalid ({}); nothing planned",
            job.file.display(),
            diagnostics::tally(&planned.problems)
        );
        return if job.detailed_exitcode {
            ExitCode::ERROR
        } else {
            ExitCode::INVALID_INPUT
        };
    };
    let ledger = match LedgerState::read(&job.ledger) {
        Ok(l) => l,
        Err(err) => {
            eprintln!("{:?}", miette::Report::new(err));
            return ExitCode::ERROR;
        }
    };
    let changes = changes::changes(&plan, &ledger, job.now);
    let creates = changes
        .iter()
        .filter(|c| c.action == changes::Action::Create)
        .count();
    if let Some(warning) = plan::lint_creates(creates) {
        let mut one = Problems::default();
        one.push(warning.clone());
        diagnostics::report(&one, &schedule.sources);
        plan.problems.push(warning);
    }
    let past_edits: Vec<&changes::Change> = changes
        .iter()
        .filter(|c| c.action == changes::Action::Past && !c.fields.is_empty())
        .collect();
    if !past_edits.is_empty() {
        let mut warnings = Problems::default();
        for c in past_edits {
            warnings.push(
                crate::schedule::Problem::warning(
                    format!("`{}` has started; the change to it is not applied", c.key),
                    None,
                )
                .help("a session that started is never modified or cancelled"),
            );
        }
        diagnostics::report(&warnings, &schedule.sources);
        for w in warnings.iter() {
            plan.problems.push(w.clone());
        }
    }
    let format = match job.format {
        OutputFormat::Auto if ledger.is_empty() => OutputFormat::Table,
        OutputFormat::Auto => OutputFormat::Diff,
        f => f,
    };
    let out = match format {
        OutputFormat::Auto | OutputFormat::Table => render::table(&plan, &changes),
        OutputFormat::Diff => render::diff(
            &plan,
            &changes,
            &schedule.term.tz,
            render::Listing {
                verbose: job.verbose,
                ..render::Listing::ALL
            },
        ),
        OutputFormat::Json => render::json(&plan, &changes, &schedule.sources),
        OutputFormat::Csv => render::csv(&plan, &changes),
        OutputFormat::Ics => render::ics(&plan, &schedule.term, job.now),
        OutputFormat::Html => render::html(&plan, &schedule.term, &changes, &ledger, job.now),
    };
    print!("{out}");
    if job.detailed_exitcode && changes::pending(&changes) {
        ExitCode::CHANGES_PENDING
    } else {
        ExitCode::SUCCESS
    }
}
