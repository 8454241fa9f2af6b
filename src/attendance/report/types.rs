//! The report's parts, as the JSON attendance document shows them: sessions,
//! classes with their learners, and learners across their classes.

use jiff::tz::TimeZone;
use serde::Serialize;

use super::super::rule::Rule;

/// The whole report: every session that should have ended by now, per class
/// counts, and per learner counts.
#[derive(Debug, Serialize)]
pub struct Report {
    pub schedule: String,
    pub now: String,
    pub rule: Rule,
    pub sessions: Vec<SessionReport>,
    pub classes: Vec<ClassReport>,
    pub learners: Vec<LearnerReport>,
    /// The term's zone, for renderers.
    #[serde(skip)]
    pub tz: TimeZone,
}

/// What became of one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// The live ended: it counts.
    Held,
    /// The anchor never started it.
    Expired,
    /// Cancelled, in WeCom or by `livesched`.
    Cancelled,
    /// No live was ever made for it (or its creation failed).
    NoLive,
    /// Still live when read: counted once it has ended.
    Running,
    /// Not started when read, though its time has passed: the anchor may be late.
    NotStarted,
    /// Not read yet (the read failed, or the run was stopped): counted once read.
    Unread,
}

impl SessionState {
    pub fn name(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
            Self::NoLive => "no_live",
            Self::Running => "running",
            Self::NotStarted => "not_started",
            Self::Unread => "unread",
        }
    }

    /// Not held, for good: it counts for nobody.
    pub fn is_not_held(self) -> bool {
        matches!(self, Self::Expired | Self::Cancelled | Self::NoLive)
    }
}

#[derive(Debug, Serialize)]
pub struct SessionReport {
    pub key: String,
    pub class: String,
    /// Scheduled start (RFC 3339) and length.
    pub start: String,
    pub scheduled_minutes: i64,
    pub theme: String,
    pub state: SessionState,
    pub held: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub livingid: Option<String>,
    /// WeCom's status when read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u8>,
    /// When it actually started (RFC 3339) and how long it ran, once it has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_minutes: Option<f64>,
    /// The run's now when it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_at: Option<String>,
    /// Members who watched, in WeCom's order.
    pub viewers: Vec<Viewer>,
    /// Viewers from outside the corp.
    pub external_viewers: Vec<ExternalViewer>,
    /// Scheduled start, in the term's zone, for renderers.
    #[serde(skip)]
    pub local_start: jiff::ZonedDateTime,
    /// Seconds attendance is measured against.
    #[serde(skip)]
    pub scheduled_seconds: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Viewer {
    pub userid: String,
    pub watch_seconds: i64,
    pub watch_minutes: f64,
    /// On this class's roster.
    pub learner: bool,
    /// Watched enough to have attended.
    pub attended: bool,
    pub is_comment: bool,
    pub is_mic: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExternalViewer {
    pub external_userid: String,
    /// 1: a WeChat user; 2: a WeCom user of another corp.
    #[serde(rename = "type")]
    pub user_type: u8,
    pub name: String,
    pub watch_seconds: i64,
    pub watch_minutes: f64,
}

#[derive(Debug, Serialize)]
pub struct ClassReport {
    pub class: String,
    /// Sessions that should have ended by now, then how they stand.
    pub sessions: usize,
    pub held: usize,
    pub not_held: usize,
    /// Running, not started or unread: counted once read as ended.
    pub pending: usize,
    /// The class's learners, in roster order, with their counts.
    pub learners: Vec<LearnerRow>,
    /// Members who watched a held session without being on the roster.
    pub off_roster: Vec<OffRoster>,
    /// Viewers from outside the corp.
    pub external: ExternalCount,
    /// Indexes into `Report::sessions` of this class's sessions, in time order.
    #[serde(skip)]
    pub session_indexes: Vec<usize>,
}

/// One learner in one class.
#[derive(Debug, Clone, Serialize)]
pub struct LearnerRow {
    pub userid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub held: usize,
    pub attended: usize,
    /// `attended / held`; `null` while nothing was held.
    pub completion: Option<f64>,
    pub watch_seconds: i64,
    pub watch_minutes: f64,
    /// Seconds watched of each held session of the class, in time order…
    #[serde(skip)]
    pub watched: Vec<i64>,
    /// …and whether that was attending it.
    #[serde(skip)]
    pub attended_each: Vec<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OffRoster {
    pub userid: String,
    /// Held sessions watched.
    pub sessions: usize,
    pub watch_seconds: i64,
    pub watch_minutes: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ExternalCount {
    /// Distinct viewers.
    pub viewers: usize,
    /// Of which WeChat users (type 1) and other corps' WeCom users (type 2).
    pub wechat: usize,
    pub wecom: usize,
    pub watch_seconds: i64,
    pub watch_minutes: f64,
}

/// One learner across the classes they are on.
#[derive(Debug, Serialize)]
pub struct LearnerReport {
    pub userid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub classes: Vec<LearnerClass>,
}

#[derive(Debug, Serialize)]
pub struct LearnerClass {
    pub class: String,
    pub held: usize,
    pub attended: usize,
    pub completion: Option<f64>,
    pub watch_seconds: i64,
    pub watch_minutes: f64,
}
