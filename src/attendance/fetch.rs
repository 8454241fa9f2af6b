//! Reading lives from WeCom: which sessions are due, and their details and every
//! page of their watch statistics, each call through the gate `apply` uses (rate,
//! concurrency, the 45009 pause, retries). Each live is stored the moment it is
//! read, so Ctrl-C keeps what was read; no live is read twice in a run.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};

use super::store::{Reading, Store, StoreError};
use crate::apply::{Gate, Progress, actual, call, observed_body};
use crate::ledger::{Event, LedgerState, LedgerWriter, Record};
use crate::plan::Plan;
use crate::plan::changes::{self, recorded_start};
use crate::wecom::types::{WatchStatInfo, status};
use crate::wecom::{ApiError, Client, ErrorClass, LivingInfo};

/// A live to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub key: String,
    pub livingid: String,
}

/// The sessions to read at `now`: each planned session whose scheduled end has
/// passed and whose live the ledger holds, unless a final reading of that live is
/// kept. Replays add watch time for days after a live, so one that ended is read
/// again until a reading taken at least `reread` after its end is kept. Sorted by key.
pub fn due(
    plan: &Plan,
    ledger: &LedgerState,
    readings: &BTreeMap<String, Reading>,
    now: Timestamp,
    reread: SignedDuration,
) -> Vec<Target> {
    let now = now.as_second();
    let mut targets: Vec<Target> = plan
        .lives
        .iter()
        .filter_map(|l| {
            let key = l.key.to_string();
            let k = ledger.get(&key).filter(|k| changes::is_live(k))?;
            let livingid = k.livingid()?.to_string();
            // What WeCom was asked for, when the ledger recorded it; else the plan.
            let start = Some(recorded_start(k))
                .filter(|s| *s != i64::MAX)
                .unwrap_or(l.start.timestamp().as_second());
            let length = k
                .request()
                .and_then(|r| r.value().get("living_duration")?.as_i64())
                .unwrap_or(l.duration());
            if start + length > now {
                return None;
            }
            let fresh = match readings.get(&key).filter(|r| r.livingid == livingid) {
                None => false,
                Some(r) if !r.is_final() => false,
                Some(r) => r
                    .ended_at()
                    .is_none_or(|end| r.at.as_second() - end >= reread.as_secs()),
            };
            (!fresh).then_some(Target { key, livingid })
        })
        .collect();
    targets.sort_by(|a, b| a.key.cmp(&b.key));
    targets
}

/// What a run read.
#[derive(Debug, Default)]
pub struct Fetched {
    /// Lives read and stored.
    pub read: usize,
    /// Pages of watch statistics read.
    pub pages: usize,
    /// One line per live that could not be read; it is tried again next run.
    pub failed: Vec<String>,
    /// Stopped by Ctrl-C (or SIGTERM): what was read before is kept.
    pub interrupted: bool,
}

impl Fetched {
    /// What to tell the person: the lives that could not be read, then the count.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = self.failed.clone();
        if self.interrupted {
            lines.push(format!(
                "interrupted: {} lives read and kept; run again to read the rest",
                self.read
            ));
        } else if self.read + self.failed.len() > 0 {
            let unread = match self.failed.len() {
                0 => String::new(),
                n => format!("; {n} could not be read and are tried again next run"),
            };
            lines.push(format!(
                "read {} lives ({} pages of watch statistics){unread}",
                self.read, self.pages
            ));
        }
        lines
    }
}

/// Where and how to read.
pub struct Reader<'a> {
    pub client: &'a Client,
    pub gate: &'a Arc<Gate>,
    /// Lives read at once.
    pub concurrency: usize,
    /// Each read is recorded there too, as `refresh` records it, so that `status`
    /// and the calendar page know what became of the live.
    pub ledger: &'a LedgerWriter,
    pub now: Timestamp,
}

impl Reader<'_> {
    /// Reads every target once and stores each as soon as it is complete.
    pub async fn fetch(
        &self,
        store: &Mutex<Store>,
        targets: Vec<Target>,
    ) -> Result<Fetched, StoreError> {
        let signals = Signals::listen();
        let progress = Progress::labelled(targets.len() as u64, "attendance");
        let plain = progress.spawn_plain_lines();
        let mut reads = tokio::task::JoinSet::new();
        let slots = Arc::new(tokio::sync::Semaphore::new(self.concurrency.max(1)));
        for target in targets {
            let (gate, client, slots) = (
                Arc::clone(self.gate),
                self.client.clone(),
                Arc::clone(&slots),
            );
            reads.spawn(async move {
                let _slot = slots.acquire_owned().await;
                let read = read_one(&client, &gate, &target.livingid).await;
                (target, read)
            });
        }
        let mut fetched = Fetched::default();
        let collect = async {
            while let Some(done) = reads.join_next().await {
                let Ok((target, read)) = done else {
                    fetched
                        .failed
                        .push("a read stopped unexpectedly".to_string());
                    progress.inc(fetched.failed.len());
                    continue;
                };
                match read {
                    Ok((info, seen, pages)) => {
                        let reading = reading(&target, &info, seen, self.now);
                        store.lock().expect("store lock").append(reading)?;
                        let record = Record::new(&target.key, Event::Refreshed, Timestamp::now())
                            .with_livingid(&target.livingid)
                            .with_status(info.status)
                            .with_actual(actual(&info))
                            .with_request(observed_body(&info));
                        if let Err(err) = self.ledger.append(record).await {
                            tracing::warn!("the ledger did not record the read: {err}");
                        }
                        fetched.read += 1;
                        fetched.pages += pages;
                    }
                    Err(err) => fetched.failed.push(format!(
                        "failed to read `{}` ({}): {err}",
                        target.key, target.livingid
                    )),
                }
                progress.inc(fetched.failed.len());
            }
            Ok::<(), StoreError>(())
        };
        let (outcome, interrupted) = match signals {
            Some(mut signals) => tokio::select! {
                outcome = collect => (outcome, false),
                () = signals.next() => (Ok(()), true),
            },
            None => (collect.await, false),
        };
        if interrupted {
            // No call leaves after Ctrl-C; the reads out are dropped, and read again next run.
            self.client.stop_sending();
        }
        fetched.interrupted = interrupted;
        reads.shutdown().await;
        if let Some(p) = plain {
            p.abort();
        }
        progress.finish();
        outcome.map(|()| fetched)
    }
}

/// A live's details, and once it has ended everyone who watched it, following
/// `next_key` until `ending` is 1; with the number of pages read.
async fn read_one(
    client: &Client,
    gate: &Gate,
    livingid: &str,
) -> Result<(LivingInfo, WatchStatInfo, usize), ApiError> {
    // A read changes nothing: one whose reply was lost is safe to repeat.
    let again = [ErrorClass::Ambiguous];
    let info = call(gate, &again, || client.living_info(livingid)).await?;
    let mut seen = WatchStatInfo::default();
    if info.status != status::ENDED {
        return Ok((info, seen, 0));
    }
    let mut next_key = String::new();
    let mut keys = HashSet::new();
    let mut pages = 0;
    loop {
        let page = call(gate, &again, || client.watch_stat_page(livingid, &next_key)).await?;
        pages += 1;
        seen.users.extend(page.stat_info.users);
        seen.external_users.extend(page.stat_info.external_users);
        if page.ending == 1 {
            return Ok((info, seen, pages));
        }
        // Only `ending` ends the pages; a key that does not move on would loop forever.
        if page.next_key.is_empty() || !keys.insert(page.next_key.clone()) {
            return Err(ApiError::Protocol {
                api: "living/get_watch_stat",
                reason: format!(
                    "`ending` is 0 but `next_key` `{}` does not lead on",
                    page.next_key
                ),
            });
        }
        next_key = page.next_key;
    }
}

fn reading(target: &Target, info: &LivingInfo, seen: WatchStatInfo, now: Timestamp) -> Reading {
    let pick = |reserved: i64, actual: i64| if reserved != 0 { reserved } else { actual };
    Reading {
        key: target.key.clone(),
        livingid: target.livingid.clone(),
        at: now,
        status: info.status,
        living_start: info.living_start,
        living_duration: info.living_duration,
        reserve_start: pick(info.reserve_start, info.living_start),
        reserve_living_duration: pick(info.reserve_living_duration, info.living_duration),
        users: seen.users,
        external_users: seen.external_users,
    }
}

/// Ctrl-C (SIGINT) and SIGTERM, registered before the first call, so that a
/// signal while reads are out is always seen.
struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn listen() -> Option<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Some(Signals {
            int: signal(SignalKind::interrupt()).ok()?,
            term: signal(SignalKind::terminate()).ok()?,
        })
    }

    #[cfg(not(unix))]
    fn listen() -> Option<Signals> {
        Some(Signals {})
    }

    async fn next(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.int.recv() => {}
            _ = self.term.recv() => {}
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
