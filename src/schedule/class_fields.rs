//! The class fields, one entry each: where YAML and CSV write it, how its text is
//! parsed and checked, and what to tell someone who left it out.
//!
//! Both readers hand every scalar of a class to this table, so a field means the
//! same in both formats and a new one is added here once. The readers keep only
//! structure: YAML its `weekly` and `activity` maps and sequences, CSV its rows.

use super::fields::{ActivityFields, ClassFields, Sp};
use super::problem::{Problem, Problems};
use super::source::Origin;
use super::values::{self, Expected};
use crate::wecom::limits::{REMIND_MAX, REMIND_MIN};

mod written;

use written::{Refused, put};
pub use written::{Scalar, Written, refused_value};

/// One class field.
pub struct FieldSpec {
    /// Its place in a YAML class: `theme`, `weekly.days`, `activity.cover`.
    pub name: &'static str,
    /// Its CSV column, when a row can give it.
    pub column: Option<&'static str>,
    /// More names a CSV header may give that column (Chinese ones, say).
    pub aliases: &'static [&'static str],
    /// Takes a list: a YAML sequence, or items separated by `,` `、` `;` … in one text.
    pub list: bool,
    /// What to write, shown when a class lacks the field or the field refuses a value.
    pub help: Option<&'static str>,
    /// Parses and checks what was written, and keeps the typed value in the class's fields.
    store: fn(&Written<'_>, &mut ClassFields) -> Result<(), Vec<Refused>>,
}

/// Every class field, in the order the YAML help lists them.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "id",
        column: Some("id"),
        aliases: &["编号"],
        list: false,
        help: Some(
            "give every class a unique, stable `id`: it keys its sessions, like `ml-101/2027-03-01`",
        ),
        store: |w, c| put(&mut c.id, w.one(class_id)),
    },
    FieldSpec {
        name: "theme",
        column: Some("theme"),
        aliases: &["主题"],
        list: false,
        help: Some("the live's title, e.g. `theme: 机器学习 第{n}讲`"),
        store: |w, c| put(&mut c.theme, w.one(text)),
    },
    FieldSpec {
        name: "anchor",
        column: Some("anchor"),
        aliases: &["主播"],
        list: false,
        help: Some("the anchor's WeCom userid, here or in `defaults`"),
        store: |w, c| put(&mut c.anchor, w.one(text)),
    },
    FieldSpec {
        name: "type",
        column: Some("type"),
        aliases: &["类型"],
        list: false,
        help: Some("`type: training` (企业培训); left out, a live is `general`"),
        store: |w, c| put(&mut c.kind, w.one(values::living_kind)),
    },
    FieldSpec {
        name: "duration",
        column: Some("duration"),
        aliases: &["时长"],
        list: false,
        help: Some("how long each session lasts, e.g. `duration: 90m`"),
        store: |w, c| put(&mut c.duration, w.one(session_length)),
    },
    FieldSpec {
        name: "remind",
        column: Some("remind"),
        aliases: &["提醒"],
        list: false,
        help: Some("how long before the start WeCom reminds the audience, e.g. `remind: 15m`"),
        store: |w, c| put(&mut c.remind, w.one(reminder)),
    },
    FieldSpec {
        name: "description",
        column: Some("description"),
        aliases: &["描述", "简介"],
        list: false,
        help: Some("a text shown with the live, e.g. `description: 第一章 绪论`"),
        store: |w, c| put(&mut c.description, w.one(text)),
    },
    FieldSpec {
        name: "agentid",
        column: Some("agentid"),
        aliases: &["应用ID"],
        list: false,
        help: Some("only for old third-party suites: the app's agentid, e.g. `agentid: 1000002`"),
        store: |w, c| put(&mut c.agentid, w.one(|s| values::whole_from(s, 0))),
    },
    FieldSpec {
        name: "weekly.days",
        column: Some("days"),
        aliases: &["星期"],
        list: true,
        help: Some("weekdays such as `days: [mon, wed]` or `days: 周一、周三`"),
        store: |w, c| put(&mut c.days, w.list(values::weekday)),
    },
    FieldSpec {
        name: "weekly.at",
        column: Some("at"),
        aliases: &["时间"],
        list: true,
        help: Some(
            "times of day on a 24-hour clock, e.g. `at: \"19:00\"` or `at: [\"08:00\", \"14:00\"]`",
        ),
        store: |w, c| put(&mut c.times, w.list(values::time)),
    },
    FieldSpec {
        name: "weekly.every",
        column: Some("every"),
        aliases: &["间隔"],
        list: false,
        help: Some("`every: 2` meets every other teaching week, counted from the class's first"),
        store: |w, c| put(&mut c.every, w.one(|s| values::whole(s, 1, 52))),
    },
    FieldSpec {
        name: "weeks",
        column: Some("weeks"),
        aliases: &["周次"],
        list: false,
        help: Some("teaching weeks such as `1-8,10-16`, `odd` or `even` (`单周`, `双周`)"),
        store: |w, c| put(&mut c.weeks, w.one(values::weeks)),
    },
    FieldSpec {
        name: "at",
        column: Some("at"),
        aliases: &["时间"],
        list: false,
        help: Some("one session's local date and time, e.g. `at: 2027-03-01T19:00`"),
        store: |w, c| put(&mut c.at, w.one(values::datetime)),
    },
    // A CSV row gives one of these as a `date` cell with its time in `at`.
    FieldSpec {
        name: "dates",
        column: Some("date"),
        aliases: &["日期"],
        list: true,
        help: Some("local dates and times, e.g. `dates: [2027-03-11T16:00, 2027-03-18T16:00]`"),
        store: |w, c| put(&mut c.dates, w.list(values::datetime)),
    },
    FieldSpec {
        name: "rrule",
        column: Some("rrule"),
        aliases: &["重复规则"],
        list: false,
        help: Some(
            "an RFC 5545 rule such as `rrule: FREQ=WEEKLY;BYDAY=MO` with `start`, or pasted iCalendar lines",
        ),
        // Untrimmed: the rule's own errors point at offsets inside the text as written.
        store: |w, c| put(&mut c.rrule, w.one(|s| Ok(s.to_string()))),
    },
    FieldSpec {
        name: "start",
        column: Some("start"),
        aliases: &["开始"],
        list: false,
        help: Some(
            "the rule's first date and time, local to the term, e.g. `start: 2027-03-05T15:00`",
        ),
        store: |w, c| put(&mut c.start, w.one(values::datetime)),
    },
    FieldSpec {
        name: "from",
        column: Some("from"),
        aliases: &["起始日期"],
        list: false,
        help: Some("the first day the class may meet, e.g. `from: 2027-03-01`"),
        store: |w, c| put(&mut c.from, w.one(values::date)),
    },
    FieldSpec {
        name: "until",
        column: Some("until"),
        aliases: &["截止日期"],
        list: false,
        help: Some("the last day the class may meet, e.g. `until: 2027-06-30`"),
        store: |w, c| put(&mut c.until, w.one(values::date)),
    },
    FieldSpec {
        name: "count",
        column: Some("count"),
        aliases: &["次数"],
        list: false,
        help: Some("at most this many sessions, e.g. `count: 12`"),
        store: |w, c| put(&mut c.count, w.one(|s| values::whole(s, 1, 100_000))),
    },
    FieldSpec {
        name: "skip",
        column: Some("skip"),
        aliases: &["跳过"],
        list: true,
        help: Some("dates without a session, e.g. `skip: [2027-03-15]`"),
        store: |w, c| put(&mut c.skip, w.list(values::date)),
    },
    FieldSpec {
        name: "learners",
        column: Some("learners"),
        aliases: &[],
        list: true,
        help: Some(
            "who should attend, for `attendance`: userids (`learners: [zhangsan, lisi]`) or a roster CSV with a `userid` column (`learners: rosters/ml-101.csv`)",
        ),
        store: |w, c| put(&mut c.learners, w.spans(learner)),
    },
    FieldSpec {
        name: "activity.cover",
        column: Some("cover"),
        aliases: &["封面"],
        list: false,
        help: Some("a `.png` or `.jpg` file beside the schedule (under 2 MB), or a WeCom media_id"),
        store: |w, c| put(&mut activity(c, w.origin).cover, w.one(text)),
    },
    FieldSpec {
        name: "activity.share",
        column: Some("share"),
        aliases: &["分享图"],
        list: false,
        help: Some("a `.png` or `.jpg` file beside the schedule (under 2 MB), or a WeCom media_id"),
        store: |w, c| put(&mut activity(c, w.origin).share, w.one(text)),
    },
    FieldSpec {
        name: "activity.description",
        column: Some("activity_description"),
        aliases: &["活动描述"],
        list: false,
        help: Some("the activity live's own text, e.g. `activity: { description: 报名须知 }`"),
        store: |w, c| put(&mut activity(c, w.origin).description, w.one(text)),
    },
    FieldSpec {
        name: "activity.images",
        column: Some("images"),
        aliases: &["图片"],
        list: true,
        help: Some("up to 5 pictures: `.png`/`.jpg` files beside the schedule, or media_ids"),
        store: |w, c| put(&mut activity(c, w.origin).images, w.spans(text)),
    },
];

/// The field named `name` (its place in a YAML class).
pub fn spec(name: &str) -> &'static FieldSpec {
    FIELDS
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("`{name}` is not a class field"))
}

/// The CSV columns, each once, in table order.
pub fn columns() -> Vec<&'static str> {
    let mut columns = Vec::new();
    for column in FIELDS.iter().filter_map(|s| s.column) {
        if !columns.contains(&column) {
            columns.push(column);
        }
    }
    columns
}

/// Every name a CSV header may give a column, aliases included.
pub fn column_names() -> Vec<&'static str> {
    let aliases = FIELDS.iter().flat_map(|s| s.aliases.iter().copied());
    columns().into_iter().chain(aliases).collect()
}

/// The column a CSV header cell names, by its name or an alias.
pub fn column_named(header: &str) -> Option<&'static str> {
    FIELDS
        .iter()
        .find(|s| s.column == Some(header) || s.aliases.contains(&header))
        .and_then(|s| s.column)
}

impl FieldSpec {
    /// The map it sits in inside a YAML class (`weekly`, `activity`), if any.
    pub fn within(&self) -> Option<&'static str> {
        self.name.split_once('.').map(|(map, _)| map)
    }

    /// Its key in that map, or in the class itself.
    pub fn key(&self) -> &'static str {
        self.name.split_once('.').map_or(self.name, |(_, key)| key)
    }

    /// `problem` with this field's help, when it has one.
    pub fn explain(&self, problem: Problem) -> Problem {
        match self.help {
            Some(help) => problem.help(help),
            None => problem,
        }
    }

    /// Checks what was written and keeps it in `c`. An empty value is no value:
    /// the field stays unset (so `defaults` may fill it), and its place is kept
    /// to point at should the class need it.
    pub fn read(&self, written: &Written<'_>, c: &mut ClassFields, problems: &mut Problems) {
        if written.blank {
            c.blank.push((self.name, written.origin));
            return;
        }
        // Far beyond any limit WeCom has: refused before it is parsed, filled into
        // every session, or echoed whole.
        if let Some(long) = written
            .items
            .iter()
            .find(|i| i.text.chars().count() > MAX_VALUE_CHARS)
        {
            problems.push(
                Problem::error(
                    format!(
                        "`{}` is {} characters long",
                        long.path,
                        long.text.chars().count()
                    ),
                    Some(long.origin),
                )
                .label(format!("expected at most {MAX_VALUE_CHARS} characters")),
            );
            c.invalid.push(self.name);
            return;
        }
        if let Err(refused) = (self.store)(written, c) {
            for r in refused {
                problems.push(self.explain(refused_value(&written.items[r.item], &r.expected)));
            }
            c.invalid.push(self.name);
        }
    }
}

/// The longest value any class field takes, in characters.
pub const MAX_VALUE_CHARS: usize = 2_000;

/// The class's `activity`, begun at the first of its fields written.
fn activity(c: &mut ClassFields, origin: Origin) -> &mut ActivityFields {
    &mut c
        .activity
        .get_or_insert_with(|| Sp::new(ActivityFields::default(), origin))
        .value
}

fn text(s: &str) -> Result<String, Expected> {
    Ok(s.trim().to_string())
}

/// An id becomes part of every session key (`ml-101/2027-03-01`) and of the ledger.
fn class_id(s: &str) -> Result<String, Expected> {
    let id = s.trim();
    if id
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        Ok(id.to_string())
    } else {
        Err("letters, digits, `-`, `_` or `.`".to_string())
    }
}

/// A learner: a WeCom userid, or a roster file naming learners.
fn learner(s: &str) -> Result<String, Expected> {
    let item = s.trim();
    if is_roster(item) || values::userid(item).is_ok() {
        Ok(item.to_string())
    } else {
        Err(
            "a WeCom userid (letters, digits, `_`, `-`, `@`, `.`) or a roster `.csv` file"
                .to_string(),
        )
    }
}

/// Whether a `learners` item names a roster file rather than a userid.
pub fn is_roster(item: &str) -> bool {
    item.to_ascii_lowercase().ends_with(".csv")
}

/// A session lasts more than nothing and at most a day.
fn session_length(s: &str) -> Result<i64, Expected> {
    let seconds = values::duration(s)?;
    if seconds <= 0 || seconds > 24 * 3600 {
        return Err("a duration of more than 0 and at most 24h".to_string());
    }
    Ok(seconds)
}

/// A reminder is sent at most a week before the session.
fn reminder(s: &str) -> Result<i64, Expected> {
    let seconds = values::duration(s)?;
    if !(REMIND_MIN..=REMIND_MAX).contains(&seconds) {
        return Err("a reminder of at most 7 days (168h) before the start".to_string());
    }
    Ok(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_columns_are_unique() {
        let mut names: Vec<&str> = FIELDS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FIELDS.len());
        // `at` alone is the only column two fields share: which one a row means
        // depends on its `days` and `date`.
        let mut columns: Vec<&str> = FIELDS.iter().filter_map(|s| s.column).collect();
        columns.sort_unstable();
        let shared: Vec<&str> = columns
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect();
        assert_eq!(shared, ["at"]);
    }

    #[test]
    fn a_field_sits_in_a_class_or_in_one_of_its_maps() {
        for spec in FIELDS {
            assert!(
                matches!(spec.within(), None | Some("weekly" | "activity")),
                "{}",
                spec.name
            );
        }
        assert_eq!(spec("weekly.days").key(), "days");
        assert_eq!(spec("theme").key(), "theme");
    }
}
