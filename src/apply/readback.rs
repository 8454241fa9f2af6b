//! Reading lives back from WeCom (`refresh`): each read recorded in the ledger
//! as `refreshed`, and what a person changed there counted as drift.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;

use super::call::call;
use super::gate::Gate;
use super::recover::observed_body;
use crate::ledger::{Event, LedgerWriter, Record};
use crate::plan::changes;
use crate::wecom::types::status;
use crate::wecom::{Client, ErrorClass, LivingInfo};

/// A live to read back: its key, livingid and the body the ledger recorded.
pub type Target = (String, String, Option<Value>);

/// Reads every target, records what was seen, and counts; a read that failed
/// or whose task panicked counts as failed.
pub async fn read_back(
    client: &Client,
    gate: &Arc<Gate>,
    ledger: &LedgerWriter,
    concurrency: usize,
    targets: Vec<Target>,
) -> ReadBack {
    let mut reads = tokio::task::JoinSet::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    for (key, id, recorded) in targets {
        let (gate, client, slots) = (Arc::clone(gate), client.clone(), Arc::clone(&slots));
        reads.spawn(async move {
            let _slot = slots.acquire_owned().await;
            let info = call(&gate, &[ErrorClass::Ambiguous], || client.living_info(&id)).await;
            (key, id, recorded, info)
        });
    }
    let mut report = ReadBack::default();
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
        if let Err(err) = ledger.append(record).await {
            eprintln!("error: {err}");
            report.failed += 1;
            continue;
        }
        report.statuses.insert(key.clone(), info.status);
        report.note(&key, &id, &info, recorded.as_ref());
    }
    report
}

/// What a read-back found.
#[derive(Debug, Default)]
pub struct ReadBack {
    /// Lives as the ledger recorded them.
    pub same: usize,
    pub drifted: usize,
    /// Reads that failed (or whose task panicked).
    pub failed: usize,
    /// One line per drifted live, for the person.
    pub lines: Vec<String>,
    /// Each key's live as read: its status.
    pub statuses: HashMap<String, u8>,
}

impl ReadBack {
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
