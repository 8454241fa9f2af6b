//! The `term` of a YAML schedule: its dates, time zone, holidays and make-up workdays.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::reader::Reader;
use crate::schedule::model::{Holiday, RunsAs, Term, Workday};
use crate::schedule::node::{Kind, Node};
use crate::schedule::source::Origin;
use crate::schedule::values;

const TERM_FIELDS: &[&str] = &["name", "timezone", "start", "end", "holidays", "workdays"];
const HOLIDAY_FIELDS: &[&str] = &["date", "from", "to", "name"];
const WORKDAY_FIELDS: &[&str] = &["date", "as"];

impl Reader<'_> {
    pub(super) fn term(&mut self, node: &Node) -> Option<Term> {
        let f = self.fields(node, "term", "`term`", TERM_FIELDS)?;
        let name = f
            .get("name")
            .and_then(|n| self.text(n, "term.name"))
            .map(|s| s.value)
            .unwrap_or_default();
        let (tz_name, tz) = match f.get("timezone") {
            Some(n) => {
                let t = self.value(n, "term.timezone", |s| {
                    TimeZone::get(s.trim())
                        .map(|tz| (s.trim().to_string(), tz))
                        .map_err(|_| "an IANA time zone name like `Asia/Shanghai`".to_string())
                })?;
                t.value
            }
            None => {
                let tz = TimeZone::get("Asia/Shanghai").ok()?;
                ("Asia/Shanghai".to_string(), tz)
            }
        };
        let start = self.required(&f, "start", "term", values::date);
        let end = self.required(&f, "end", "term", values::date);
        let mut holidays = Vec::new();
        if let Some(n) = f.get("holidays") {
            holidays = self.holidays(n);
        }
        let mut workdays = Vec::new();
        if let Some(n) = f.get("workdays") {
            workdays = self.workdays(n);
        }
        let (start, end) = (start?, end?);
        self.check_days(&holidays, &workdays, (start.value, end.value));
        let holidays = holidays.into_iter().map(|(h, _)| h).collect();
        let workdays = workdays.into_iter().map(|(w, _)| w).collect();
        if end.value < start.value {
            self.error(
                format!(
                    "the term ends (`{}`) before it starts (`{}`)",
                    end.value, start.value
                ),
                end.origin,
            )
            .label = Some("expected a date on or after `term.start`".into());
            self.last().help = Some("`term.end` is the term's last day; `start` its first".into());
            return None;
        }
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

    /// A make-up day that is also a holiday, listed twice, or outside the term
    /// is a mistake the calendar would otherwise settle silently.
    fn check_days(
        &mut self,
        holidays: &[(Holiday, Origin)],
        workdays: &[(Workday, Origin)],
        (start, end): (Date, Date),
    ) {
        for (i, (w, at)) in workdays.iter().enumerate() {
            let date = w.date;
            if let Some((_, first)) = workdays[..i].iter().find(|(o, _)| o.date == date) {
                let other = self.place(*first);
                self.error(format!("the make-up day `{date}` is listed twice"), *at)
                    .help = Some(format!("it is also listed at {other}; keep one"));
                self.last().label = Some("expected each make-up day once".into());
                self.last().also.push(*first);
            } else if !(start..=end).contains(&date) {
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

    fn holidays(&mut self, node: &Node) -> Vec<(Holiday, Origin)> {
        let Kind::Seq(items) = &node.kind else {
            self.type_error(node, "term.holidays", "a list of dates or ranges");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("term.holidays[{i}]");
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

    fn workdays(&mut self, node: &Node) -> Vec<(Workday, Origin)> {
        let Kind::Seq(items) = &node.kind else {
            self.type_error(node, "term.workdays", "a list of `{ date, as }`");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("term.workdays[{i}]");
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
