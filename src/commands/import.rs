//! `livesched import`: adopt lives that already exist in WeCom for the sessions
//! they match (anchor, theme and start), so a team can start using livesched
//! mid-term, or after losing a ledger, without creating duplicates.

use jiff::Timestamp;

use crate::apply::{Match, Recovery, observed_body};
use crate::config::RemoteJob;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::{Event, Record};
use crate::plan::PlannedLive;
use crate::plan::changes::{self, with_modifiable};
use crate::remote::{Connected, Session};

pub fn run(job: &RemoteJob) -> Result<ExitCode, Error> {
    let (_, plan) = super::planned(&job.file, false, "nothing was imported")?;
    let session = Session::open(job)?;
    let wanted: Vec<PlannedLive> = plan
        .lives
        .into_iter()
        .filter(|l| l.start.timestamp() >= job.now)
        .filter(|l| !session.state().get(&l.key).is_some_and(changes::is_live))
        .collect();
    if wanted.is_empty() {
        eprintln!("nothing to import: the ledger holds a live for every future session");
        return Ok(ExitCode::SUCCESS);
    }
    let recovery = Recovery::new(session.state());
    let (adopted, failed) =
        session.with_remote(async |remote| adopt(remote, &recovery, &wanted).await)?;
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

/// Adopts a live for each session that has one in WeCom; (adopted, failed).
/// One anchor at a time: its lives are listed once and matched in order.
async fn adopt(remote: &Connected, recovery: &Recovery, wanted: &[PlannedLive]) -> (usize, usize) {
    let (mut adopted, mut failed) = (0usize, 0usize);
    for live in wanted {
        match recovery
            .find_with(&remote.client, &remote.gate, &live.request, Match::Loose)
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
                if let Err(err) = remote.ledger.append(record).await {
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
    (adopted, failed)
}
