//! `livesched plan`: each term expanded, compared with its ledger, rendered; over
//! several schedules, one output grouped by file (JSON: `{"files": […]}`).
//!
//! Output is written as it is made, through one buffer: never held whole.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};

use super::schedules::{self, Term};
use crate::config::{OutputFormat, PlanJob};
use crate::diagnostics;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::LedgerState;
use crate::plan::changes::{self, Action, Change};
use crate::plan::render::{self, Document};
use crate::plan::{lint_run_creates, lost_ledger_warning, review, review_started};
use crate::schedule::{Problems, Sources};

pub fn run(job: &PlanJob) -> Result<ExitCode, Error> {
    let files = schedules::find(&job.inputs)?;
    if files.len() > 1 && matches!(job.format, OutputFormat::Ics | OutputFormat::Html) {
        return Err(Error::Usage(
            "`--format ics` and `--format html` render one schedule: run `plan` once per file"
                .to_string(),
        ));
    }
    // One schedule's ledger is read while the schedule is planned: neither needs
    // the other until the diff.
    let reading = match files.as_slice() {
        [file] => schedules::places(vec![file.clone()], &job.inputs)
            .pop()
            .map(|(_, places)| LedgerState::read_in_background(places.ledger)),
        _ => None,
    };
    let planned =
        schedules::planned(files, &job.inputs, "nothing planned").map_err(|mut err| {
            if let Error::Invalid {
                detailed_exitcode, ..
            } = &mut err
            {
                *detailed_exitcode = job.detailed_exitcode;
            }
            err
        })?;
    let many = planned.is_many();
    let skipped = planned.exit_code();
    let mut reading = reading;
    let mut diffed = Vec::new();
    for term in planned.terms {
        let ledger = match reading.take() {
            Some(reading) => reading.join()?,
            None => LedgerState::read(&term.places.ledger)?,
        };
        diffed.push(diff(job, term, ledger, many)?);
    }
    let mut totals: BTreeMap<Action, usize> = BTreeMap::new();
    for c in diffed.iter().flat_map(|d| &d.changes) {
        *totals.entry(c.action).or_default() += 1;
    }
    let creates = totals.get(&Action::Create).copied().unwrap_or(0);
    if many && let Some(warning) = lint_run_creates(creates, diffed.len()) {
        let mut run = Problems::default();
        run.push(warning);
        diagnostics::report(&run, &Sources::default());
    }
    let pending = diffed.iter().any(|d| changes::pending(&d.changes));
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    write_all(&mut out, job, &diffed, many, &totals)
        .and_then(|()| out.flush())
        .map_err(|err| Error::io("write the plan to", "standard output", err))?;
    let code = if job.detailed_exitcode && pending {
        ExitCode::CHANGES_PENDING
    } else {
        ExitCode::SUCCESS
    };
    super::leave(diffed);
    Ok(if skipped != ExitCode::SUCCESS && job.detailed_exitcode {
        // Terraform's convention under `--detailed-exitcode`: any error is 1.
        ExitCode::ERROR
    } else {
        code.merge(skipped)
    })
}

/// One schedule compared with its ledger, its warnings reported and kept with its plan.
struct Diffed {
    term: Term,
    ledger: LedgerState,
    changes: Vec<Change>,
}

fn diff(job: &PlanJob, mut term: Term, ledger: LedgerState, many: bool) -> Result<Diffed, Error> {
    schedules::own_ledger(&term, &ledger, &job.inputs.input)?;
    let changes = changes::changes(&term.plan, &ledger, job.now);
    let mut warnings = if many {
        review_started(&changes)
    } else {
        review(&changes)
    };
    let seen = crate::ledger::read_seen(&term.places.seen);
    let owner = &term.places.owner;
    if let Some(lost) = lost_ledger_warning(&term.plan, &ledger, &seen, owner, job.now) {
        warnings.push(lost);
    }
    diagnostics::report(&warnings, &term.schedule.sources);
    term.plan.problems.extend(warnings);
    Ok(Diffed {
        term,
        ledger,
        changes,
    })
}

fn write_all(
    out: &mut impl Write,
    job: &PlanJob,
    diffed: &[Diffed],
    many: bool,
    totals: &BTreeMap<Action, usize>,
) -> std::io::Result<()> {
    if !many {
        return diffed.iter().try_for_each(|d| write_one(out, job, d));
    }
    match job.format {
        OutputFormat::Json => {
            let docs: Vec<Document> = diffed.iter().map(|d| document(d, true)).collect();
            render::json_of_files(out, &docs)
        }
        OutputFormat::Csv => diffed.iter().enumerate().try_for_each(|(i, d)| {
            let file = d.term.file.display().to_string();
            render::csv_of_file(out, &d.term.plan, &d.changes, &file, i == 0)
        }),
        _ => {
            for d in diffed {
                writeln!(out, "==> {} <==", d.term.file.display())?;
                write_one(out, job, d)?;
                writeln!(out)?;
            }
            total(out, diffed.len(), totals)
        }
    }
}

/// One schedule's JSON document; with its `file` in a document of several.
fn document(d: &Diffed, with_file: bool) -> Document<'_> {
    Document {
        plan: &d.term.plan,
        changes: &d.changes,
        sources: &d.term.schedule.sources,
        file: with_file.then(|| d.term.file.display().to_string()),
    }
}

/// One schedule's plan in the format asked for (a table when its ledger is empty,
/// a diff otherwise, unless a format is named).
fn write_one(out: &mut impl Write, job: &PlanJob, d: &Diffed) -> std::io::Result<()> {
    let (schedule, plan, changes, ledger) = (&d.term.schedule, &d.term.plan, &d.changes, &d.ledger);
    let format = match job.format {
        OutputFormat::Auto if ledger.is_empty() => OutputFormat::Table,
        OutputFormat::Auto => OutputFormat::Diff,
        f => f,
    };
    match format {
        OutputFormat::Auto | OutputFormat::Table => render::table(out, plan, changes),
        OutputFormat::Diff => render::diff(
            out,
            plan,
            changes,
            &schedule.term.tz,
            render::Listing {
                verbose: job.verbose,
                ..render::Listing::ALL
            },
        ),
        OutputFormat::Json => render::json(out, &document(d, false)),
        OutputFormat::Csv => render::csv(out, plan, changes),
        OutputFormat::Ics => render::ics(out, plan, &schedule.term, job.now),
        OutputFormat::Html => render::html(out, plan, &schedule.term, changes, ledger, job.now),
    }
}

/// The run's total under the schedules' tables or diffs.
fn total(
    out: &mut impl Write,
    files: usize,
    totals: &BTreeMap<Action, usize>,
) -> std::io::Result<()> {
    let count = |a: Action| totals.get(&a).copied().unwrap_or(0);
    writeln!(
        out,
        "Total over {files} schedules: {} to create, {} to modify, {} to replace, {} to cancel; {} unchanged, {} past.",
        count(Action::Create),
        count(Action::Modify),
        count(Action::Replace),
        count(Action::Cancel),
        count(Action::Unchanged),
        count(Action::Past),
    )
}
