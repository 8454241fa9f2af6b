//! The term's calendar: teaching weeks, holidays, and which timetable a day runs.

use jiff::civil::{Date, Weekday};

use super::model::{Holiday, RunsAs, Term};

/// What a calendar day is, as far as the timetable goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind<'t> {
    /// Outside the term.
    OutOfTerm,
    /// A holiday: no sessions.
    Holiday(&'t Holiday),
    /// A day that runs the timetable of `weekday` in teaching week `week`.
    Teaching {
        weekday: Weekday,
        week: i32,
        makeup: bool,
    },
}

/// The term, with lookups answered per day.
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'t> {
    pub term: &'t Term,
    week1_monday: Date,
}

impl<'t> Calendar<'t> {
    pub fn new(term: &'t Term) -> Self {
        Self {
            term,
            week1_monday: monday_of(term.start),
        }
    }

    /// Teaching week of a date: week 1 holds `term.start`; weeks run Monday to Sunday.
    pub fn week_of(&self, date: Date) -> i32 {
        let days = (monday_of(date) - self.week1_monday).get_days();
        days.div_euclid(7) + 1
    }

    pub fn contains(&self, date: Date) -> bool {
        (self.term.start..=self.term.end).contains(&date)
    }

    pub fn holiday(&self, date: Date) -> Option<&'t Holiday> {
        self.term
            .holidays
            .iter()
            .find(|h| (h.from..=h.to).contains(&date))
    }

    /// What timetable `date` runs: its own, a make-up day's, or none.
    pub fn day(&self, date: Date) -> DayKind<'t> {
        if !self.contains(date) {
            return DayKind::OutOfTerm;
        }
        if let Some(w) = self.term.workdays.iter().find(|w| w.date == date) {
            return match w.runs {
                RunsAs::Weekday(weekday) => DayKind::Teaching {
                    weekday,
                    week: self.week_of(date),
                    makeup: true,
                },
                RunsAs::Date(other) => DayKind::Teaching {
                    weekday: other.weekday(),
                    week: self.week_of(other),
                    makeup: true,
                },
            };
        }
        if let Some(h) = self.holiday(date) {
            return DayKind::Holiday(h);
        }
        DayKind::Teaching {
            weekday: date.weekday(),
            week: self.week_of(date),
            makeup: false,
        }
    }

    /// The number of teaching weeks (the week holding `term.end`).
    pub fn weeks(&self) -> i32 {
        self.week_of(self.term.end)
    }
}

pub fn monday_of(date: Date) -> Date {
    date.checked_sub(jiff::Span::new().days(i64::from(date.weekday().to_monday_zero_offset())))
        .unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Workday;
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    fn term() -> Term {
        Term {
            name: "t".into(),
            tz_name: "Asia/Shanghai".into(),
            tz: TimeZone::get("Asia/Shanghai").unwrap(),
            start: date(2027, 2, 24),
            end: date(2027, 6, 27),
            holidays: vec![Holiday {
                from: date(2027, 5, 1),
                to: date(2027, 5, 5),
                name: Some("劳动节".into()),
            }],
            workdays: vec![
                Workday {
                    date: date(2027, 5, 8),
                    runs: RunsAs::Weekday(Weekday::Friday),
                },
                Workday {
                    date: date(2027, 4, 25),
                    runs: RunsAs::Date(date(2027, 5, 3)),
                },
            ],
        }
    }

    #[test]
    fn weeks_count_from_the_monday_of_the_start() {
        let t = term();
        let c = Calendar::new(&t);
        assert_eq!(c.week_of(date(2027, 2, 22)), 1);
        assert_eq!(c.week_of(date(2027, 2, 28)), 1);
        assert_eq!(c.week_of(date(2027, 3, 1)), 2);
    }

    #[test]
    fn makeup_days_follow_the_date_they_replace() {
        let t = term();
        let c = Calendar::new(&t);
        assert!(matches!(c.day(date(2027, 5, 3)), DayKind::Holiday(_)));
        assert_eq!(
            c.day(date(2027, 5, 8)),
            DayKind::Teaching {
                weekday: Weekday::Friday,
                week: 11,
                makeup: true
            }
        );
        // 2027-04-25 is a Sunday in week 9 running Monday 2027-05-03 of week 11.
        assert_eq!(
            c.day(date(2027, 4, 25)),
            DayKind::Teaching {
                weekday: Weekday::Monday,
                week: 11,
                makeup: true
            }
        );
        assert_eq!(c.day(date(2027, 7, 1)), DayKind::OutOfTerm);
    }
}
