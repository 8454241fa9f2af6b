//! `livesched import`: adopt lives that already exist in WeCom for the sessions
//! they match (anchor, theme and start), so a team can start using livesched
//! mid-term, or after losing a ledger, without creating duplicates.

use super::schedules;
use crate::apply::{Recovery, adopt_all};
use crate::config::RemoteJob;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::{KeyState, LedgerState};
use crate::plan::changes;
use crate::plan::{Plan, PlannedLive};
use crate::remote::Session;

pub fn run(job: &RemoteJob) -> Result<ExitCode, Error> {
    let files = schedules::find(&job.inputs)?;
    let planned = schedules::planned(files, &job.inputs, "nothing was imported")?;
    let session = Session::open(
        job,
        planned.terms.iter().map(|t| t.places.clone()).collect(),
    )?;
    let wanted: Vec<Vec<PlannedLive>> = planned
        .terms
        .iter()
        .zip(session.states())
        .map(|(term, state)| without_live(&term.plan, state, job.now))
        .collect();
    let many = planned.is_many();
    if wanted.iter().all(Vec::is_empty) {
        let (ledger, holds) = if many {
            ("ledgers", "hold")
        } else {
            ("ledger", "holds")
        };
        eprintln!("nothing to import: the {ledger} {holds} a live for every future session");
        return Ok(planned.exit_code());
    }
    // One lookup of each anchor for the whole run; a live any ledger holds is owned.
    let recovery = recovery_for(session.states());
    let results = session.with_remote(async |remote| {
        let mut results = Vec::new();
        for (wanted, ledger) in wanted.iter().zip(&remote.ledgers) {
            results.push(adopt_all(&remote.client, &remote.gate, ledger, &recovery, wanted).await);
        }
        results
    })?;
    let line = |adopted: usize, wanted: usize| {
        format!(
            "imported {adopted} of {wanted} future sessions without a live; {} left for `livesched apply`",
            wanted - adopted
        )
    };
    let (mut adopted, mut failed) = (0, 0);
    for ((term, wanted), (a, f)) in planned.terms.iter().zip(&wanted).zip(&results) {
        if many {
            eprintln!("`{}`: {}", term.file.display(), line(*a, wanted.len()));
        }
        adopted += a;
        failed += f;
    }
    let total = wanted.iter().map(Vec::len).sum();
    eprintln!(
        "{}{}",
        if many { "total: " } else { "" },
        line(adopted, total)
    );
    let code = if failed > 0 {
        ExitCode::PARTIAL_FAILURE
    } else {
        ExitCode::SUCCESS
    };
    Ok(code.merge(planned.exit_code()))
}

/// The future sessions of `plan` for which `state` holds no live.
fn without_live(plan: &Plan, state: &LedgerState, now: jiff::Timestamp) -> Vec<PlannedLive> {
    plan.lives
        .iter()
        .filter(|l| l.start.timestamp() >= now)
        .filter(|l| !state.get(&l.key.to_string()).is_some_and(changes::is_live))
        .cloned()
        .collect()
}

fn recovery_for<'a>(mut states: impl Iterator<Item = &'a LedgerState>) -> Recovery {
    let recovery = Recovery::new(states.next().unwrap_or(&LedgerState::default()));
    for state in states {
        for id in state.iter().filter_map(KeyState::livingid) {
            recovery.claim(id);
        }
    }
    recovery
}
