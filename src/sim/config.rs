//! What the simulator accepts, how strict its quotas are, and which faults it injects.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;

use super::error::InvalidSimConfig;
use crate::wecom::limits;

/// Settings of one simulator run.
#[derive(Clone)]
pub struct SimConfig {
    /// Where to listen; port 0 picks a free one.
    pub listen: SocketAddr,
    pub corpid: String,
    pub secret: String,
    /// Userids that exist; `None` accepts any.
    pub users: Option<Vec<String>>,
    /// Lifetime of an access token, on the simulator clock.
    pub token_ttl: Duration,
    /// The simulator clock starts here and advances with real time; `None` is the real time.
    pub now: Option<Timestamp>,
    /// Simulated seconds per real second.
    pub clock_rate: f64,
    /// Calls per API per minute before 45009.
    pub per_minute_limit: u32,
    /// Lives created per day (UTC+8) before 45009.
    pub creates_per_day: u32,
    /// Calls in flight at once before 45033.
    pub max_concurrent: Option<u32>,
    pub faults: Faults,
    /// How lives run once their time comes, and who watches them.
    pub course: Course,
    /// Lives are loaded from and saved to this JSON file.
    pub state_file: Option<PathBuf>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            corpid: "sim-corp".to_owned(),
            secret: "sim-secret".to_owned(),
            users: None,
            token_ttl: Duration::from_secs(7200),
            now: None,
            clock_rate: 1.0,
            per_minute_limit: limits::CALLS_PER_MINUTE,
            creates_per_day: limits::CREATES_PER_DAY,
            max_concurrent: None,
            faults: Faults::default(),
            course: Course::default(),
            state_file: None,
        }
    }
}

impl SimConfig {
    /// Rejects limits of zero, empty credentials and probabilities outside `[0, 1]`.
    pub fn validate(&self) -> Result<(), InvalidSimConfig> {
        for (what, value) in [
            ("per-minute limit", Some(self.per_minute_limit)),
            ("daily create limit", Some(self.creates_per_day)),
            ("concurrency cap", self.max_concurrent),
        ] {
            if value == Some(0) {
                return Err(InvalidSimConfig::Zero { what });
            }
        }
        if self.token_ttl < Duration::from_secs(1) {
            return Err(InvalidSimConfig::Zero {
                what: "token lifetime in seconds",
            });
        }
        if !(self.clock_rate > 0.0 && self.clock_rate.is_finite()) {
            return Err(InvalidSimConfig::ClockRate {
                rate: self.clock_rate,
            });
        }
        if self.users.iter().flatten().any(|u| u.trim().is_empty()) {
            return Err(InvalidSimConfig::EmptyUser);
        }
        if self.corpid.is_empty() || self.secret.is_empty() {
            return Err(InvalidSimConfig::EmptyCredentials);
        }
        let f = &self.faults;
        for (fault, value) in [
            ("http 502", f.p_http_502),
            ("busy", f.p_errcode_busy),
            ("drop after commit", f.p_drop_after_commit),
            ("slow reply", f.p_slow_reply),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(InvalidSimConfig::Probability { fault, value });
            }
        }
        let c = &self.course;
        for (fault, value) in [
            ("expired", c.p_expire),
            ("late", c.p_late),
            ("short", c.p_short),
            ("expired, late or short", c.p_expire + c.p_late + c.p_short),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(InvalidSimConfig::Probability { fault, value });
            }
        }
        if c.watch_page == 0 {
            return Err(InvalidSimConfig::Zero {
                what: "watch statistics page size",
            });
        }
        Ok(())
    }

    /// The members viewers are drawn from: `users`, or the simulator's own directory.
    pub fn directory(&self) -> Vec<String> {
        match &self.users {
            Some(users) => users.clone(),
            None => super::course::DEFAULT_DIRECTORY
                .iter()
                .map(|u| u.to_string())
                .collect(),
        }
    }
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("listen", &self.listen)
            .field("corpid", &self.corpid)
            .field("secret", &"[redacted]")
            .field("users", &self.users)
            .field("token_ttl", &self.token_ttl)
            .field("now", &self.now)
            .field("clock_rate", &self.clock_rate)
            .field("per_minute_limit", &self.per_minute_limit)
            .field("creates_per_day", &self.creates_per_day)
            .field("max_concurrent", &self.max_concurrent)
            .field("faults", &self.faults)
            .field("course", &self.course)
            .field("state_file", &self.state_file)
            .finish()
    }
}

/// Faults injected into calls, drawn from a seeded RNG.
///
/// Whether a fault strikes depends only on the seed and the call's ordinal (its place among
/// business calls, or among calls that changed something), so a seeded run meets the same
/// faults however its concurrent calls interleave.
///
/// Latency and jitter delay every call; the other faults spare `gettoken`. Faults that strike after the server acted (`p_drop_after_commit`, `p_slow_reply`)
/// apply only to the calls that change something: create, modify and cancel.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Added to every call, `gettoken` included.
    pub latency: Duration,
    /// A uniform extra delay in `[0, jitter)`.
    pub jitter: Duration,
    /// Answer HTTP 502 without acting.
    pub p_http_502: f64,
    /// Answer errcode -1 (system busy) without acting.
    pub p_errcode_busy: f64,
    /// Act, then close the connection without a reply.
    pub p_drop_after_commit: f64,
    /// Act, then wait `slow_reply_delay` before replying (or until shutdown).
    pub p_slow_reply: f64,
    pub slow_reply_delay: Duration,
    /// Each token serves this many business calls; the next one gets 42001.
    pub revoke_token_every: Option<u32>,
    /// A run of business calls answered 45009.
    pub quota_burst: Option<QuotaBurst>,
    pub seed: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            latency: Duration::ZERO,
            jitter: Duration::ZERO,
            p_http_502: 0.0,
            p_errcode_busy: 0.0,
            p_drop_after_commit: 0.0,
            p_slow_reply: 0.0,
            slow_reply_delay: Duration::from_secs(60),
            revoke_token_every: None,
            quota_burst: None,
            seed: 0x5EED,
        }
    }
}

/// Business calls number `after + 1 ..= after + length`, counted from when the faults were
/// set (the start, or `SimServer::set_faults`), get 45009.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaBurst {
    pub after: u32,
    pub length: u32,
}

/// How lives run once the clock reaches them, and how many viewers a page of
/// `get_watch_stat` holds. Each live's story is drawn from `seed` and its livingid.
#[derive(Debug, Clone, PartialEq)]
pub struct Course {
    /// Share of lives the anchor never starts (they expire).
    pub p_expire: f64,
    /// Share that start 8 to 25 minutes late.
    pub p_late: f64,
    /// Share that end early, after 45% to 85% of their length.
    pub p_short: f64,
    /// The others start up to this late…
    pub start_jitter: Duration,
    /// …and run this much shorter or longer than reserved.
    pub length_jitter: Duration,
    /// Viewers per page of `get_watch_stat`.
    pub watch_page: usize,
    pub seed: u64,
}

impl Default for Course {
    fn default() -> Self {
        Self {
            p_expire: 0.06,
            p_late: 0.04,
            p_short: 0.04,
            start_jitter: Duration::from_secs(120),
            length_jitter: Duration::from_secs(300),
            watch_page: 100,
            seed: 0x5EED,
        }
    }
}

impl Course {
    /// Every live starts on the second and runs exactly its length.
    pub fn punctual() -> Self {
        Self {
            p_expire: 0.0,
            p_late: 0.0,
            p_short: 0.0,
            start_jitter: Duration::ZERO,
            length_jitter: Duration::ZERO,
            ..Self::default()
        }
    }
}
