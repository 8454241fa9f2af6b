//! The schedule as the planner sees it: validated, defaults applied, every value typed.

use jiff::civil::{Date, DateTime, Time, Weekday};

use super::source::{Origin, Sources};

// The term's dates belong to the calendar; readers and planners still find them here.
pub use crate::calendar::{Holiday, RunsAs, Term, Workday};

/// One term: its calendar, its classes and the one-off changes to single sessions.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub term: Term,
    pub classes: Vec<Class>,
    pub changes: Vec<Change>,
    pub sources: Sources,
}

/// The five kinds of live WeCom knows, numbered as the API numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LivingKind {
    General = 0,
    SmallClass = 1,
    LargeClass = 2,
    Training = 3,
    Activity = 4,
}

impl LivingKind {
    pub const ALL: [LivingKind; 5] = [
        Self::General,
        Self::SmallClass,
        Self::LargeClass,
        Self::Training,
        Self::Activity,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::General => "general",
            Self::SmallClass => "small_class",
            Self::LargeClass => "large_class",
            Self::Training => "training",
            Self::Activity => "activity",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Self::General => "通用直播",
            Self::SmallClass => "小班课",
            Self::LargeClass => "大班课",
            Self::Training => "企业培训",
            Self::Activity => "活动直播",
        }
    }
}

/// A picture for an activity live: a local file uploaded at apply, or a WeCom `media_id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Media {
    File(std::path::PathBuf),
    MediaId(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    pub cover: Option<Media>,
    pub share: Option<Media>,
    pub description: Option<String>,
    pub images: Vec<Media>,
}

/// One class: what its lives look like and when they happen.
#[derive(Debug, Clone)]
pub struct Class {
    pub id: String,
    /// Theme template with `{n}`, `{week}`, `{date}` placeholders.
    pub theme: String,
    pub anchor: String,
    pub kind: LivingKind,
    /// Seconds.
    pub duration: i64,
    /// Seconds before the start.
    pub remind: Option<i64>,
    pub description: Option<String>,
    pub activity: Option<Activity>,
    pub agentid: Option<i64>,
    pub recurrence: Recurrence,
    pub bounds: Bounds,
    /// Who should attend (`learners`), in the order written; empty when nobody is named.
    pub learners: Vec<Learner>,
    /// Where the class is defined (its `id`), for problems about the class as a whole.
    pub origin: Origin,
    /// Where the fields that shape its sessions were written, for problems about a session.
    pub places: Places,
}

/// Where the fields that shape each session were written (in the class, or in
/// `defaults`), so that a problem found in one session points at the field that
/// produced it rather than at the class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Places {
    pub theme: Origin,
    pub anchor: Origin,
    pub description: Option<Origin>,
    /// The `weekly`, `at`, `dates` or `rrule` value: when the sessions are.
    pub when: Origin,
    pub activity: Option<Origin>,
    pub activity_description: Option<Origin>,
    pub images: Option<Origin>,
}

/// Someone who should attend a class: a WeCom userid, and from a roster their name
/// and department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Learner {
    pub userid: String,
    pub name: Option<String>,
    pub department: Option<String>,
}

/// When a class meets.
#[derive(Debug, Clone)]
pub enum Recurrence {
    Weekly(Weekly),
    /// Explicit local date-times (a one-off `at` is a list of one).
    Dates(Vec<DateTime>),
    /// An RFC 5545 rule from `start`, expanded by `calendar::rrule`.
    Rule(Box<RuleSpec>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weekly {
    pub days: Vec<Weekday>,
    pub at: Vec<Time>,
    /// Every N teaching weeks, counted from the class's first week.
    pub every: i32,
    pub weeks: Option<WeekSet>,
}

/// A parsed RRULE (with RDATE/EXDATE when pasted as iCalendar) and its DTSTART.
#[derive(Debug, Clone)]
pub struct RuleSpec {
    /// `dtstart` is always set.
    pub spec: crate::calendar::rrule::RecurrenceSpec,
    pub origin: Origin,
    /// What gives its sessions seconds past the minute, if anything does: the
    /// `BYSECOND` or `FREQ=SECONDLY` part, or a DTSTART (or `start`) with seconds.
    pub seconds_at: Option<Origin>,
    /// Each RDATE (in the term's wall-clock time) and where it was written.
    pub rdates: Vec<(DateTime, Origin)>,
}

/// Which teaching weeks a class meets in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeekSet {
    Odd,
    Even,
    /// Inclusive ranges.
    Ranges(Vec<(i32, i32)>),
}

impl WeekSet {
    pub fn contains(&self, week: i32) -> bool {
        match self {
            Self::Odd => week % 2 != 0,
            Self::Even => week % 2 == 0,
            Self::Ranges(r) => r.iter().any(|&(a, b)| (a..=b).contains(&week)),
        }
    }
}

/// Limits that apply whatever the recurrence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bounds {
    pub from: Option<Date>,
    pub until: Option<Date>,
    /// At most this many sessions (holidays and skips do not count).
    pub count: Option<u32>,
    pub skip: Vec<Date>,
}

/// An edit to one session, named by its class and original local date.
#[derive(Debug, Clone)]
pub struct Change {
    pub class: String,
    pub date: Date,
    pub action: ChangeAction,
    pub origin: Origin,
    /// Where `move_to` was written, for a problem with the time it moves to.
    pub move_to_at: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeAction {
    Cancel,
    Edit {
        move_to: Option<DateTime>,
        anchor: Option<String>,
    },
}
