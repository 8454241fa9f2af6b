//! `livesched plan`: the term expanded, compared with the ledger, rendered.

use crate::config::{OutputFormat, PlanJob};
use crate::diagnostics;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::LedgerState;
use crate::plan::{changes, lost_ledger_warning, render, review};
use crate::remote::Places;

pub fn run(job: &PlanJob) -> Result<ExitCode, Error> {
    let (schedule, mut plan) =
        super::planned(&job.file, job.strict, "nothing planned").map_err(|mut err| {
            if let Error::Invalid {
                detailed_exitcode, ..
            } = &mut err
            {
                *detailed_exitcode = job.detailed_exitcode;
            }
            err
        })?;
    let places = Places::new(&job.file, job.ledger.as_deref(), false);
    let ledger = LedgerState::read(&places.ledger)?;
    let changes = changes::changes(&plan, &ledger, job.now);
    let mut warnings = review(&changes);
    let seen = crate::ledger::read_seen(&places.seen);
    if let Some(lost) = lost_ledger_warning(&plan, &ledger, &seen, &places.owner, job.now) {
        warnings.push(lost);
    }
    diagnostics::report(&warnings, &schedule.sources);
    plan.problems.extend(warnings);
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
    Ok(if job.detailed_exitcode && changes::pending(&changes) {
        ExitCode::CHANGES_PENDING
    } else {
        ExitCode::SUCCESS
    })
}
