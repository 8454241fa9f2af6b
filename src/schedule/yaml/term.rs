//! The `term` of a YAML schedule and the shared calendar files it may name: dates,
//! time zone, holidays and make-up workdays, read field by field and then merged.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::reader::{Fields, Reader};
use crate::schedule::fields::Sp;
use crate::schedule::model::{Holiday, RunsAs, Term, Workday};
use crate::schedule::node::{Kind, Node};
use crate::schedule::problem::{Problem, Problems};
use crate::schedule::source::Origin;
use crate::schedule::values;

const TERM_FIELDS: &[&str] = &[
    "calendar", "name", "timezone", "start", "end", "holidays", "workdays",
];
/// A calendar file holds the fields of `term:` at its top level.
const CALENDAR_FIELDS: &[&str] = &[
    "version", "name", "timezone", "start", "end", "holidays", "workdays",
];
/// Top-level keys only a schedule has: a file with any of them is not a calendar.
const SCHEDULE_ONLY: &[&str] = &["term", "defaults", "classes", "classes_from", "changes"];
const HOLIDAY_FIELDS: &[&str] = &["date", "from", "to", "name"];
const WORKDAY_FIELDS: &[&str] = &["date", "as"];

/// A field of a term or calendar: not written, written but invalid (and reported), or a value.
#[derive(Debug, Clone, Default)]
pub enum Given<T> {
    #[default]
    Absent,
    Invalid,
    Value(Sp<T>),
}

impl<T> Given<T> {
    /// A field that was written: its value, or `Invalid` when reading it reported a problem.
    fn written(read: Option<Sp<T>>) -> Given<T> {
        read.map_or(Given::Invalid, Given::Value)
    }

    /// This field, or when it is not written, `under`'s.
    fn or(self, under: Given<T>) -> Given<T> {
        match self {
            Given::Absent => under,
            given => given,
        }
    }
}

/// What a `term:` mapping or a calendar file says, before the two are merged:
/// a term may override a calendar's fields and add holidays and workdays.
#[derive(Debug, Clone)]
pub struct TermFields {
    /// `term.calendar`: the calendar file, relative to the schedule.
    pub calendar: Option<Sp<String>>,
    pub name: Option<String>,
    pub timezone: Given<(String, TimeZone)>,
    pub start: Given<Date>,
    pub end: Given<Date>,
    pub holidays: Vec<Holiday>,
    pub workdays: Vec<Workday>,
    /// The mapping, where "`term` needs `start`" points.
    pub origin: Origin,
}

impl TermFields {
    /// No field written: the calendar of a term that names none.
    fn none(origin: Origin) -> TermFields {
        TermFields {
            calendar: None,
            name: None,
            timezone: Given::Absent,
            start: Given::Absent,
            end: Given::Absent,
            holidays: Vec::new(),
            workdays: Vec::new(),
            origin,
        }
    }
}

impl Reader<'_> {
    /// A schedule's `term:` mapping; its calendar file, if it names one, is read by `load`.
    pub(super) fn term(&mut self, node: &Node) -> Option<TermFields> {
        let f = self.fields(node, "term", "`term`", TERM_FIELDS)?;
        let calendar = f
            .get("calendar")
            .and_then(|n| self.text(n, "term.calendar"));
        Some(TermFields {
            calendar,
            ..self.term_fields(&f, "term.")
        })
    }

    /// A calendar file: the fields of `term:` (and `version`) at its top level.
    pub fn calendar(&mut self, root: &Node) -> Option<TermFields> {
        let f = self.fields(root, "the file", "a calendar", CALENDAR_FIELDS)?;
        if let Some(n) = f.get("version")
            && !matches!(n.kind, Kind::Int(1))
        {
            self.error(
                format!("unsupported `version`: `{}`", n.text().unwrap_or("?")),
                n.origin,
            )
            .label = Some("expected `1`".into());
            self.last().help = Some("a calendar file is `version: 1`".into());
        }
        Some(self.term_fields(&f, ""))
    }

    /// The fields a term and a calendar share; `path` prefixes their names in messages.
    fn term_fields(&mut self, f: &Fields<'_>, path: &str) -> TermFields {
        let name = f
            .get("name")
            .and_then(|n| self.text(n, &format!("{path}name")))
            .map(|s| s.value);
        let timezone = f.get("timezone").map_or(Given::Absent, |n| {
            Given::written(self.value(n, &format!("{path}timezone"), |s| {
                TimeZone::get(s.trim())
                    .map(|tz| (s.trim().to_string(), tz))
                    .map_err(|_| "an IANA time zone name like `Asia/Shanghai`".to_string())
            }))
        });
        let mut date = |key: &str| {
            f.get(key).map_or(Given::Absent, |n| {
                Given::written(self.value(n, &format!("{path}{key}"), values::date))
            })
        };
        let (start, end) = (date("start"), date("end"));
        let holidays = f
            .get("holidays")
            .map(|n| self.holidays(n, path))
            .unwrap_or_default();
        let workdays = f
            .get("workdays")
            .map(|n| self.workdays(n, path))
            .unwrap_or_default();
        let span = match (&start, &end) {
            (Given::Value(s), Given::Value(e)) => Some((s.value, e.value)),
            _ => None,
        };
        self.check_days(&holidays, &workdays, span);
        let holidays = holidays.into_iter().map(|(h, _)| h).collect();
        let workdays = workdays.into_iter().map(|(w, _)| w).collect();
        TermFields {
            calendar: None,
            name,
            timezone,
            start,
            end,
            holidays,
            workdays,
            origin: f.origin,
        }
    }

    /// A make-up day that is also a holiday, listed twice, or outside the term
    /// (when this mapping gives the term's dates) is a mistake the calendar would
    /// otherwise settle silently.
    fn check_days(
        &mut self,
        holidays: &[(Holiday, Origin)],
        workdays: &[(Workday, Origin)],
        span: Option<(Date, Date)>,
    ) {
        for (i, (w, at)) in workdays.iter().enumerate() {
            let date = w.date;
            if let Some((_, first)) = workdays[..i].iter().find(|(o, _)| o.date == date) {
                let other = self.place(*first);
                self.error(format!("the make-up day `{date}` is listed twice"), *at)
                    .help = Some(format!("it is also listed at {other}; keep one"));
                self.last().label = Some("expected each make-up day once".into());
            } else if let Some((start, end)) = span.filter(|(s, e)| !(*s..=*e).contains(&date)) {
                self.error(format!("the make-up day `{date}` is outside the term"), *at)
                    .help = Some(format!("the term runs from `{start}` to `{end}`"));
                self.last().label = Some("expected a day within the term".into());
            } else if let Some((h, hat)) = holidays
                .iter()
                .find(|(h, _)| (h.from..=h.to).contains(&date))
            {
                let other = self.place(*hat);
                let name = h
                    .name
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                self.error(
                    format!("`{date}` is both a make-up workday and a holiday{name}"),
                    *at,
                )
                .help = Some(format!(
                    "the holiday is at {other}; a day is one or the other"
                ));
                self.last().label = Some("expected a day that is not a holiday".into());
            }
        }
    }

    /// `line:column` of a place in this file, for a problem that names two places.
    pub(super) fn place(&self, origin: Origin) -> String {
        let (line, column) = crate::schedule::line_col(self.text, origin.offset);
        format!("line {line}, column {column}")
    }

    fn holidays(&mut self, node: &Node, prefix: &str) -> Vec<(Holiday, Origin)> {
        let Kind::Seq(items) = &node.kind else {
            self.type_error(
                node,
                &format!("{prefix}holidays"),
                "a list of dates or ranges",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("{prefix}holidays[{i}]");
            if let Kind::Map(_) = item.kind {
                let Some(f) = self.fields(item, &path, "a holiday", HOLIDAY_FIELDS) else {
                    continue;
                };
                let name = f
                    .get("name")
                    .and_then(|n| self.text(n, &path))
                    .map(|s| s.value);
                let (from, to) = if let Some(n) = f.get("date") {
                    let d = self.value(n, &format!("{path}.date"), values::date);
                    (d.clone(), d)
                } else {
                    (
                        self.required(&f, "from", &path, values::date),
                        self.required(&f, "to", &path, values::date),
                    )
                };
                let (Some(from), Some(to)) = (from, to) else {
                    continue;
                };
                if to.value < from.value {
                    self.error(format!("holiday `{path}` ends before it starts"), to.origin)
                        .label = Some("expected a date on or after `from`".into());
                    self.last().help =
                        Some("`from` and `to` are the first and last days off".into());
                    continue;
                }
                out.push((
                    Holiday {
                        from: from.value,
                        to: to.value,
                        name,
                    },
                    from.origin,
                ));
            } else if let Some(d) = self.value(item, &path, values::date) {
                out.push((
                    Holiday {
                        from: d.value,
                        to: d.value,
                        name: None,
                    },
                    d.origin,
                ));
            }
        }
        out
    }

    fn workdays(&mut self, node: &Node, prefix: &str) -> Vec<(Workday, Origin)> {
        let Kind::Seq(items) = &node.kind else {
            self.type_error(
                node,
                &format!("{prefix}workdays"),
                "a list of `{ date, as }`",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("{prefix}workdays[{i}]");
            let Some(f) = self.fields(item, &path, "a workday", WORKDAY_FIELDS) else {
                continue;
            };
            let date = self.required(&f, "date", &path, values::date);
            let runs = self.required(&f, "as", &path, |s| {
                values::weekday(s)
                    .map(RunsAs::Weekday)
                    .or_else(|_| values::date(s).map(RunsAs::Date))
                    .map_err(|_| "a weekday like `fri` or the date whose timetable it runs".into())
            });
            if let (Some(date), Some(runs)) = (date, runs) {
                out.push((
                    Workday {
                        date: date.value,
                        runs: runs.value,
                    },
                    date.origin,
                ));
            }
        }
        out
    }
}

/// Whether a YAML document is a calendar file rather than a schedule: a mapping
/// with term fields at its top level and none of a schedule's own keys.
pub fn is_calendar(root: &Node) -> bool {
    let Kind::Map(entries) = &root.kind else {
        return false;
    };
    let keys: Vec<&str> = entries.iter().filter_map(|(k, _)| k.text()).collect();
    !keys.iter().any(|k| SCHEDULE_ONLY.contains(k))
        && keys
            .iter()
            .any(|k| CALENDAR_FIELDS.contains(k) && *k != "version")
}

/// The term a schedule runs on: its own fields over its calendar's (`None` when
/// it names none). Holidays add up; a workday of the term replaces the
/// calendar's for the same date. `None` when a field it needs is missing or invalid.
pub fn resolve(
    own: TermFields,
    calendar: Option<TermFields>,
    problems: &mut Problems,
) -> Option<Term> {
    let named = own.calendar.clone();
    let under = calendar.unwrap_or_else(|| TermFields::none(own.origin));
    let timezone = own.timezone.or(under.timezone);
    let start = own.start.or(under.start);
    let end = own.end.or(under.end);
    let name = own.name.or(under.name).unwrap_or_default();
    let mut needs = |key: &str| {
        let mut p = Problem::error(format!("`term` needs `{key}`"), Some(own.origin))
            .label(format!("expected `{key}: YYYY-MM-DD` in this term"))
            .help(format!(
                "`{key}` is a date, e.g. `{key}: 2027-02-22`; a term may also take it from a shared calendar (`calendar: PATH`)"
            ));
        if let Some(c) = &named {
            p = p.help(format!(
                "neither the term nor its calendar `{}` gives it",
                c.value
            ));
        }
        problems.push(p);
    };
    let (start, end) = match (start, end) {
        (Given::Value(s), Given::Value(e)) => (s, e),
        (start, end) => {
            if matches!(start, Given::Absent) {
                needs("start");
            }
            if matches!(end, Given::Absent) {
                needs("end");
            }
            return None;
        }
    };
    let (tz_name, tz) = match timezone {
        Given::Value(t) => t.value,
        Given::Absent => (
            "Asia/Shanghai".to_string(),
            TimeZone::get("Asia/Shanghai").ok()?,
        ),
        Given::Invalid => return None,
    };
    if end.value < start.value {
        problems.push(
            Problem::error(
                format!(
                    "the term ends (`{}`) before it starts (`{}`)",
                    end.value, start.value
                ),
                Some(end.origin),
            )
            .label("expected a date on or after `term.start`")
            .help("`term.end` is the term's last day; `start` its first"),
        );
        return None;
    }
    let mut holidays = under.holidays;
    holidays.extend(own.holidays);
    let mut workdays: Vec<Workday> = under
        .workdays
        .into_iter()
        .filter(|w| !own.workdays.iter().any(|o| o.date == w.date))
        .collect();
    workdays.extend(own.workdays);
    Some(Term {
        name,
        tz_name,
        tz,
        start: start.value,
        end: end.value,
        holidays,
        workdays,
    })
}
