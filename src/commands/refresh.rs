//! `livesched refresh`: read every live the ledger holds back from WeCom and
//! record what a person changed there (drift), so that `plan` can show it.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::remote;
use crate::apply::{Gate, call, observed_body};
use crate::config::RemoteJob;
use crate::exit_codes::ExitCode;
use crate::ledger::{Event, LedgerWriter, Record};
use crate::plan::changes;
use crate::wecom::types::status;
use crate::wecom::{ErrorClass, LivingInfo};

pub fn run(job: &RemoteJob) -> ExitCode {
    try_run(job).unwrap_or_else(|code| code)
}

/// `Err` carries the exit code of a step that could not go on.
fn try_run(job: &RemoteJob) -> Result<ExitCode, ExitCode> {
    let places = remote::places(&job.file, job.ledger.as_deref(), job.sandbox);
    let ledger = remote::open_ledger(&places)?;
    let targets: Vec<(String, String, Option<serde_json::Value>)> = ledger
        .state()
        .iter()
        .filter(|k| changes::is_live(k))
        .filter_map(|k| Some((k.key.clone(), k.livingid.clone()?, k.request.clone())))
        .collect();
    if targets.is_empty() {
        eprintln!("nothing to refresh: the ledger holds no live");
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = remote::runtime()?;
    let result = runtime.block_on(async {
        let remote = remote::Remote::connect(job, &places).await?;
        let gate = Arc::new(Gate::new(
            job.rate,
            job.concurrency,
            Duration::from_secs(60),
        ));
        let writer = LedgerWriter::spawn(ledger);
        let mut reads = tokio::task::JoinSet::new();
        let slots = Arc::new(tokio::sync::Semaphore::new(job.concurrency as usize * 2));
        for (key, id, recorded) in targets {
            let (gate, client, slots) =
                (Arc::clone(&gate), remote.client.clone(), Arc::clone(&slots));
            reads.spawn(async move {
                let _slot = slots.acquire_owned().await;
                let info = call(&gate, &[ErrorClass::Ambiguous], || client.living_info(&id)).await;
                (key, id, recorded, info)
            });
        }
        let mut report = Report::default();
        while let Some(done) = reads.join_next().await {
            let Ok((key, id, recorded, info)) = done else {
                continue;
            };
            match info {
                Ok(info) => {
                    let record = Record::new(&key, Event::Refreshed, Timestamp::now())
                        .with_livingid(&id)
                        .with_status(info.status)
                        .with_request(observed_body(&info));
                    if let Err(err) = writer.append(record).await {
                        eprintln!("error: {err}");
                        report.failed += 1;
                        continue;
                    }
                    report.note(&key, &id, &info, recorded.as_ref());
                }
                Err(err) => {
                    eprintln!("failed to read `{key}` ({id}) back: {err}");
                    report.failed += 1;
                }
            }
        }
        remote::close_ledger(writer).await;
        remote.close().await;
        Ok::<_, ExitCode>(report)
    });
    let report = result?;
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
    if report.failed > 0 {
        Ok(ExitCode::PARTIAL_FAILURE)
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

#[derive(Default)]
struct Report {
    same: usize,
    drifted: usize,
    failed: usize,
    lines: Vec<String>,
}

impl Report {
    fn note(
        &mut self,
        key: &str,
        id: &str,
        info: &LivingInfo,
        recorded: Option<&serde_json::Value>,
    ) {
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
