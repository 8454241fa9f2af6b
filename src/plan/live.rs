//! One planned session, what its class gives it, and the plan as a whole.

use std::fmt;
use std::sync::Arc;

use jiff::ZonedDateTime;
use jiff::civil::{Date, Weekday};
use serde::{Serialize, Serializer};

use super::create_body::CreateBody;
use super::json_text::{escaped, int};
use super::key::SessionKey;
use crate::schedule::{LivingKind, Problems};
use crate::wecom::types::{ActivityDetail, CreateLiving};

/// What every session of one class has in common: made once per class and
/// shared by its sessions, which hold only what is theirs.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveClass {
    pub id: Arc<str>,
    /// The class's place among the schedule's classes.
    pub index: usize,
    /// Theme template with `{n}`, `{week}`, `{date}` placeholders.
    pub theme: String,
    pub kind: LivingKind,
    /// Seconds.
    pub duration: i64,
    /// Seconds before the start.
    pub remind: Option<i64>,
    pub description: Option<String>,
    pub agentid: Option<i64>,
    /// What an activity live (type 4) sends besides: `None` for every other kind.
    pub activity: Option<ActivityBody>,
}

/// The fields of `living/create` only an activity live has, pictures as their
/// media_id or `upload:PATH`.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityBody {
    pub cover: Option<String>,
    pub share: Option<String>,
    pub detail: ActivityDetail,
}

/// One session as it will exist in WeCom.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedLive {
    /// Stable: the ledger knows the session by it.
    pub key: SessionKey,
    pub class: Arc<LiveClass>,
    /// Session number within the class (the `{n}` of themes).
    pub n: u32,
    pub start: ZonedDateTime,
    /// The teaching week of the start.
    pub week: i32,
    /// The class's, or the one a change gave this session.
    pub anchor: Arc<str>,
    /// Things worth telling about this session (moved, DST shift, make-up day).
    pub notes: Vec<String>,
}

impl PlannedLive {
    pub fn class_id(&self) -> &str {
        self.key.class()
    }

    /// The local date the recurrence gave, before any change moved it.
    pub fn original_date(&self) -> Date {
        self.key.date()
    }

    pub fn weekday(&self) -> Weekday {
        self.start.weekday()
    }

    pub fn kind(&self) -> LivingKind {
        self.class.kind
    }

    /// Seconds.
    pub fn duration(&self) -> i64 {
        self.class.duration
    }

    pub fn description(&self) -> Option<&str> {
        self.class.description.as_deref()
    }

    /// The class's theme with `{n}`, `{week}` and `{date}` filled in, written out
    /// where it is wanted (`to_string()` for a `String`).
    pub fn theme(&self) -> Theme<'_> {
        Theme {
            template: &self.class.theme,
            n: self.n,
            week: self.week,
            date: self.start.date(),
        }
    }

    /// The exact `living/create` body (local image files as `upload:PATH`).
    pub fn request(&self) -> CreateLiving {
        let body = self.body();
        CreateLiving {
            anchor_userid: body.anchor_userid.to_string(),
            theme: self.theme().to_string(),
            living_start: body.living_start,
            living_duration: body.living_duration,
            living_type: body.living_type,
            description: body.description.map(str::to_string),
            agentid: body.agentid,
            remind_time: body.remind_time,
            activity_cover_mediaid: body.activity_cover_mediaid.map(str::to_string),
            activity_share_mediaid: body.activity_share_mediaid.map(str::to_string),
            activity_detail: body.activity_detail.cloned(),
        }
    }

    /// The same body borrowed: see [`CreateBody`].
    pub fn body(&self) -> CreateBody<'_> {
        let class = &*self.class;
        let activity = class.activity.as_ref();
        CreateBody {
            activity_cover_mediaid: activity.and_then(|a| a.cover.as_deref()),
            activity_detail: activity.map(|a| &a.detail),
            activity_share_mediaid: activity.and_then(|a| a.share.as_deref()),
            agentid: class.agentid,
            anchor_userid: &self.anchor,
            // An activity live's description goes in its `activity_detail`.
            description: match activity {
                Some(_) => None,
                None => class.description.as_deref(),
            },
            living_duration: class.duration,
            living_start: self.start.timestamp().as_second(),
            remind_time: class.remind,
            theme: self.theme(),
            living_type: class.kind.code(),
        }
    }
}

/// A theme filled in for one session: `{n}` its number, `{week}` its teaching
/// week, `{date}` its date like `3月1日`.
#[derive(Debug, Clone, Copy)]
pub struct Theme<'a> {
    pub template: &'a str,
    pub n: u32,
    pub week: i32,
    pub date: Date,
}

/// A piece of a filled-in theme: the template's own text, or what one of its
/// placeholders stands for.
enum Piece<'t> {
    Text(&'t str),
    Number(i64),
    /// `{date}`.
    Date(MonthDay),
}

/// A date as `{date}` fills it in: `3月1日`.
struct MonthDay(Date);

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}月{}日", self.0.month(), self.0.day())
    }
}

/// A piece of a theme's template: its own text, or a placeholder.
#[derive(Debug, Clone, Copy)]
enum Slot<'t> {
    Text(&'t str),
    N,
    Week,
    Date,
}

/// The pieces of `template` in order, each given to `each`; the first error stops it.
fn slots<'t, E>(
    template: &'t str,
    mut each: impl FnMut(Slot<'t>) -> Result<(), E>,
) -> Result<(), E> {
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        each(Slot::Text(&rest[..at]))?;
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("{n}") {
            each(Slot::N)?;
            rest = after;
        } else if let Some(after) = rest.strip_prefix("{week}") {
            each(Slot::Week)?;
            rest = after;
        } else if let Some(after) = rest.strip_prefix("{date}") {
            each(Slot::Date)?;
            rest = after;
        } else {
            each(Slot::Text("{"))?;
            rest = &rest[1..];
        }
    }
    each(Slot::Text(rest))
}

/// A theme template cut into its pieces once, its text escaped as JSON: the
/// themes of one class's sessions written without going through the template
/// again for each (see [`Theme::write_escaped`]).
#[derive(Debug, Default)]
pub(crate) struct EscapedTemplate {
    /// The template's text, escaped.
    text: Vec<u8>,
    fills: Vec<Fill>,
}

/// A piece of an [`EscapedTemplate`]: where its text ends, or a placeholder.
#[derive(Debug, Clone, Copy)]
enum Fill {
    TextTo(usize),
    N,
    Week,
    Date,
}

impl EscapedTemplate {
    pub(crate) fn new(template: &str) -> EscapedTemplate {
        let mut out = EscapedTemplate::default();
        let _ = slots(template, |slot| {
            out.fills.push(match slot {
                Slot::Text(text) => {
                    escaped(&mut out.text, text);
                    Fill::TextTo(out.text.len())
                }
                Slot::N => Fill::N,
                Slot::Week => Fill::Week,
                Slot::Date => Fill::Date,
            });
            Ok::<(), ()>(())
        });
        out
    }

    /// `theme`, of this template, written as [`Theme::write_escaped`] writes it.
    pub(crate) fn write(&self, buf: &mut Vec<u8>, theme: &Theme<'_>) {
        let mut from = 0;
        for fill in &self.fills {
            match *fill {
                Fill::TextTo(to) => {
                    buf.extend_from_slice(&self.text[from..to]);
                    from = to;
                }
                Fill::N => int(buf, i64::from(theme.n)),
                Fill::Week => int(buf, i64::from(theme.week)),
                Fill::Date => {
                    let _ =
                        std::io::Write::write_fmt(buf, format_args!("{}", MonthDay(theme.date)));
                }
            }
        }
    }
}

impl<'a> Theme<'a> {
    /// The theme's pieces in order, each given to `each`; the first error stops it.
    fn pieces<E>(&self, mut each: impl FnMut(Piece<'a>) -> Result<(), E>) -> Result<(), E> {
        slots(self.template, |slot| {
            each(match slot {
                Slot::Text(text) => Piece::Text(text),
                Slot::N => Piece::Number(i64::from(self.n)),
                Slot::Week => Piece::Number(i64::from(self.week)),
                Slot::Date => Piece::Date(MonthDay(self.date)),
            })
        })
    }

    /// The theme as the inside of a JSON string, written straight into `buf`:
    /// what `Display` writes, escaped.
    pub(crate) fn write_escaped(&self, buf: &mut Vec<u8>) {
        let _ = self.pieces(|piece| {
            match piece {
                Piece::Text(text) => escaped(buf, text),
                Piece::Number(n) => int(buf, n),
                // Digits and CJK: nothing to escape.
                Piece::Date(date) => {
                    let _ = std::io::Write::write_fmt(buf, format_args!("{date}"));
                }
            }
            Ok::<(), ()>(())
        });
    }
}

impl fmt::Display for Theme<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pieces(|piece| match piece {
            Piece::Text(text) => f.write_str(text),
            Piece::Number(n) => write!(f, "{n}"),
            Piece::Date(date) => date.fmt(f),
        })
    }
}

impl Serialize for Theme<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The classes `lives` are of, each once: its id at its place among the
/// schedule's classes ([`LiveClass::index`]), `None` for a class with no session there.
pub(crate) fn class_ids<'a>(
    lives: impl IntoIterator<Item = &'a PlannedLive>,
) -> Vec<Option<&'a str>> {
    let mut classes: Vec<Option<&str>> = Vec::new();
    for l in lives {
        let index = l.class.index;
        if index >= classes.len() {
            classes.resize(index + 1, None);
        }
        classes[index].get_or_insert_with(|| l.class_id());
    }
    classes
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
    pub class: Arc<str>,
    pub date: Date,
    pub reason: SkipReason,
}

/// The term expanded: every session, every dropped one, and what is worth saying.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Sorted by start, then key.
    pub lives: Vec<PlannedLive>,
    /// Sorted by date, then class.
    pub skipped: Vec<Skipped>,
    pub problems: Problems,
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// How themes were filled before `Theme`: one `replace` after another.
    fn replaced(template: &str, n: u32, week: i32, date: Date) -> String {
        template
            .replace("{n}", &n.to_string())
            .replace("{week}", &week.to_string())
            .replace("{date}", &format!("{}月{}日", date.month(), date.day()))
    }

    #[test]
    fn a_body_reads_as_the_value_of_its_request() {
        let plan = crate::plan::example_plan();
        assert!(plan.lives.iter().any(|l| l.class.activity.is_some()));
        for live in &plan.lives {
            let value = serde_json::to_value(live.request()).unwrap();
            assert_eq!(
                serde_json::to_string(&live.body()).unwrap(),
                value.to_string()
            );
            assert_eq!(
                serde_json::to_string_pretty(&live.body()).unwrap(),
                serde_json::to_string_pretty(&value).unwrap()
            );
        }
    }

    #[test]
    fn an_escaped_template_writes_each_theme_as_write_escaped_does() {
        let templates = [
            "机器学习 第{n}讲",
            "{n}{week}{date}\"{n}\\",
            "{{n}} {x} \n\t{",
            "",
            "}{",
        ];
        for template in templates {
            let escaped = EscapedTemplate::new(template);
            for (n, week) in [(1, 1), (12, -3), (105, 0)] {
                let theme = Theme {
                    template,
                    n,
                    week,
                    date: date(2027, 3, 1),
                };
                let (mut by_template, mut by_theme) = (Vec::new(), Vec::new());
                escaped.write(&mut by_template, &theme);
                theme.write_escaped(&mut by_theme);
                assert_eq!(by_template, by_theme, "{template}");
            }
        }
    }

    #[test]
    fn a_theme_fills_in_as_replacing_each_placeholder_did() {
        let templates = [
            "机器学习 第{n}讲",
            "{n}{n}{week}{date}",
            "{{n}} {n{week}} {da{n}te} {week",
            "no placeholder",
            "{",
            "}{",
            "第{week}周 {date} {x}",
            "",
        ];
        for template in templates {
            for (n, week) in [(1, 1), (12, -3), (105, 0)] {
                let day = date(2027, 12, 31);
                let theme = Theme {
                    template,
                    n,
                    week,
                    date: day,
                };
                assert_eq!(
                    theme.to_string(),
                    replaced(template, n, week, day),
                    "{template}"
                );
            }
        }
    }
}
