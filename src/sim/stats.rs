//! Counters the simulator keeps, and the JSON served at `GET /__sim/stats`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A snapshot of what the simulator has seen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimStats {
    /// Calls per API path (`gettoken`, `living/create` …), rejected ones included.
    pub calls: BTreeMap<String, u64>,
    /// Successful replies per API path (a reply cut after the work is done included).
    #[serde(default)]
    pub ok: BTreeMap<String, u64>,
    /// Error replies per errcode, injected faults included.
    pub rejections: BTreeMap<i64, u64>,
    pub http_502: u64,
    pub drops_after_commit: u64,
    pub slow_replies: u64,
    pub tokens_issued: u64,
    pub tokens_revoked: u64,
    /// Extra lives beyond the first among non-cancelled lives sharing anchor, theme and start.
    pub duplicates: u64,
    /// Most calls (all APIs) seen within any one second / sixty seconds of the simulator clock.
    pub peak_calls_per_second: u64,
    pub peak_calls_per_minute: u64,
    pub in_flight: u64,
    pub peak_in_flight: u64,
    pub lives_total: u64,
    pub lives_scheduled: u64,
    pub lives_cancelled: u64,
}

impl SimStats {
    /// Calls to one API path, 0 if never called.
    pub fn calls_to(&self, path: &str) -> u64 {
        self.calls.get(path).copied().unwrap_or(0)
    }

    /// Successful replies of one API path, 0 if none.
    pub fn ok_from(&self, path: &str) -> u64 {
        self.ok.get(path).copied().unwrap_or(0)
    }

    /// Error replies with one errcode.
    pub fn rejected(&self, errcode: i64) -> u64 {
        self.rejections.get(&errcode).copied().unwrap_or(0)
    }
}
