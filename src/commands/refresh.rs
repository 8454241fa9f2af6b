//! `livesched refresh`: read every live the ledgers hold back from WeCom and
//! record what a person changed there (drift), so that `plan` can show it; and
//! find second lives of held sessions that another runner made.

use super::schedules;
use crate::apply::{Duplicates, ReadBack, Target, find_duplicates, read_back};
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
    let states: Vec<LedgerState> = session.states().cloned().collect();
    let targets: Vec<Vec<Target>> = states.iter().map(targets).collect();
    if targets.iter().all(Vec::is_empty) {
        let held = if files.len() > 1 {
            "the ledgers hold"
        } else {
            "the ledger holds"
        };
        eprintln!("nothing to refresh: {held} no live");
        return Ok(ExitCode::SUCCESS);
    }
    let found = session.with_remote(async |remote| {
        let mut found = Vec::new();
        for (i, (targets, state)) in targets.into_iter().zip(&states).enumerate() {
            let report = read_back(
                &remote.client,
                &remote.gate,
                &remote.ledgers[i],
                remote.concurrency,
                targets,
            )
            .await;
            let seconds = find_duplicates(&remote.lookup(i), state, &report.statuses).await;
            found.push((report, seconds));
        }
        found
    })?;
    let mut total = ReadBack::default();
    let mut failed = 0;
    for ((file, _), (report, seconds)) in files.iter().zip(found) {
        let seconds = seconds?;
        for line in report.lines.iter().chain(&seconds.lines) {
            eprintln!("{line}");
        }
        if files.len() > 1 {
            eprintln!("`{}`: {}", file.display(), counts(&report));
        }
        say_duplicates(&seconds);
        total.same += report.same;
        total.drifted += report.drifted;
        failed += report.failed + seconds.failed;
    }
    let label = if files.len() > 1 { "total: " } else { "" };
    total.failed = failed;
    eprintln!("{label}{}", counts(&total));
    Ok(if failed > 0 {
        ExitCode::PARTIAL_FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn say_duplicates(seconds: &Duplicates) {
    if seconds.found > 0 {
        eprintln!(
            "found {} second live(s) of held sessions; the next apply cancels them",
            seconds.found
        );
    }
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
