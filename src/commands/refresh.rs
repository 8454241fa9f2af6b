//! `livesched refresh`: read every live the ledgers hold back from WeCom and
//! record what a person changed there (drift), so that `plan` can show it.

use super::schedules;
use crate::apply::{ReadBack, Target, read_back};
use crate::config::RemoteJob;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::LedgerState;
use crate::plan::changes;
use crate::remote::Session;

pub fn run(job: &RemoteJob) -> Result<ExitCode, Error> {
    // What the ledgers hold is read back: the schedules need not be valid.
    let files = schedules::places(schedules::find(&job.inputs)?, &job.inputs);
    schedules::distinct_ledgers(&files)?;
    let session = Session::open(job, files.iter().map(|(_, p)| p.clone()).collect())?;
    let targets: Vec<Vec<Target>> = session.states().map(targets).collect();
    if targets.iter().all(Vec::is_empty) {
        let held = if files.len() > 1 {
            "the ledgers hold"
        } else {
            "the ledger holds"
        };
        eprintln!("nothing to refresh: {held} no live");
        return Ok(ExitCode::SUCCESS);
    }
    let reports = session.with_remote(async |remote| {
        let mut reports = Vec::new();
        for (targets, ledger) in targets.into_iter().zip(&remote.ledgers) {
            let report = read_back(
                &remote.client,
                &remote.gate,
                ledger,
                remote.concurrency,
                targets,
            )
            .await;
            reports.push(report);
        }
        reports
    })?;
    let mut total = ReadBack::default();
    for ((file, _), report) in files.iter().zip(&reports) {
        for line in &report.lines {
            eprintln!("{line}");
        }
        if files.len() > 1 {
            eprintln!("`{}`: {}", file.display(), counts(report));
        }
        total.same += report.same;
        total.drifted += report.drifted;
        total.failed += report.failed;
    }
    let label = if files.len() > 1 { "total: " } else { "" };
    eprintln!("{label}{}", counts(&total));
    Ok(if total.failed > 0 {
        ExitCode::PARTIAL_FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The lives a ledger holds: what there is to read back.
fn targets(state: &LedgerState) -> Vec<Target> {
    state
        .iter()
        .filter(|k| changes::is_live(k))
        .filter_map(|k| Some((k.key.clone(), k.livingid.clone()?, k.request.clone())))
        .collect()
}

fn counts(report: &ReadBack) -> String {
    format!(
        "refreshed {} lives: {} as recorded, {} drifted{}",
        report.same + report.drifted,
        report.same,
        report.drifted,
        if report.failed > 0 {
            format!(", {} could not be read", report.failed)
        } else {
            String::new()
        }
    )
}
