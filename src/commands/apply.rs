//! `livesched apply`: plan, confirm, carry the changes out, record every step.
//! Over several schedules: one plan grouped by file, one confirmation, one gate
//! for every call, one progress bar, one report and one exit code.

use std::io::IsTerminal;

use super::outcome::{Outcome, Part};
use super::schedules::{self, Planned};
use crate::apply::Work;
use crate::config::ApplyJob;
use crate::diagnostics;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::Repair;
use crate::plan::changes::{self, Action, Change};
use crate::plan::{lint_run_creates, render, review, review_started};
use crate::remote::Session;
use crate::schedule::{Problems, Sources};

pub fn run(apply: &ApplyJob) -> Result<ExitCode, Error> {
    let job = &apply.remote;
    let files = schedules::find(&job.inputs)?;
    let planned = schedules::planned(files, &job.inputs, "nothing was sent")?;
    super::check_report(job.report.as_deref())?;
    let session = Session::open(
        job,
        planned.terms.iter().map(|t| t.places.clone()).collect(),
    )?;
    for (term, state) in planned.terms.iter().zip(session.states()) {
        schedules::own_ledger(term, state, &job.inputs.input)?;
    }
    let (all, works) = works(apply, &planned, &session);
    let outcome = |summaries: Vec<_>| Outcome {
        parts: planned
            .terms
            .iter()
            .zip(summaries)
            .map(|(t, summary)| Part {
                file: t.file.clone(),
                ledger: t.places.ledger.clone(),
                summary,
            })
            .collect(),
        skipped: planned.skipped.clone(),
    };
    if works.iter().all(Work::is_empty) {
        let done = outcome(works.into_iter().map(|w| w.summary).collect());
        done.print();
        done.write_report(job.report.as_deref())?;
        return Ok(done.exit_code());
    }
    // The sandbox touches nothing real: no need to ask.
    let ask = !job.yes && !job.inputs.sandbox;
    if ask && std::io::stdin().is_terminal() {
        show_plan(&planned, &all)?;
    }
    describe(&planned, &works);
    if ask {
        super::confirm("apply", "applied")?;
    }
    let done = outcome(session.apply(works)?);
    done.print();
    done.write_report(job.report.as_deref())?;
    Ok(done.exit_code())
}

/// Each schedule's changes and the work that carries them out; `--max-creates`
/// counts across the run. Warnings the diff tells are reported on the way.
fn works(apply: &ApplyJob, planned: &Planned, session: &Session) -> (Vec<Vec<Change>>, Vec<Work>) {
    let job = &apply.remote;
    let options = changes::Options {
        recreate_cancelled: apply.recreate_cancelled,
    };
    let many = planned.is_many();
    let mut left = apply.max_creates;
    let (mut all, mut works) = (Vec::new(), Vec::new());
    let each = planned
        .terms
        .iter()
        .zip(session.states())
        .zip(session.repairs());
    for ((term, state), repair) in each {
        let changes = changes::changes_with(&term.plan, state, job.now, options);
        let warnings = if many {
            review_started(&changes)
        } else {
            review(&changes)
        };
        diagnostics::report(&warnings, &term.schedule.sources);
        let mut work = Work::from_changes(&term.plan, state, &changes, left);
        if let Some(left) = &mut left {
            *left -= work.creates();
        }
        if let Some(Repair::TornLine { key: None, .. }) = repair {
            work.look_up_every_create();
        }
        all.push(changes);
        works.push(work);
    }
    let creates = all
        .iter()
        .flatten()
        .filter(|c| c.action == Action::Create)
        .count();
    if many && let Some(warning) = lint_run_creates(creates, works.len()) {
        let mut run = Problems::default();
        run.push(warning);
        diagnostics::report(&run, &Sources::default());
    }
    (all, works)
}

/// What will change, as `plan` shows it, for the person deciding; by schedule.
fn show_plan(planned: &Planned, all: &[Vec<Change>]) -> Result<(), Error> {
    let listing = render::Listing {
        verbose: false,
        creates: 20,
    };
    for (term, changes) in planned.terms.iter().zip(all) {
        if planned.is_many() {
            eprintln!("==> {} <==", term.file.display());
        }
        render::diff(
            &mut std::io::stderr().lock(),
            &term.plan,
            changes,
            &term.schedule.term.tz,
            listing,
        )
        .map_err(|err| Error::io("write to", "standard error", err))?;
    }
    Ok(())
}

/// The counts about to be carried out: per schedule and in total over several.
fn describe(planned: &Planned, works: &[Work]) {
    if planned.is_many() {
        for (term, work) in planned.terms.iter().zip(works) {
            let label = format!("`{}`", term.file.display());
            eprintln!("{}", Work::describe_all(&label, std::slice::from_ref(work)));
        }
        eprintln!("{}", Work::describe_all("total", works));
    } else {
        for work in works {
            eprintln!("{}", work.describe());
        }
    }
}
