//! `livesched refresh`: read every live the ledger holds back from WeCom and
//! record what a person changed there (drift), so that `plan` can show it; and
//! find second lives of held sessions that another runner made.

use crate::apply::{Target, find_duplicates, read_back};
use crate::config::RemoteJob;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::plan::changes;
use crate::remote::Session;

pub fn run(job: &RemoteJob) -> Result<ExitCode, Error> {
    let session = Session::open(job)?;
    let targets: Vec<Target> = session
        .state()
        .iter()
        .filter(|k| changes::is_live(k))
        .filter_map(|k| Some((k.key.clone(), k.livingid.clone()?, k.request.clone())))
        .collect();
    if targets.is_empty() {
        eprintln!("nothing to refresh: the ledger holds no live");
        return Ok(ExitCode::SUCCESS);
    }
    let state = session.state().clone();
    let (report, seconds) = session.with_remote(async |remote| {
        let report = read_back(
            &remote.client,
            &remote.gate,
            &remote.ledger,
            remote.concurrency,
            targets,
        )
        .await;
        let seconds = find_duplicates(&remote.lookup(), &state, &report.statuses).await;
        (report, seconds)
    })?;
    let seconds = seconds?;
    for line in report.lines.iter().chain(&seconds.lines) {
        eprintln!("{line}");
    }
    eprintln!(
        "refreshed {} lives: {} as recorded, {} drifted{}",
        report.same + report.drifted,
        report.same,
        report.drifted,
        if report.failed > 0 {
            format!(", {} could not be read", report.failed)
        } else {
            String::new()
        }
    );
    if seconds.found > 0 {
        eprintln!(
            "found {} second live(s) of held sessions; the next apply cancels them",
            seconds.found
        );
    }
    Ok(if report.failed + seconds.failed > 0 {
        ExitCode::PARTIAL_FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
