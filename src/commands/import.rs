//! `livesched import`: adopt lives that already exist in WeCom for the sessions
//! they match (anchor, theme and start), so a team can start using livesched
//! mid-term, or after losing a ledger, without creating duplicates.

use crate::apply::{Recovery, adopt_all};
use crate::config::RemoteJob;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::plan::PlannedLive;
use crate::plan::changes;
use crate::remote::Session;

pub fn run(job: &RemoteJob) -> Result<ExitCode, Error> {
    let (_, plan) = super::planned(&job.file, false, "nothing was imported")?;
    let session = Session::open(job)?;
    let wanted: Vec<PlannedLive> = plan
        .lives
        .into_iter()
        .filter(|l| l.start.timestamp() >= job.now)
        .filter(|l| {
            let held = session.state().get(&l.key.to_string());
            !held.is_some_and(changes::is_live)
        })
        .collect();
    if wanted.is_empty() {
        eprintln!("nothing to import: the ledger holds a live for every future session");
        return Ok(ExitCode::SUCCESS);
    }
    let recovery = Recovery::new(session.state());
    let (adopted, failed) = session.with_remote(async |remote| {
        adopt_all(
            &remote.client,
            &remote.gate,
            &remote.ledger,
            &recovery,
            &wanted,
        )
        .await
    })?;
    eprintln!(
        "imported {adopted} of {} future sessions without a live; {} left for `livesched apply`",
        wanted.len(),
        wanted.len() - adopted
    );
    Ok(if failed > 0 {
        ExitCode::PARTIAL_FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
