//! Arguments of `livesched sim`, and their conversion to a plain `SimConfig`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::sim::{Course, Faults, InvalidSimConfig, QuotaBurst, SimConfig};

const AFTER_HELP: &str = "\
Examples:
  # A CI dry run: a faulty simulator on a fixed port, then apply against it
  livesched sim --listen 127.0.0.1:8099 --state target/sim-state.json \\
      --now 2027-02-20T09:00:00+08:00 --fail-busy 0.05 --drop-after-commit 0.03 --seed 42 &
  WECOM_CORPID=sim-corp WECOM_CORPSECRET=sim-secret \\
      livesched apply spring.yaml --api-base http://127.0.0.1:8099/cgi-bin/ --yes
  kill %1   # SIGTERM or Ctrl-C saves the state file

  # Counters (calls, rejections, duplicates, peak rates) while it runs
  curl http://127.0.0.1:8099/__sim/stats

  # Time passes: lives start, end or expire, and viewers come; then read attendance
  curl -X POST http://127.0.0.1:8099/__sim/clock -d '{\"advance\": \"30d\"}'
  curl http://127.0.0.1:8099/__sim/clock";

/// Options of the WeCom simulator.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct SimArgs {
    /// Address to listen on; port 0 picks a free port, printed on stdout.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,

    /// Load lives from this JSON file at start and save them to it (atomically) as they change.
    #[arg(long = "state", value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// The corp id `gettoken` accepts.
    #[arg(long, value_name = "ID", default_value = "sim-corp")]
    pub corpid: String,

    /// The corp secret `gettoken` accepts.
    #[arg(long, value_name = "SECRET", default_value = "sim-secret")]
    pub secret: String,

    /// Userids that exist, comma-separated; others get errcode 40003. Default: any userid.
    #[arg(long, value_name = "USERID,…", value_delimiter = ',')]
    pub users: Option<Vec<String>>,

    /// Lifetime of an access token on the simulator clock; expired tokens get errcode 42001.
    #[arg(long, value_name = "DURATION", default_value = "2h", value_parser = parse_duration)]
    pub token_ttl: Duration,

    /// Start the simulator clock at this RFC 3339 instant; it then advances with real time.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<Timestamp>,

    /// Calls per API per minute before errcode 45009.
    #[arg(long, value_name = "N", default_value_t = crate::wecom::limits::CALLS_PER_MINUTE)]
    pub per_minute: u32,

    /// Lives created per day (Beijing time) before errcode 45009.
    #[arg(long, value_name = "N", default_value_t = crate::wecom::limits::CREATES_PER_DAY)]
    pub creates_per_day: u32,

    /// Calls in flight at once before errcode 45033. Default: no cap.
    #[arg(long, value_name = "N")]
    pub max_concurrent: Option<u32>,

    /// Delay added to every call, e.g. `20ms`.
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = parse_duration)]
    pub latency: Duration,

    /// A random extra delay up to this much, on top of `--latency`.
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = parse_duration)]
    pub jitter: Duration,

    /// Probability (0 to 1) of answering HTTP 502 without acting.
    #[arg(long = "fail-502", value_name = "P", default_value_t = 0.0, value_parser = parse_probability)]
    pub fail_502: f64,

    /// Probability of answering errcode -1 (system busy) without acting.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_probability)]
    pub fail_busy: f64,

    /// Probability that a create, modify or cancel acts, then the connection closes with no reply.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_probability)]
    pub drop_after_commit: f64,

    /// Probability that a create, modify or cancel acts, then replies only after `--slow-reply-delay`.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_probability)]
    pub slow_reply: f64,

    /// How late a slow reply comes; make it longer than the client's timeout.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub slow_reply_delay: Duration,

    /// Each access token serves N business calls; the next call gets errcode 42001.
    #[arg(long, value_name = "N")]
    pub revoke_token_every: Option<u32>,

    /// Answer errcode 45009 to business calls AFTER+1 through AFTER+LENGTH, e.g. `100:20`.
    #[arg(long, value_name = "AFTER:LENGTH", value_parser = parse_quota_burst)]
    pub quota_burst: Option<QuotaBurst>,

    /// Seed of the fault RNG, and of how each live runs and who watches it: the same
    /// seed and calls give the same faults, lives and viewers.
    #[arg(long, value_name = "N", default_value_t = 0x5EED)]
    pub seed: u64,

    /// Simulated seconds per real second: `3600` runs an hour a second, so lives start
    /// and end while you watch. Move the clock at once with `POST /__sim/clock`.
    #[arg(long, value_name = "X", default_value_t = 1.0, value_parser = parse_rate)]
    pub clock_rate: f64,

    /// Share of lives the anchor never starts, which expire at their reserved end.
    #[arg(long, value_name = "P", default_value_t = Course::default().p_expire, value_parser = parse_probability)]
    pub expired: f64,

    /// Share of lives that start 8 to 25 minutes late.
    #[arg(long, value_name = "P", default_value_t = Course::default().p_late, value_parser = parse_probability)]
    pub late: f64,

    /// Share of lives that end early, after 45% to 85% of their length.
    #[arg(long, value_name = "P", default_value_t = Course::default().p_short, value_parser = parse_probability)]
    pub short: f64,

    /// Viewers per page of `living/get_watch_stat`.
    #[arg(long, value_name = "N", default_value_t = Course::default().watch_page)]
    pub watch_page: usize,
}

impl SimArgs {
    /// A checked simulator configuration.
    pub fn into_config(self) -> Result<SimConfig, InvalidSimConfig> {
        let config = SimConfig {
            listen: self.listen,
            corpid: self.corpid,
            secret: self.secret,
            users: self.users,
            token_ttl: self.token_ttl,
            now: self.now,
            per_minute_limit: self.per_minute,
            creates_per_day: self.creates_per_day,
            max_concurrent: self.max_concurrent,
            faults: Faults {
                latency: self.latency,
                jitter: self.jitter,
                p_http_502: self.fail_502,
                p_errcode_busy: self.fail_busy,
                p_drop_after_commit: self.drop_after_commit,
                p_slow_reply: self.slow_reply,
                slow_reply_delay: self.slow_reply_delay,
                revoke_token_every: self.revoke_token_every,
                quota_burst: self.quota_burst,
                seed: self.seed,
            },
            course: Course {
                p_expire: self.expired,
                p_late: self.late,
                p_short: self.short,
                watch_page: self.watch_page,
                seed: self.seed,
                ..Course::default()
            },
            clock_rate: self.clock_rate,
            state_file: self.state,
        };
        config.validate()?;
        Ok(config)
    }
}

/// `20ms`, `1.5s`, `2h`, `1h30m` or ISO 8601 `PT2H`; never negative.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let signed: SignedDuration = text
        .parse()
        .map_err(|e| format!("expected a duration such as `20ms` or `2h`: {e}"))?;
    Duration::try_from(signed).map_err(|_| "expected a duration that is not negative".to_owned())
}

fn parse_probability(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err("expected a probability from 0 to 1, e.g. `0.05`".to_owned()),
    }
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(x),
        _ => Err("expected a number above 0, e.g. `60` for a minute a second".to_owned()),
    }
}

fn parse_quota_burst(text: &str) -> Result<QuotaBurst, String> {
    let expected = || "expected `AFTER:LENGTH` in calls, e.g. `100:20`".to_owned();
    let (after, length) = text.split_once(':').ok_or_else(expected)?;
    Ok(QuotaBurst {
        after: after.trim().parse().map_err(|_| expected())?,
        length: length.trim().parse().map_err(|_| expected())?,
    })
}
