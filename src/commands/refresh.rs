//! `livesched refresh`: read every live the ledger holds back from WeCom and
//! record what a person changed there (drift), so that `plan` can show it.

use crate::apply::{Target, read_back};
use crate::config::RemoteJob;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::Body;
use crate::plan::changes;
use crate::remote::Session;

pub fn run(job: &RemoteJob) -> Result<ExitCode, Error> {
    let session = Session::open(job)?;
    let targets: Vec<Target> = session
        .state()
        .iter()
        .filter(|k| changes::is_live(k))
        .filter_map(|k| {
            let livingid = k.livingid()?.to_string();
            Some((k.key().to_string(), livingid, k.request().map(Body::value)))
        })
        .collect();
    if targets.is_empty() {
        eprintln!("nothing to refresh: the ledger holds no live");
        return Ok(ExitCode::SUCCESS);
    }
    let report = session.with_remote(async |remote| {
        read_back(
            &remote.client,
            &remote.gate,
            &remote.ledger,
            remote.concurrency,
            targets,
        )
        .await
    })?;
    for line in &report.lines {
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
    Ok(if report.failed > 0 {
        ExitCode::PARTIAL_FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
