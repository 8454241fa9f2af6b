//! Reading lives back from WeCom (`refresh`): each read recorded in the ledger
//! as `refreshed`; lives that ran (or expired) at their time told apart from
//! what a person changed there (drift).

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;

use super::call::call;
use super::gate::Gate;
use super::recover::observed_body;
use crate::ledger::{Actual, Event, LedgerWriter, Record};
use crate::plan::changes::{self, Course};
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
            .with_actual(actual(&info))
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

/// When a live actually started and how long it ran, once it has started.
pub fn actual(info: &LivingInfo) -> Option<Actual> {
    matches!(info.status, status::LIVE | status::ENDED).then_some(Actual {
        living_start: info.living_start,
        living_duration: info.living_duration,
    })
}

/// What a read-back found.
#[derive(Debug, Default)]
pub struct ReadBack {
    /// Lives as the ledger recorded them, not started yet.
    pub same: usize,
    /// Lives that ran their normal course: started at their time (and maybe
    /// ended), or expired; with when they actually ran.
    pub courses: Vec<Coursed>,
    pub drifted: usize,
    /// Reads that failed (or whose task panicked).
    pub failed: usize,
    /// One line per drifted live, for the person.
    pub lines: Vec<String>,
    /// Each key's live as read: its status.
    pub statuses: HashMap<String, u8>,
}

/// A live that ran (or is running, or expired) at its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coursed {
    pub key: String,
    pub livingid: String,
    pub course: Course,
    pub actual: Option<Actual>,
}

impl ReadBack {
    fn note(&mut self, key: &str, id: &str, info: &LivingInfo, recorded: Option<&Value>) {
        let course = Course::of_status(info.status);
        let scheduled = if info.reserve_start != 0 {
            info.reserve_start
        } else {
            info.living_start
        };
        let off = course.is_some_and(|c| c != Course::Expired)
            && changes::off_schedule(info.living_start, scheduled);
        if let (Some(course), false) = (course, off) {
            self.courses.push(Coursed {
                key: key.to_string(),
                livingid: id.to_string(),
                course,
                actual: actual(info),
            });
            return;
        }
        let what = match info.status {
            status::CANCELLED => Some("cancelled in WeCom".to_string()),
            status::LIVE | status::ENDED => Some(format!(
                "started off schedule ({} min from its time)",
                (info.living_start - scheduled) / 60
            )),
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
