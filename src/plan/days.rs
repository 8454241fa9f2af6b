//! What expansion looks up over and over, made once: the term's days with their
//! kind and teaching week, each class's shared part, and the numbering of a
//! class's sessions within a date.

use std::sync::Arc;

use jiff::civil::Date;

use super::live::{ActivityBody, LiveClass};
use crate::calendar::{Calendar, DayKind};
use crate::schedule::{Class, LivingKind, Media};
use crate::wecom::limits::ACTIVITY_MAX_IMAGES;
use crate::wecom::types::ActivityDetail;

/// The term's days, each asked of the calendar once: every class walks them.
pub(super) struct TermDays<'t> {
    pub cal: &'t Calendar<'t>,
    /// Every day of the term, in order.
    pub days: Vec<Day<'t>>,
}

pub(super) struct Day<'t> {
    pub date: Date,
    pub kind: DayKind<'t>,
    /// The teaching week of the date: for a make-up day, the week of the
    /// timetable it runs; otherwise the calendar's week of the date.
    pub week: i32,
}

impl<'t> TermDays<'t> {
    pub fn new(cal: &'t Calendar<'t>) -> TermDays<'t> {
        let term = cal.term;
        let mut days = Vec::new();
        let mut date = term.start;
        while date <= term.end {
            days.push(Day::of(cal, date));
            let Ok(next) = date.tomorrow() else { break };
            date = next;
        }
        TermDays { cal, days }
    }

    /// The place of the first day on or after `from`.
    pub fn first_from(&self, from: Date) -> usize {
        self.days.partition_point(|d| d.date < from)
    }

    /// The days from `from` to `until`, both included.
    pub fn between(&self, from: Date, until: Date) -> &[Day<'t>] {
        let first = self.first_from(from);
        let end = self.days.partition_point(|d| d.date <= until);
        self.days.get(first..end).unwrap_or_default()
    }

    /// What `date` is, and its teaching week: from the table within the term,
    /// at `hint` if that is its place.
    pub fn day(&self, date: Date, hint: Option<usize>) -> (DayKind<'t>, i32) {
        let at = hint
            .filter(|&at| self.days.get(at).is_some_and(|d| d.date == date))
            .or_else(|| self.days.binary_search_by_key(&date, |d| d.date).ok());
        match at.and_then(|at| self.days.get(at)) {
            Some(day) => (day.kind.clone(), day.week),
            None => {
                let day = Day::of(self.cal, date);
                (day.kind, day.week)
            }
        }
    }
}

impl<'t> Day<'t> {
    fn of(cal: &'t Calendar<'t>, date: Date) -> Day<'t> {
        let kind = cal.day(date);
        let week = match kind {
            DayKind::Teaching { week, .. } => week,
            _ => cal.week_of(date),
        };
        Day { date, kind, week }
    }
}

/// Numbers a class's sessions on each date, `#2` for the second. Every
/// recurrence gives a date's sessions one after another and the dates in order
/// (a weekly class walks the days; dates and rules come sorted), so each date
/// is usually the last one counted or a new one; any other is looked up.
#[derive(Default)]
pub(super) struct PerDate {
    /// Each date so far and its sessions, in the order the dates first came.
    counted: Vec<(Date, u32)>,
}

impl PerDate {
    pub fn next(&mut self, date: Date) -> u32 {
        let seen = match self.counted.last() {
            Some((last, _)) if *last < date => None,
            _ => self.counted.iter_mut().rev().find(|(day, _)| *day == date),
        };
        match seen {
            Some((_, nth)) => {
                *nth += 1;
                *nth
            }
            None => {
                self.counted.push((date, 1));
                1
            }
        }
    }
}

/// What every session of `class` shares.
pub(super) fn live_class(class: &Class, index: usize) -> LiveClass {
    let activity = (class.kind == LivingKind::Activity).then(|| {
        let a = class.activity.clone().unwrap_or_default();
        ActivityBody {
            cover: a.cover.as_ref().map(media_ref),
            share: a.share.as_ref().map(media_ref),
            detail: ActivityDetail {
                description: a.description.or_else(|| class.description.clone()),
                image_list: a
                    .images
                    .iter()
                    .take(ACTIVITY_MAX_IMAGES)
                    .map(media_ref)
                    .collect(),
            },
        }
    });
    LiveClass {
        id: Arc::from(class.id.as_str()),
        index,
        theme: class.theme.clone(),
        kind: class.kind,
        duration: class.duration,
        remind: class.remind,
        description: class.description.clone(),
        agentid: class.agentid,
        activity,
    }
}

/// How a picture appears in a request before upload: its media_id, or `upload:PATH`.
pub fn media_ref(m: &Media) -> String {
    match m {
        Media::MediaId(id) => id.clone(),
        Media::File(p) => format!("upload:{}", p.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn sessions_are_numbered_within_their_date_whatever_the_order() {
        let (a, b) = (date(2027, 3, 1), date(2027, 3, 2));
        let mut per_date = PerDate::default();
        let numbers: Vec<u32> = [a, a, b, a, b, b].map(|d| per_date.next(d)).to_vec();
        assert_eq!(numbers, [1, 2, 1, 3, 2, 3]);
    }
}
