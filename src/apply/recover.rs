//! Exactly once: before a session is created again after a lost reply or a
//! crashed run, its anchor's lives are looked up and a matching one is adopted.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use super::call::call;
use super::gate::Gate;
use crate::ledger::LedgerState;
use crate::wecom::types::status;
use crate::wecom::{ApiError, Client, CreateLiving, ErrorClass, LivingInfo};

/// How closely a live must match a session to be taken for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// After a lost reply or a crash: theme, scheduled start and duration, listed afresh.
    Exact,
    /// `import` of lives made by hand: anchor, theme and start; a different
    /// duration is then modified by the next apply. Each anchor is listed once.
    Loose,
}

pub struct Recovery {
    /// livingids some session already owns: never adopted for another.
    claimed: Mutex<HashSet<String>>,
    /// Lives read back this run; a live's theme and time do not change under us.
    infos: Mutex<HashMap<String, LivingInfo>>,
    /// Each anchor's lives, for `Match::Loose`.
    lists: Mutex<HashMap<String, Vec<String>>>,
}

impl Recovery {
    pub fn new(ledger: &LedgerState) -> Recovery {
        Recovery {
            claimed: Mutex::new(
                ledger
                    .iter()
                    .filter_map(|k| k.livingid().map(str::to_string))
                    .collect(),
            ),
            infos: Mutex::new(HashMap::new()),
            lists: Mutex::new(HashMap::new()),
        }
    }

    /// A live read back during this run.
    pub fn info(&self, livingid: &str) -> Option<LivingInfo> {
        self.infos
            .lock()
            .expect("recovery lock")
            .get(livingid)
            .cloned()
    }

    pub fn claim(&self, livingid: &str) {
        self.claimed
            .lock()
            .expect("recovery lock")
            .insert(livingid.to_string());
    }

    /// A scheduled live of the request's anchor with its theme, start and duration
    /// that no session owns yet; claimed for the caller when found.
    pub async fn find(
        &self,
        client: &Client,
        gate: &Gate,
        request: &CreateLiving,
    ) -> Result<Option<String>, ApiError> {
        self.find_with(client, gate, request, Match::Exact).await
    }

    pub async fn find_with(
        &self,
        client: &Client,
        gate: &Gate,
        request: &CreateLiving,
        how: Match,
    ) -> Result<Option<String>, ApiError> {
        let safe = [ErrorClass::Ambiguous];
        let anchor = &request.anchor_userid;
        let listed = match how {
            Match::Loose => self
                .lists
                .lock()
                .expect("recovery lock")
                .get(anchor)
                .cloned(),
            Match::Exact => None,
        };
        let ids = match listed {
            Some(ids) => ids,
            None => {
                let ids = call(gate, &safe, || client.user_livingids(anchor)).await?;
                self.lists
                    .lock()
                    .expect("recovery lock")
                    .insert(anchor.clone(), ids.clone());
                ids
            }
        };
        for id in ids {
            if self.claimed.lock().expect("recovery lock").contains(&id) {
                continue;
            }
            let cached = self.infos.lock().expect("recovery lock").get(&id).cloned();
            let info = match cached {
                Some(info) => info,
                None => {
                    let info = call(gate, &safe, || client.living_info(&id)).await?;
                    self.infos
                        .lock()
                        .expect("recovery lock")
                        .insert(id.clone(), info.clone());
                    info
                }
            };
            if matches(&info, request, how) {
                let mut claimed = self.claimed.lock().expect("recovery lock");
                if claimed.insert(id.clone()) {
                    return Ok(Some(id));
                }
            }
        }
        Ok(None)
    }
}

/// The live is the one this request would make: still scheduled, same theme,
/// scheduled start and duration (and anchor, when WeCom says).
fn matches(info: &LivingInfo, request: &CreateLiving, how: Match) -> bool {
    let (start, duration) = scheduled(info);
    let anchor = info.anchor_userid.is_empty() || info.anchor_userid == request.anchor_userid;
    info.status == status::SCHEDULED
        && info.theme == request.theme
        && start == request.living_start
        && anchor
        && (how == Match::Loose || duration == request.living_duration)
}

/// A live as WeCom describes it, in the shape of a create body (the fields a
/// refresh can see), to compare with what the ledger recorded.
pub fn observed_body(info: &LivingInfo) -> serde_json::Value {
    let (start, duration) = scheduled(info);
    let mut body = serde_json::json!({
        "anchor_userid": info.anchor_userid,
        "theme": info.theme,
        "living_start": start,
        "living_duration": duration,
        "type": info.living_type,
    });
    if info.anchor_userid.is_empty() {
        body.as_object_mut().map(|o| o.remove("anchor_userid"));
    }
    // WeCom answers "" for no description; the plan leaves the field out.
    if !info.description.is_empty() {
        body["description"] = info.description.clone().into();
    }
    if let Some(remind) = info.remind_time {
        body["remind_time"] = remind.into();
    }
    body
}

/// What an adopted live is, as a create body: the plan's anchor and pictures, and
/// WeCom's theme, start, length, type, description and reminder. An activity
/// live's description is the activity's, which the plan keeps in `activity_detail`;
/// a reminder WeCom does not report is taken as planned, not as absent.
pub fn seen_state(planned: &serde_json::Value, info: &LivingInfo) -> serde_json::Value {
    let mut seen = observed_body(info);
    if let Some(o) = seen.as_object_mut() {
        if planned.get("activity_detail").is_some() && planned.get("description").is_none() {
            o.remove("description");
        }
        if info.remind_time.is_none()
            && let Some(remind) = planned.get("remind_time")
        {
            o.insert("remind_time".into(), remind.clone());
        }
    }
    crate::plan::changes::with_modifiable(planned.clone(), &seen)
}

/// The start and length the live was scheduled with: `reserve_*` once it has
/// started (then `living_*` are the actual ones), else `living_*`.
pub(super) fn scheduled(info: &LivingInfo) -> (i64, i64) {
    let pick = |reserved: i64, actual: i64| if reserved != 0 { reserved } else { actual };
    (
        pick(info.reserve_start, info.living_start),
        pick(info.reserve_living_duration, info.living_duration),
    )
}
