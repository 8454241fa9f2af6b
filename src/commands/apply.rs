//! `livesched apply`: plan, confirm, carry the changes out, record every step.

use std::io::IsTerminal;

use crate::apply::Work;
use crate::config::ApplyJob;
use crate::diagnostics;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::Repair;
use crate::plan::{changes, render, review};
use crate::remote::Session;

pub fn run(apply: &ApplyJob) -> Result<ExitCode, Error> {
    let job = &apply.remote;
    let (schedule, plan) = super::planned(&job.file, apply.strict, "nothing was sent")?;
    super::check_report(job.report.as_deref())?;
    let session = Session::open(job)?;
    let options = changes::Options {
        recreate_cancelled: apply.recreate_cancelled,
    };
    let all = changes::changes_with(&plan, session.state(), job.now, options);
    diagnostics::report(&review(&all), &schedule.sources);
    let mut work = Work::from_changes(&plan, session.state(), &all, apply.max_creates);
    if let Some(Repair::TornLine { key: None, .. }) = session.repair() {
        work.look_up_every_create();
    }
    if work.is_empty() {
        eprintln!("{}", work.summary.render().trim_end());
        super::write_report(job.report.as_deref(), &work.summary)?;
        return Ok(ExitCode::SUCCESS);
    }
    // The sandbox touches nothing real: no need to ask.
    let ask = !job.yes && !job.sandbox;
    if ask && std::io::stdin().is_terminal() {
        // The person deciding sees what will change, as `plan` shows it.
        let listing = render::Listing {
            verbose: false,
            creates: 20,
        };
        let shown = render::diff(
            &mut std::io::stderr().lock(),
            &plan,
            &all,
            &schedule.term.tz,
            listing,
        );
        shown.map_err(|err| Error::io("write to", "standard error", err))?;
    }
    eprintln!("{}", work.describe());
    if ask {
        super::confirm("apply", "applied")?;
    }
    let summary = session.apply(work)?;
    eprint!("{}", summary.render());
    super::write_report(job.report.as_deref(), &summary)?;
    Ok(summary.exit_code())
}
