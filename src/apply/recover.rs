//! Exactly once: before a session is created again after a lost reply or a
//! crashed run, its anchor's lives are looked up and a matching one is adopted.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use super::call::call;
use super::gate::Gate;
use crate::ledger::LedgerState;
use crate::wecom::types::status;
use crate::wecom::{ApiError, Client, CreateLiving, ErrorClass, LivingInfo};

pub struct Recovery {
    /// livingids some session already owns: never adopted for another.
    claimed: Mutex<HashSet<String>>,
    /// Lives read back this run; a live's theme and time do not change under us.
    infos: Mutex<HashMap<String, LivingInfo>>,
}

impl Recovery {
    pub fn new(ledger: &LedgerState) -> Recovery {
        Recovery {
            claimed: Mutex::new(ledger.iter().filter_map(|k| k.livingid.clone()).collect()),
            infos: Mutex::new(HashMap::new()),
        }
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
        let safe = [ErrorClass::Ambiguous];
        let ids = call(gate, &safe, || {
            client.user_livingids(&request.anchor_userid)
        })
        .await?;
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
            if matches(&info, request) {
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
fn matches(info: &LivingInfo, request: &CreateLiving) -> bool {
    let start = if info.reserve_start != 0 {
        info.reserve_start
    } else {
        info.living_start
    };
    let duration = if info.reserve_living_duration != 0 {
        info.reserve_living_duration
    } else {
        info.living_duration
    };
    info.status == status::SCHEDULED
        && info.theme == request.theme
        && start == request.living_start
        && duration == request.living_duration
        && (info.anchor_userid.is_empty() || info.anchor_userid == request.anchor_userid)
}
