//! What WeCom holds for some anchors: one list walk per anchor, then the details
//! of each listed live that neither the ledger nor the cache of seen lives can
//! answer for. `apply` looks here before it creates; `refresh` for duplicates.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::call::call;
use super::gate::Gate;
use super::recover::scheduled;
use crate::ledger::{Body, BodyRef, Event, LedgerState, LedgerWriter, SeenLive, SeenLives};
use crate::plan::changes;
use crate::wecom::types::status;
use crate::wecom::{ApiError, Client, ErrorClass, LivingInfo};

/// What a lookup in WeCom works with: the connection, the ledger it records in,
/// and the cache of seen lives shared with the folder's other ledgers.
pub struct Lookup<'a> {
    pub client: &'a Client,
    pub gate: &'a Arc<Gate>,
    pub ledger: &'a LedgerWriter,
    pub seen: &'a Mutex<SeenLives>,
    /// This ledger as the cache names it (its path from the cache's folder).
    pub owner: &'a str,
    /// Calls in flight at once.
    pub concurrency: usize,
}

/// A listed live whose details were read.
#[derive(Debug, Clone)]
pub struct Listed {
    pub livingid: String,
    pub anchor: String,
    pub info: LivingInfo,
}

/// What the lookup found.
#[derive(Debug, Default)]
pub struct Survey {
    /// The lives that were read, anchor by anchor, in listing order.
    pub lives: Vec<Listed>,
    /// Anchors whose lives could not all be listed and read: nothing may be
    /// decided for their sessions.
    pub failed: BTreeMap<String, ApiError>,
    /// Livingids listed, and of those read.
    pub listed: usize,
    pub read: usize,
}

/// Lists each anchor's lives and reads those `read` asks for, at most
/// `look.concurrency` calls at once; every live read is noted in the cache.
pub async fn survey(
    look: &Lookup<'_>,
    anchors: &BTreeSet<String>,
    read: impl Fn(&str) -> bool,
) -> Survey {
    let slots = Arc::new(Semaphore::new(look.concurrency.max(1)));
    let mut survey = Survey::default();
    let listed = list_anchors(look, anchors, &slots, &mut survey).await;
    let mut order: Vec<(String, String)> = Vec::new();
    let mut reads = JoinSet::new();
    let mut once = HashSet::new();
    for (anchor, ids) in &listed {
        for id in ids {
            if !once.insert(id.clone()) {
                continue;
            }
            survey.listed += 1;
            if !read(id) {
                continue;
            }
            order.push((anchor.clone(), id.clone()));
            let (client, gate, slots) = (
                look.client.clone(),
                Arc::clone(look.gate),
                Arc::clone(&slots),
            );
            let (anchor, id) = (anchor.clone(), id.clone());
            reads.spawn(async move {
                let _slot = slots.acquire_owned().await;
                let info = call(&gate, &[ErrorClass::Ambiguous], || client.living_info(&id)).await;
                (anchor, id, info)
            });
        }
    }
    let mut infos: HashMap<String, LivingInfo> = HashMap::new();
    while let Some(done) = reads.join_next().await {
        match done {
            Ok((_, id, Ok(info))) => {
                survey.read += 1;
                infos.insert(id, info);
            }
            Ok((anchor, _, Err(err))) => {
                survey.failed.entry(anchor).or_insert(err);
            }
            Err(err) => tracing::error!("a read panicked: {err}"),
        }
    }
    let mut seen = look.seen.lock().expect("seen lock");
    for (anchor, id) in order {
        // A read that failed left its anchor failed already.
        let Some(info) = infos.remove(&id) else {
            continue;
        };
        seen.note(sighted(&id, &anchor, &info, None));
        survey.lives.push(Listed {
            livingid: id,
            anchor,
            info,
        });
    }
    drop(seen);
    survey
}

/// Every anchor's livingids, listed at once up to the lookup's concurrency; an
/// anchor whose list failed is in `survey.failed`.
async fn list_anchors(
    look: &Lookup<'_>,
    anchors: &BTreeSet<String>,
    slots: &Arc<Semaphore>,
    survey: &mut Survey,
) -> BTreeMap<String, Vec<String>> {
    let mut walks = JoinSet::new();
    for anchor in anchors {
        let (client, gate, slots) = (
            look.client.clone(),
            Arc::clone(look.gate),
            Arc::clone(slots),
        );
        let anchor = anchor.clone();
        walks.spawn(async move {
            let _slot = slots.acquire_owned().await;
            let ids = call(&gate, &[ErrorClass::Ambiguous], || {
                client.user_livingids(&anchor)
            })
            .await;
            (anchor, ids)
        });
    }
    let mut listed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    while let Some(done) = walks.join_next().await {
        match done {
            Ok((anchor, Ok(ids))) => {
                listed.insert(anchor, ids);
            }
            Ok((anchor, Err(err))) => {
                survey.failed.insert(anchor, err);
            }
            Err(err) => tracing::error!("a list walk panicked: {err}"),
        }
    }
    listed
}

/// A live as the cache keeps it.
pub fn sighted(livingid: &str, anchor: &str, info: &LivingInfo, ledger: Option<&str>) -> SeenLive {
    let (start, duration) = scheduled(info);
    SeenLive {
        corpid: String::new(),
        livingid: livingid.to_string(),
        ledger: ledger.map(str::to_string),
        status: info.status,
        anchor: if info.anchor_userid.is_empty() {
            anchor.to_string()
        } else {
            info.anchor_userid.clone()
        },
        theme: info.theme.clone(),
        start,
        duration,
        at: Timestamp::now(),
    }
}

/// Notes in the cache every live `state` holds or cancelled, as this ledger's:
/// what lets the folder's other ledgers pass over them without a call.
pub fn note_held(seen: &mut SeenLives, state: &LedgerState, owner: &str) {
    let now = Timestamp::now();
    for k in state.iter() {
        let Some(id) = k.livingid() else { continue };
        if k.last() == Event::Foreign {
            continue;
        }
        let status = if k.last() == Event::Cancelled {
            status::CANCELLED
        } else if changes::is_live(k) {
            k.status().unwrap_or(status::SCHEDULED)
        } else {
            continue;
        };
        let body = k
            .request()
            .map(BodyRef::value)
            .or_else(|| k.last_record().request.as_ref().map(Body::value));
        let text = |f: &str| {
            body.as_ref()
                .and_then(|b| b.get(f)?.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let number = |f: &str| {
            body.as_ref()
                .and_then(|b| b.get(f)?.as_i64())
                .unwrap_or_default()
        };
        seen.note(SeenLive {
            corpid: String::new(),
            livingid: id.to_string(),
            ledger: Some(owner.to_string()),
            status,
            anchor: text("anchor_userid"),
            theme: text("theme"),
            start: number("living_start"),
            duration: number("living_duration"),
            at: now,
        });
    }
}
