//! Class fields as written in one place (a YAML class, `defaults`, or a CSV row),
//! parsed but not yet combined: each value remembers where it came from.

use jiff::civil::{Date, DateTime, Time, Weekday};

use super::model::{LivingKind, WeekSet};
use super::source::Origin;

/// A value and the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Sp<T> {
    pub fn new(value: T, origin: Origin) -> Self {
        Self { value, origin }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ActivityFields {
    pub cover: Option<Sp<String>>,
    pub share: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
    pub images: Option<Sp<Vec<Sp<String>>>>,
}

/// Every class field; `None` where the field was not written.
#[derive(Debug, Clone, Default)]
pub struct ClassFields {
    pub id: Option<Sp<String>>,
    pub theme: Option<Sp<String>>,
    pub anchor: Option<Sp<String>>,
    pub kind: Option<Sp<LivingKind>>,
    pub duration: Option<Sp<i64>>,
    pub remind: Option<Sp<i64>>,
    pub description: Option<Sp<String>>,
    pub agentid: Option<Sp<i64>>,
    pub activity: Option<Sp<ActivityFields>>,
    /// `weekly` as a whole, when written.
    pub weekly: Option<Origin>,
    pub days: Option<Sp<Vec<Weekday>>>,
    pub times: Option<Sp<Vec<Time>>>,
    pub every: Option<Sp<i32>>,
    pub weeks: Option<Sp<WeekSet>>,
    pub at: Option<Sp<DateTime>>,
    pub dates: Option<Sp<Vec<DateTime>>>,
    pub rrule: Option<Sp<String>>,
    pub start: Option<Sp<DateTime>>,
    pub from: Option<Sp<Date>>,
    pub until: Option<Sp<Date>>,
    pub count: Option<Sp<u32>>,
    pub skip: Option<Sp<Vec<Date>>>,
    /// Userids and roster files, each where it was written.
    pub learners: Option<Sp<Vec<Sp<String>>>>,
    /// Fields that were written but invalid (already reported), so that they
    /// are not reported again as missing.
    pub invalid: Vec<&'static str>,
    /// Fields written empty, which is writing nothing, and where: a class that
    /// still lacks one is told so there rather than at its `id`.
    pub blank: Vec<(&'static str, Origin)>,
}

impl ClassFields {
    /// Where the field `name` was written empty, if it was.
    pub fn blank_at(&self, name: &str) -> Option<Origin> {
        self.blank.iter().find(|(n, _)| *n == name).map(|(_, o)| *o)
    }

    /// This class's fields, with `defaults` filling what it leaves out.
    pub fn or_defaults(self, d: &ClassFields) -> ClassFields {
        fn or<T: Clone>(a: Option<T>, b: &Option<T>) -> Option<T> {
            a.or_else(|| b.clone())
        }
        ClassFields {
            id: self.id,
            theme: or(self.theme, &d.theme),
            anchor: or(self.anchor, &d.anchor),
            kind: or(self.kind, &d.kind),
            duration: or(self.duration, &d.duration),
            remind: or(self.remind, &d.remind),
            description: or(self.description, &d.description),
            agentid: or(self.agentid, &d.agentid),
            activity: or(self.activity, &d.activity),
            weekly: or(self.weekly, &d.weekly),
            days: or(self.days, &d.days),
            times: or(self.times, &d.times),
            every: or(self.every, &d.every),
            weeks: or(self.weeks, &d.weeks),
            at: or(self.at, &d.at),
            dates: or(self.dates, &d.dates),
            rrule: or(self.rrule, &d.rrule),
            start: or(self.start, &d.start),
            from: or(self.from, &d.from),
            until: or(self.until, &d.until),
            count: or(self.count, &d.count),
            skip: or(self.skip, &d.skip),
            learners: or(self.learners, &d.learners),
            invalid: self.invalid,
            blank: self.blank,
        }
    }
}
