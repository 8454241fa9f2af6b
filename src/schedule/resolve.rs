//! From written fields to a class: defaults applied, required fields checked,
//! exactly one way of recurring, media told apart from files.

use crate::wecom::limits::IMAGE_MAX_BYTES;
use std::path::Path;

use super::class_fields;
use super::fields::{ClassFields, Sp};
use super::model::{Activity, Bounds, Class, LivingKind, Media, Recurrence, RuleSpec, Weekly};
use super::problem::{Problem, Problems};
use super::source::{Origin, Sources, value_offset};
use crate::calendar::rrule::{RRuleError, parse_ical};

/// One class from its written fields, `defaults` already applied; `fallback` is
/// where to point when it has no `id`.
pub fn class(
    fields: ClassFields,
    fallback: Origin,
    base_dir: &Path,
    sources: &Sources,
    problems: &mut Problems,
) -> Option<Class> {
    let id = class_id(&fields, fallback, problems)?;
    let theme = required(&fields.theme, "theme", &id, &fields, problems);
    let anchor = required(&fields.anchor, "anchor", &id, &fields, problems);
    let duration = required(&fields.duration, "duration", &id, &fields, problems);
    let recurrence = recurrence(&id, &fields, sources, problems);
    let activity = fields
        .activity
        .as_ref()
        .map(|a| activity(&a.value, base_dir, problems));
    let bounds = bounds(&id, &fields, problems);
    Some(Class {
        id: id.value.clone(),
        theme: theme?,
        anchor: anchor?,
        kind: fields.kind.map_or(LivingKind::General, |k| k.value),
        duration: duration?,
        remind: fields.remind.map(|r| r.value),
        description: fields.description.map(|d| d.value),
        activity,
        agentid: fields.agentid.map(|a| a.value),
        recurrence: recurrence?,
        bounds,
        origin: id.origin,
    })
}

/// The class's `id`; one it refused was reported where it was written.
fn class_id(fields: &ClassFields, fallback: Origin, problems: &mut Problems) -> Option<Sp<String>> {
    if fields.id.is_none() && !fields.invalid.contains(&"id") {
        let at = fields.blank_at("id").unwrap_or(fallback);
        problems.push(
            class_fields::spec("id")
                .explain(Problem::error("a class has no `id`", Some(at)).label("this class")),
        );
    }
    fields.id.clone()
}

/// A field every class needs, from the class or from `defaults`; reported where it
/// was left empty, or else at the class's `id`, unless a bad value was reported.
fn required<T: Clone>(
    value: &Option<Sp<T>>,
    name: &'static str,
    id: &Sp<String>,
    fields: &ClassFields,
    problems: &mut Problems,
) -> Option<T> {
    if value.is_none() && !fields.invalid.contains(&name) {
        let (origin, label) = match fields.blank_at(name) {
            Some(blank) => (blank, format!("`{name}` is empty")),
            None => (id.origin, format!("`{name}` missing")),
        };
        let message = format!("class `{}` has no `{name}`", id.value);
        problems.push(
            class_fields::spec(name).explain(Problem::error(message, Some(origin)).label(label)),
        );
    }
    value.as_ref().map(|v| v.value.clone())
}

fn bounds(id: &Sp<String>, fields: &ClassFields, problems: &mut Problems) -> Bounds {
    if let (Some(from), Some(until)) = (&fields.from, &fields.until)
        && until.value < from.value
    {
        problems.push(
            Problem::error(
                format!("class `{}` ends before it starts", id.value),
                Some(until.origin),
            )
            .label("expected a date on or after `from`"),
        );
    }
    Bounds {
        from: fields.from.as_ref().map(|s| s.value),
        until: fields.until.as_ref().map(|s| s.value),
        count: fields.count.as_ref().map(|s| s.value),
        skip: fields
            .skip
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_default(),
    }
}

fn recurrence(
    id: &Sp<String>,
    f: &ClassFields,
    sources: &Sources,
    problems: &mut Problems,
) -> Option<Recurrence> {
    let mut ways: Vec<(&str, Origin)> = Vec::new();
    if let Some(o) = f.weekly {
        ways.push(("weekly", o));
    }
    if let Some(r) = &f.rrule {
        ways.push(("rrule", r.origin));
    }
    if let Some(a) = &f.at {
        ways.push(("at", a.origin));
    }
    if let Some(d) = &f.dates {
        ways.push(("dates", d.origin));
    }
    match ways.as_slice() {
        [] if !f.invalid.is_empty() => None,
        [] => {
            problems.push(
                Problem::error(format!("class `{}` never meets", id.value), Some(id.origin))
                    .label("no `weekly`, `rrule`, `at` or `dates`")
                    .help("add e.g. `weekly: { days: [mon], at: \"19:00\" }` or `at: 2027-03-01T19:00`"),
            );
            None
        }
        [(way, _)] => match *way {
            "weekly" => {
                let times = f.times.as_ref()?;
                let mut sorted = times.value.clone();
                sorted.sort();
                if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
                    problems.push(
                        Problem::error(
                            format!(
                                "`at` of class `{}` lists {} twice",
                                id.value,
                                w[0].strftime("%H:%M")
                            ),
                            Some(times.origin),
                        )
                        .label("a time given twice"),
                    );
                    return None;
                }
                Some(Recurrence::Weekly(Weekly {
                    days: f.days.as_ref()?.value.clone(),
                    at: f.times.as_ref()?.value.clone(),
                    every: f.every.as_ref().map_or(1, |e| e.value),
                    weeks: f.weeks.as_ref().map(|w| w.value.clone()),
                }))
            }
            "rrule" => rule(id, f.rrule.as_ref()?, f.start.as_ref(), sources, problems)
                .map(|r| Recurrence::Rule(Box::new(r))),
            "at" => Some(Recurrence::Dates(vec![f.at.as_ref()?.value])),
            _ => Some(Recurrence::Dates(f.dates.as_ref()?.value.clone())),
        },
        [(first, _), rest @ ..] => {
            for (way, origin) in rest {
                problems.push(
                    Problem::error(
                        format!("class `{}` gives both `{first}` and `{way}`", id.value),
                        Some(*origin),
                    )
                    .label("a second way of recurring")
                    .help("a class recurs one way: `weekly`, `rrule`, `at` or `dates`; split it into two classes"),
                );
            }
            None
        }
    }
}

fn activity(
    a: &super::fields::ActivityFields,
    base_dir: &Path,
    problems: &mut Problems,
) -> Activity {
    let mut media = |s: &Sp<String>| media(s, base_dir, problems);
    Activity {
        cover: a.cover.as_ref().and_then(&mut media),
        share: a.share.as_ref().and_then(&mut media),
        description: a.description.as_ref().map(|d| d.value.clone()),
        images: a
            .images
            .as_ref()
            .map(|list| list.value.iter().filter_map(&mut media).collect())
            .unwrap_or_default(),
    }
}

/// A picture is a file when it names one (`.png`, `.jpg`, `.jpeg`); else a `media_id`.
fn media(s: &Sp<String>, base_dir: &Path, problems: &mut Problems) -> Option<Media> {
    let lower = s.value.to_lowercase();
    if !(lower.ends_with(".png") || lower.ends_with(".jpg") || lower.ends_with(".jpeg")) {
        return Some(Media::MediaId(s.value.clone()));
    }
    let path = base_dir.join(&s.value);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.len() > IMAGE_MAX_BYTES as u64 => {
            problems.push(
                Problem::error(format!("image `{}` is over 2 MB", s.value), Some(s.origin))
                    .label(format!("{} bytes", meta.len()))
                    .help("WeCom accepts JPG or PNG images under 2 MB"),
            );
            None
        }
        Ok(_) => Some(Media::File(path)),
        Err(_) => {
            problems.push(
                Problem::error(format!("image `{}` not found", s.value), Some(s.origin))
                    .label(format!("looked for `{}`", path.display()))
                    .help("paths are relative to the schedule file; a WeCom media_id has no file extension"),
            );
            None
        }
    }
}

/// An `rrule` value: a bare rule with `start`, or pasted iCalendar lines that carry
/// their own `DTSTART` (and maybe `RDATE`/`EXDATE`). Errors point inside the value.
fn rule(
    id: &Sp<String>,
    text: &Sp<String>,
    start: Option<&Sp<jiff::civil::DateTime>>,
    sources: &Sources,
    problems: &mut Problems,
) -> Option<RuleSpec> {
    let file_text = &sources.get(text.origin.file).text;
    let report = |err: RRuleError, problems: &mut Problems| {
        let from = value_offset(file_text, text.origin, &text.value, err.span.start);
        let to = value_offset(file_text, text.origin, &text.value, err.span.end);
        let mut p = Problem::error(
            format!("invalid `rrule` of class `{}`: {}", id.value, err.message),
            Some(Origin::new(text.origin.file, from, to.saturating_sub(from))),
        )
        .label(err.message.clone());
        if let Some(h) = err.help {
            p = p.help(h);
        }
        problems.push(p);
    };
    // A bare rule is a block of one line: both read the same way.
    let parsed = parse_ical(&text.value);
    let mut spec = match parsed {
        Ok(spec) => spec,
        Err(err) => {
            report(err, problems);
            return None;
        }
    };
    if let Some(rule) = &spec.rule
        && let Err(err) = rule.check_satisfiable()
    {
        report(err, problems);
        return None;
    }
    match (spec.dtstart, start) {
        (Some(_), Some(s)) => {
            problems.push(
                Problem::error(
                    format!(
                        "class `{}` gives its start twice: in `rrule` (DTSTART) and in `start`",
                        id.value
                    ),
                    Some(s.origin),
                )
                .label("remove this, or the DTSTART line"),
            );
            return None;
        }
        (None, Some(s)) => spec.dtstart = Some(s.value),
        (Some(_), None) => {}
        (None, None) => {
            problems.push(
                Problem::error(
                    format!("class `{}` has an `rrule` but no `start`", id.value),
                    Some(text.origin),
                )
                .label("the rule needs its first date and time")
                .help("add `start: 2027-03-05T15:00` (local time in the term's zone)"),
            );
            return None;
        }
    }
    Some(RuleSpec {
        spec,
        origin: text.origin,
    })
}
