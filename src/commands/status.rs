//! `livesched status`: the ledger against the plan, counted, and the sessions coming up next.

use crate::config::{StatusFormat, StatusJob};
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::LedgerState;
use crate::plan::status;
use crate::remote::Places;

pub fn run(job: &StatusJob) -> Result<ExitCode, Error> {
    let (schedule, plan) = super::planned(&job.file, &job.input, false, "no status")?;
    let ledger_path = Places::new(&job.file, job.ledger.as_deref(), false).ledger;
    let ledger = LedgerState::read(&ledger_path)?;
    let status = status::status(
        &job.file,
        &ledger_path,
        &plan,
        &schedule.term,
        &ledger,
        job.now,
    );
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
