//! The clock and the lives every client test starts from.

use jiff::Timestamp;
use livesched::sim::SimConfig;
use livesched::wecom::CreateLiving;

/// 2027-03-01T00:00:00Z: the simulator clock starts here in every test.
const T0: &str = "2027-03-01T00:00:00Z";
pub(super) const HOUR: i64 = 3600;
pub(super) const DAY: i64 = 86_400;

pub(super) fn t0() -> Timestamp {
    T0.parse().unwrap()
}

pub(super) fn sim_config() -> SimConfig {
    SimConfig {
        now: Some(t0()),
        ..SimConfig::default()
    }
}

pub(super) fn live(anchor: &str, theme: &str, start: i64) -> CreateLiving {
    CreateLiving {
        anchor_userid: anchor.to_owned(),
        theme: theme.to_owned(),
        living_start: start,
        living_duration: 90 * 60,
        living_type: 3,
        description: Some("入门课".to_owned()),
        agentid: None,
        remind_time: Some(15 * 60),
        activity_cover_mediaid: None,
        activity_share_mediaid: None,
        activity_detail: None,
    }
}

pub(super) fn tomorrow() -> i64 {
    t0().as_second() + DAY
}

pub(super) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n fake image";
