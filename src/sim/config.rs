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
    /// Calls per API per minute before 45009.
    pub per_minute_limit: u32,
    /// Lives created per day (UTC+8) before 45009.
    pub creates_per_day: u32,
    /// Calls in flight at once before 45033.
    pub max_concurrent: Option<u32>,
    pub faults: Faults,
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
            per_minute_limit: limits::CALLS_PER_MINUTE,
            creates_per_day: limits::CREATES_PER_DAY,
            max_concurrent: None,
            faults: Faults::default(),
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
        Ok(())
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
            .field("per_minute_limit", &self.per_minute_limit)
            .field("creates_per_day", &self.creates_per_day)
            .field("max_concurrent", &self.max_concurrent)
            .field("faults", &self.faults)
            .field("state_file", &self.state_file)
            .finish()
    }
}

/// Faults injected into calls, drawn from a seeded RNG.
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
