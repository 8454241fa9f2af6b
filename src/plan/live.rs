//! One planned session, and the plan as a whole.

use jiff::ZonedDateTime;
use jiff::civil::{Date, Weekday};

use crate::schedule::{Activity, LivingKind, Problems};
use crate::wecom::types::CreateLiving;

/// One session as it will exist in WeCom.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedLive {
    /// `<class id>/<original local date>`, `#2`… for later sessions that day. Stable.
    pub key: String,
    pub class: String,
    /// Session number within the class (the `{n}` of themes).
    pub n: u32,
    /// The local date the recurrence gave, before any change moved it.
    pub original_date: Date,
    pub start: ZonedDateTime,
    pub weekday: Weekday,
    pub week: i32,
    pub anchor: String,
    pub kind: LivingKind,
    pub theme: String,
    pub duration: i64,
    pub description: Option<String>,
    pub remind: Option<i64>,
    pub activity: Option<Activity>,
    /// The exact `living/create` body (local image files as `upload:PATH`).
    pub request: CreateLiving,
    /// Things worth telling about this session (moved, DST shift, make-up day).
    pub notes: Vec<String>,
}

/// Why a session the recurrence produced does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    Holiday(Option<String>),
    Skipped,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub class: String,
    pub date: Date,
    pub reason: SkipReason,
}

/// The term expanded: every session, every dropped one, and what is worth saying.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub lives: Vec<PlannedLive>,
    pub skipped: Vec<Skipped>,
    pub problems: Problems,
}
