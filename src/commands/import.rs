//! `livesched import`: adopt lives that already exist in WeCom for the sessions
//! they match (anchor, theme and start), so a team can start using livesched
//! mid-term, or after losing a ledger, without creating duplicates.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::remote;
use crate::apply::{Gate, Match, Recovery, observed_body};
use crate::config::RemoteJob;
use crate::diagnostics;
use crate::exit_codes::ExitCode;
use crate::ledger::{Event, LedgerWriter, Record};
use crate::plan::changes::{self, with_modifiable};

pub fn run(job: &RemoteJob) -> ExitCode {
    try_run(job).unwrap_or_else(|code| code)
}

/// `Err` carries the exit code of a step that could not go on.
fn try_run(job: &RemoteJob) -> Result<ExitCode, ExitCode> {
    let planned = super::plan_term(&job.file, false);
    diagnostics::report(&planned.problems, &planned.sources);
    let Some(plan) = planned.plan else {
        eprintln!("`{}`: invalid; nothing was imported", job.file.display());
        return Ok(ExitCode::INVALID_INPUT);
    };
    let places = remote::places(&job.file, job.ledger.as_deref(), job.sandbox);
    let ledger = remote::open_ledger(&places)?;
    let wanted: Vec<_> = plan
        .lives
        .iter()
        .filter(|l| l.start.timestamp() >= job.now)
        .filter(|l| !ledger.state().get(&l.key).is_some_and(changes::is_live))
        .cloned()
        .collect();
    if wanted.is_empty() {
        eprintln!("nothing to import: the ledger holds a live for every future session");
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = remote::runtime()?;
    let total = wanted.len();
    let result = runtime.block_on(async {
        let remote = remote::Remote::connect(job, &places).await?;
        let gate = Gate::new(job.rate, job.concurrency, Duration::from_secs(60));
        let recovery = Arc::new(Recovery::new(ledger.state()));
        let writer = LedgerWriter::spawn(ledger);
        let (mut adopted, mut failed) = (0usize, 0usize);
        // One anchor at a time: its lives are listed once and matched in order.
        for live in &wanted {
            match recovery
                .find_with(&remote.client, &gate, &live.request, Match::Loose)
                .await
            {
                Ok(Some(id)) => {
                    let planned = serde_json::to_value(&live.request).unwrap_or_default();
                    // What the live is: the plan's pictures, WeCom's theme, time and length.
                    let state = match recovery.info(&id) {
                        Some(info) => with_modifiable(planned, &observed_body(&info)),
                        None => planned,
                    };
                    let record = Record::new(&live.key, Event::Adopted, Timestamp::now())
                        .with_livingid(&id)
                        .with_request(state);
                    if let Err(err) = writer.append(record).await {
                        eprintln!("error: {err}");
                        failed += 1;
                        break;
                    }
                    adopted += 1;
                }
                Ok(None) => {}
                Err(err) => {
                    eprintln!("failed to look up lives of `{}`: {err}", live.anchor);
                    failed += 1;
                }
            }
        }
        remote::close_ledger(writer).await;
        remote.close().await;
        Ok::<_, ExitCode>((adopted, failed))
    });
    let (adopted, failed) = result?;
    eprintln!(
        "imported {adopted} of {total} future sessions without a live; {} left for `livesched apply`",
        total - adopted
    );
    if failed > 0 {
        Ok(ExitCode::PARTIAL_FAILURE)
    } else {
        Ok(ExitCode::SUCCESS)
    }
}
