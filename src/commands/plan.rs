//! `livesched plan`: the term expanded, compared with the ledger, rendered.

use std::io::{BufWriter, Write};

use crate::config::{OutputFormat, PlanJob};
use crate::diagnostics;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::LedgerState;
use crate::plan::{changes, render, review};
use crate::remote::Places;

pub fn run(job: &PlanJob) -> Result<ExitCode, Error> {
    let ledger_path = Places::new(&job.file, job.ledger.as_deref(), false).ledger;
    // Read while the schedule is planned: neither needs the other until the diff.
    let reading = LedgerState::read_in_background(ledger_path);
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
    let ledger = reading.join()?;
    let changes = changes::changes(&plan, &ledger, job.now);
    let warnings = review(&changes);
    diagnostics::report(&warnings, &schedule.sources);
    plan.problems.extend(warnings);
    let format = match job.format {
        OutputFormat::Auto if ledger.is_empty() => OutputFormat::Table,
        OutputFormat::Auto => OutputFormat::Diff,
        f => f,
    };
    // Written as it is made, through one buffer: never held whole.
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match format {
        OutputFormat::Auto | OutputFormat::Table => render::table(&mut out, &plan, &changes),
        OutputFormat::Diff => render::diff(
            &mut out,
            &plan,
            &changes,
            &schedule.term.tz,
            render::Listing {
                verbose: job.verbose,
                ..render::Listing::ALL
            },
        ),
        OutputFormat::Json => render::json(&mut out, &plan, &changes, &schedule.sources),
        OutputFormat::Csv => render::csv(&mut out, &plan, &changes),
        OutputFormat::Ics => render::ics(&mut out, &plan, &schedule.term, job.now),
        OutputFormat::Html => {
            render::html(&mut out, &plan, &schedule.term, &changes, &ledger, job.now)
        }
    }
    .and_then(|()| out.flush())
    .map_err(|err| Error::io("write the plan to", "standard output", err))?;
    let code = if job.detailed_exitcode && changes::pending(&changes) {
        ExitCode::CHANGES_PENDING
    } else {
        ExitCode::SUCCESS
    };
    super::leave((schedule, plan, ledger, changes));
    Ok(code)
}
