//! From written fields to a class: defaults applied, required fields checked,
//! exactly one way of recurring, media told apart from files.

use crate::wecom::limits::IMAGE_MAX_BYTES;
use std::path::Path;

use super::class_fields;
use super::fields::{ClassFields, Sp};
use super::model::{Activity, Bounds, Class, LivingKind, Media, Places, Recurrence, Term, Weekly};
use super::problem::{Problem, Problems};
use super::reach::{Reach, is_picture};
use super::rule_value;
use super::source::{Origin, Sources};

/// What a class is resolved against: the term (its zone, for rules), the schedule's
/// folder (for pictures) and the files read (for places inside values).
pub struct Context<'a> {
    pub term: Option<&'a Term>,
    pub base_dir: &'a Path,
    /// How far the files a class names may be.
    pub reach: &'a Reach,
    pub sources: &'a Sources,
}

/// Where the files a class names are looked for, and how far they may reach.
pub struct Files<'a> {
    /// The schedule's folder: paths are relative to it.
    pub dir: &'a Path,
    pub reach: &'a Reach,
}

/// One class from its written fields, `defaults` already applied; `fallback` is
/// where to point when it has no `id`.
pub fn class(
    fields: ClassFields,
    fallback: Origin,
    cx: &Context<'_>,
    problems: &mut Problems,
) -> Option<Class> {
    let id = class_id(&fields, fallback, problems)?;
    let theme = required(&fields.theme, "theme", &id, &fields, problems);
    let anchor = required(&fields.anchor, "anchor", &id, &fields, problems);
    let duration = required(&fields.duration, "duration", &id, &fields, problems);
    let recurrence = recurrence(&id, &fields, cx, problems);
    let activity = fields
        .activity
        .as_ref()
        .map(|a| activity(&a.value, cx, problems));
    let bounds = bounds(&id, &fields, problems);
    let (recurrence, when) = recurrence?;
    let (theme, anchor) = (theme?, anchor?);
    let written = fields.activity.as_ref().map(|a| &a.value);
    let places = Places {
        theme: theme.origin,
        anchor: anchor.origin,
        description: fields.description.as_ref().map(|d| d.origin),
        when,
        activity: fields.activity.as_ref().map(|a| a.origin),
        activity_description: written.and_then(|a| a.description.as_ref().map(|d| d.origin)),
        images: written.and_then(|a| a.images.as_ref().map(|i| i.origin)),
    };
    Some(Class {
        id: id.value.clone(),
        theme: theme.value,
        anchor: anchor.value,
        kind: fields.kind.map_or(LivingKind::General, |k| k.value),
        duration: duration?.value,
        remind: fields.remind.map(|r| r.value),
        description: fields.description.map(|d| d.value),
        activity,
        agentid: fields.agentid.map(|a| a.value),
        recurrence,
        bounds,
        origin: id.origin,
        places,
        // Read after the classes (rosters add to the sources): see `load`.
        learners: Vec::new(),
    })
}

/// The class's `id`; one it refused was reported where it was written.
fn class_id(fields: &ClassFields, fallback: Origin, problems: &mut Problems) -> Option<Sp<String>> {
    if fields.id.is_none() && !fields.invalid.contains(&"id") {
        let at = fields.blank_at("id").unwrap_or(fallback);
        problems.push(class_fields::spec("id").explain(
            Problem::error("a class has no `id`", Some(at)).label("expected an `id` in this class"),
        ));
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
) -> Option<Sp<T>> {
    if value.is_none() && !fields.invalid.contains(&name) {
        let (origin, label) = match fields.blank_at(name) {
            Some(blank) => (blank, format!("expected a value: `{name}` is empty")),
            None => (
                id.origin,
                format!("expected `{name}` in this class or `defaults`"),
            ),
        };
        let message = format!("class `{}` has no `{name}`", id.value);
        problems.push(
            class_fields::spec(name).explain(Problem::error(message, Some(origin)).label(label)),
        );
    }
    value.clone()
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
            .label("expected a date on or after `from`")
            .help("`from` and `until` bound the class's sessions, both days included"),
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

/// How the class recurs, and where that was written.
fn recurrence(
    id: &Sp<String>,
    f: &ClassFields,
    cx: &Context<'_>,
    problems: &mut Problems,
) -> Option<(Recurrence, Origin)> {
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
                    .label("expected `weekly`, `rrule`, `at` or `dates`")
                    .help("add e.g. `weekly: { days: [mon], at: \"19:00\" }` or `at: 2027-03-01T19:00`"),
            );
            None
        }
        [(way, when)] => match *way {
            "weekly" => Some((Recurrence::Weekly(weekly(id, f, problems)?), *when)),
            "rrule" => rule_value::rule(
                id,
                f.rrule.as_ref()?,
                f.start.as_ref(),
                cx.term,
                f.duration.as_ref().map(|d| d.value),
                cx.sources,
                problems,
            )
            .map(|r| (Recurrence::Rule(Box::new(r)), *when)),
            "at" => Some((Recurrence::Dates(vec![f.at.as_ref()?.value]), *when)),
            _ => Some((Recurrence::Dates(f.dates.as_ref()?.value.clone()), *when)),
        },
        [(first, _), rest @ ..] => {
            for (way, origin) in rest {
                problems.push(
                    Problem::error(
                        format!("class `{}` gives both `{first}` and `{way}`", id.value),
                        Some(*origin),
                    )
                    .label("expected one way of recurring")
                    .help("a class recurs one way: `weekly`, `rrule`, `at` or `dates`; split it into two classes"),
                );
            }
            None
        }
    }
}

/// A class's `weekly` recurrence, or `None` (with the problem reported) when its
/// times repeat one.
fn weekly(id: &Sp<String>, f: &ClassFields, problems: &mut Problems) -> Option<Weekly> {
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
            .label("expected each time once")
            .help("a class meeting twice a day lists two different times, as in `[\"08:00\", \"14:00\"]`"),
        );
        return None;
    }
    Some(Weekly {
        days: f.days.as_ref()?.value.clone(),
        at: times.value.clone(),
        every: f.every.as_ref().map_or(1, |e| e.value),
        weeks: f.weeks.as_ref().map(|w| w.value.clone()),
    })
}

fn activity(
    a: &super::fields::ActivityFields,
    cx: &Context<'_>,
    problems: &mut Problems,
) -> Activity {
    let files = Files {
        dir: cx.base_dir,
        reach: cx.reach,
    };
    let mut media = |s: &Sp<String>| media(s, &files, problems);
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

/// A picture: a WeCom `media_id`, or a local PNG or JPEG (by its bytes) under
/// 2 MB inside the files' reach.
fn media(s: &Sp<String>, files: &Files<'_>, problems: &mut Problems) -> Option<Media> {
    let lower = s.value.to_lowercase();
    if !(lower.ends_with(".png") || lower.ends_with(".jpg") || lower.ends_with(".jpeg")) {
        return Some(Media::MediaId(s.value.clone()));
    }
    let path = files.dir.join(&s.value);
    let refuse = |why: String, label: String, problems: &mut Problems| {
        problems.push(
            Problem::error(format!("image `{}` {why}", s.value), Some(s.origin))
                .label(label)
                .help("paths are relative to the schedule file and stay inside the folder the run was started in; a WeCom media_id has no file extension"),
        );
        None
    };
    if !path.exists() {
        return refuse(
            "not found".into(),
            format!("expected a picture file; looked for `{}`", path.display()),
            problems,
        );
    }
    let real = match files.reach.check(&path) {
        Ok(real) => real,
        Err(why) => {
            return refuse(
                format!("cannot be read: {why}"),
                "expected a picture inside the folder the run was started in".into(),
                problems,
            );
        }
    };
    let mut head = [0u8; 8];
    let read = std::fs::File::open(&real).and_then(|mut f| {
        use std::io::Read;
        f.read(&mut head)
    });
    let (n, meta) = match (read, std::fs::metadata(&real)) {
        (Ok(n), Ok(meta)) => (n, meta),
        (Err(err), _) | (_, Err(err)) => {
            return refuse(
                format!("cannot be read: {err}"),
                "expected a picture file that can be read".into(),
                problems,
            );
        }
    };
    if meta.len() > IMAGE_MAX_BYTES as u64 {
        problems.push(
            Problem::error(format!("image `{}` is over 2 MB", s.value), Some(s.origin))
                .label(format!(
                    "expected at most 2 MB; this is {} bytes",
                    meta.len()
                ))
                .help("WeCom accepts JPG or PNG images under 2 MB"),
        );
        return None;
    }
    if !is_picture(&head[..n]) {
        return refuse(
            "is not a PNG or JPEG".into(),
            "expected a picture: its bytes are not a PNG's or a JPEG's, whatever its name".into(),
            problems,
        );
    }
    Some(Media::File(path))
}
