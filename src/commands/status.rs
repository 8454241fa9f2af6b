//! `livesched status`: the ledger against the plan, counted, and the sessions coming up next.

use crate::config::{StatusFormat, StatusJob};
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::LedgerState;
use crate::plan::{ledger_looks_lost, status};
use crate::remote::Places;

pub fn run(job: &StatusJob) -> Result<ExitCode, Error> {
    let (schedule, plan) = super::planned(&job.file, false, "no status")?;
    let places = Places::new(&job.file, job.ledger.as_deref(), false);
    let ledger_path = places.ledger.clone();
    let ledger = LedgerState::read(&ledger_path)?;
    let mut status = status::status(
        &job.file,
        &ledger_path,
        &plan,
        &schedule.term,
        &ledger,
        job.now,
    );
    let seen = crate::ledger::read_seen(&places.seen);
    if let Some(warning) = ledger_looks_lost(&plan, &ledger, &seen, &places.owner, job.now) {
        status.warn(warning);
    }
    match job.format {
        StatusFormat::Table => print!("{}", status::table(&status)),
        StatusFormat::Json => {
            let mut s = serde_json::to_string_pretty(&status).unwrap_or_default();
            s.push('\n');
            print!("{s}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
