//! `livesched status`: each ledger against its plan, counted, and the sessions
//! coming up next; over several schedules, one after another (JSON: `{"files": […]}`).

use super::schedules;
use crate::config::{StatusFormat, StatusJob};
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::LedgerState;
use crate::plan::{ledger_looks_lost, status};

pub fn run(job: &StatusJob) -> Result<ExitCode, Error> {
    let files = schedules::find(&job.inputs)?;
    let planned = schedules::planned(files, &job.inputs, "no status")?;
    let mut all = Vec::new();
    for term in &planned.terms {
        let ledger = LedgerState::read(&term.places.ledger)?;
        schedules::own_ledger(term, &ledger, &job.inputs.input)?;
        let mut one = status::status(
            &term.file,
            &term.places.ledger,
            &term.plan,
            &term.schedule.term,
            &ledger,
            job.now,
        );
        let seen = crate::ledger::read_seen(&term.places.seen);
        let owner = &term.places.owner;
        if let Some(warning) = ledger_looks_lost(&term.plan, &ledger, &seen, owner, job.now) {
            one.warn(warning);
        }
        all.push(one);
    }
    let many = planned.is_many();
    let out = match job.format {
        StatusFormat::Table => all.iter().map(status::table).collect::<Vec<_>>().join("\n"),
        StatusFormat::Json if many => json(&serde_json::json!({ "files": all })),
        StatusFormat::Json => all.first().map(json).unwrap_or_default(),
    };
    print!("{out}");
    Ok(planned.exit_code())
}

fn json(value: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}
