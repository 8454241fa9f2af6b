//! Everything the simulator remembers: lives, media, tokens, counters, the fault RNG.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::api::Api;
use super::config::{Course, Faults};
use super::course::Timing;
use super::quota::Window;
use super::rng::SplitMix64;
use super::stats::SimStats;
use crate::wecom::types::{CreateLiving, LivingStatus, status};

/// A live as the simulator stores it: the body it was created from, and what WeCom adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimLive {
    pub livingid: String,
    /// The `living/create` body as accepted (images cut to five), with later modifies applied.
    pub request: CreateLiving,
    /// 0 (scheduled) or 4 (cancelled) as stored; 1, 2 and 3 follow from the clock.
    pub status: LivingStatus,
    /// Unix seconds, simulator clock.
    pub created_at: i64,
}

impl SimLive {
    /// The status WeCom would report at `now` (unix seconds), as `course` runs it.
    pub fn status_at(&self, now: i64, course: &Course) -> LivingStatus {
        if self.status != status::SCHEDULED {
            return self.status;
        }
        Timing::of(self, course).status_at(now)
    }
}

pub(crate) struct TokenInfo {
    /// Unix seconds, simulator clock.
    pub expires_at: i64,
    pub calls: u32,
}

pub(crate) struct World {
    pub lives: Vec<SimLive>,
    pub index: HashMap<String, usize>,
    pub next_id: u64,
    /// media_id → created_at (unix seconds).
    pub media: HashMap<String, i64>,
    pub tokens: HashMap<String, TokenInfo>,
    pub issued: Vec<String>,
    pub creates_by_day: HashMap<i64, u32>,
    pub rng: SplitMix64,
    pub faults: Faults,
    /// Business calls that reached the work: the ordinal that draws their faults.
    pub business_calls: u64,
    /// Business calls that arrived, held ones included: the ordinal a test's hold counts.
    pub business_arrivals: u64,
    /// Calls that changed something: the ordinal that draws their after-commit faults.
    pub mutations: u64,
    /// `business_calls` when the faults were last set: a quota burst counts from there.
    pub faults_since: u64,
    pub per_api: HashMap<Api, Window>,
    pub last_second: Window,
    pub last_minute: Window,
    pub stats: SimStats,
    /// Lives changed since the state file was last written.
    pub dirty: bool,
}

impl World {
    pub fn new(faults: Faults) -> Self {
        Self {
            lives: Vec::new(),
            index: HashMap::new(),
            next_id: 1,
            media: HashMap::new(),
            tokens: HashMap::new(),
            issued: Vec::new(),
            creates_by_day: HashMap::new(),
            rng: SplitMix64::new(faults.seed),
            faults,
            business_calls: 0,
            business_arrivals: 0,
            mutations: 0,
            faults_since: 0,
            per_api: HashMap::new(),
            last_second: Window::new(1_000),
            last_minute: Window::new(60_000),
            stats: SimStats::default(),
            dirty: false,
        }
    }

    pub fn set_faults(&mut self, faults: Faults) {
        self.rng = SplitMix64::new(faults.seed);
        self.faults = faults;
        self.faults_since = self.business_calls;
    }

    pub fn live_mut(&mut self, livingid: &str) -> Option<&mut SimLive> {
        let at = *self.index.get(livingid)?;
        self.lives.get_mut(at)
    }

    pub fn live(&self, livingid: &str) -> Option<&SimLive> {
        self.lives.get(*self.index.get(livingid)?)
    }

    pub fn insert(&mut self, live: SimLive) {
        self.index.insert(live.livingid.clone(), self.lives.len());
        self.lives.push(live);
        self.dirty = true;
    }

    /// A fresh id in WeCom's style; the counter keeps ids unique across saved runs.
    pub fn new_livingid(&mut self) -> String {
        let id = format!(
            "lv{:06}{:012x}",
            self.next_id,
            self.rng.next_u64() & 0xFFFF_FFFF_FFFF
        );
        self.next_id += 1;
        id
    }

    pub fn hint(&mut self, now: i64) -> String {
        format!(
            "{now}_{}_{:08x}",
            self.business_calls,
            self.rng.next_u64() as u32
        )
    }

    pub fn reject(&mut self, errcode: i64) {
        *self.stats.rejections.entry(errcode).or_default() += 1;
    }

    pub fn snapshot(&self, now: i64, in_flight: u64, course: &Course) -> SimStats {
        let mut stats = self.stats.clone();
        stats.in_flight = in_flight;
        stats.lives_total = self.lives.len() as u64;
        stats.lives_cancelled = self
            .lives
            .iter()
            .filter(|l| l.status == status::CANCELLED)
            .count() as u64;
        stats.lives_scheduled = self
            .lives
            .iter()
            .filter(|l| l.status_at(now, course) == status::SCHEDULED)
            .count() as u64;
        let mut groups: BTreeMap<(&str, &str, i64), u64> = BTreeMap::new();
        for live in self.lives.iter().filter(|l| l.status != status::CANCELLED) {
            let r = &live.request;
            *groups
                .entry((&r.anchor_userid, &r.theme, r.living_start))
                .or_default() += 1;
        }
        stats.duplicates = groups.values().map(|n| n - 1).sum();
        stats
    }

    /// Lives with their status as of `now`.
    pub fn lives_at(&self, now: i64, course: &Course) -> Vec<SimLive> {
        self.lives
            .iter()
            .map(|l| SimLive {
                status: l.status_at(now, course),
                ..l.clone()
            })
            .collect()
    }
}
