//! `livesched refresh`: read every live the ledger holds back from WeCom and
//! record what a person changed there (drift), so that `plan` can show it.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;

use crate::apply::{call, observed_body};
use crate::config::RemoteJob;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::{Event, Record};
use crate::plan::changes;
use crate::remote::{Connected, Session};
use crate::wecom::types::status;
use crate::wecom::{ErrorClass, LivingInfo};

/// A live to read back: its key, livingid and the body the ledger recorded.
type Target = (String, String, Option<Value>);

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
    let report = session.with_remote(async |remote| read_back(remote, targets).await)?;
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

/// Reads every target, records what was seen, and counts; a read that failed
/// or whose task panicked counts as failed.
async fn read_back(remote: &Connected, targets: Vec<Target>) -> Report {
    let mut reads = tokio::task::JoinSet::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(remote.concurrency));
    for (key, id, recorded) in targets {
        let (gate, client, slots) = (
            Arc::clone(&remote.gate),
            remote.client.clone(),
            Arc::clone(&slots),
        );
        reads.spawn(async move {
            let _slot = slots.acquire_owned().await;
            let info = call(&gate, &[ErrorClass::Ambiguous], || client.living_info(&id)).await;
            (key, id, recorded, info)
        });
    }
    let mut report = Report::default();
    while let Some(done) = reads.join_next().await {
        let (key, id, recorded, info) = match done {
            Ok(read) => read,
            Err(err) => {
                eprintln!("failed to read a live back: {err}");
                report.failed += 1;
                continue;
            }
        };
        let info = match info {
            Ok(info) => info,
            Err(err) => {
                eprintln!("failed to read `{key}` ({id}) back: {err}");
                report.failed += 1;
                continue;
            }
        };
        let record = Record::new(&key, Event::Refreshed, Timestamp::now())
            .with_livingid(&id)
            .with_status(info.status)
            .with_request(observed_body(&info));
        if let Err(err) = remote.ledger.append(record).await {
            eprintln!("error: {err}");
            report.failed += 1;
            continue;
        }
        report.note(&key, &id, &info, recorded.as_ref());
    }
    report
}

#[derive(Default)]
struct Report {
    same: usize,
    drifted: usize,
    failed: usize,
    lines: Vec<String>,
}

impl Report {
    fn note(&mut self, key: &str, id: &str, info: &LivingInfo, recorded: Option<&Value>) {
        let what = match info.status {
            status::CANCELLED => Some("cancelled in WeCom".to_string()),
            status::LIVE => Some("live now".to_string()),
            status::ENDED => Some("ended".to_string()),
            status::EXPIRED => Some("expired".to_string()),
            _ => {
                let seen = observed_body(info);
                let differs: Vec<&str> = recorded
                    .map(|r| {
                        changes::MODIFIABLE
                            .iter()
                            .chain(&["anchor_userid"])
                            .filter(|f| seen.get(**f).is_some() && seen.get(**f) != r.get(**f))
                            .copied()
                            .collect()
                    })
                    .unwrap_or_default();
                (!differs.is_empty()).then(|| format!("modified in WeCom ({})", differs.join(", ")))
            }
        };
        match what {
            Some(what) => {
                self.drifted += 1;
                self.lines.push(format!("  ! `{key}` ({id}): {what}"));
            }
            None => self.same += 1,
        }
    }
}
