//! Checks over the expanded plan: what WeCom would reject (errors) and what a
//! person would want to know (warnings).

use std::collections::BTreeMap;

use super::live::Plan;
use crate::schedule::{LivingKind, Problem, Schedule};
use crate::wecom::limits::{
    ACTIVITY_MAX_IMAGES, CREATES_PER_DAY, DESCRIPTION_MAX_BYTES, DESCRIPTION_MAX_CHARS,
    THEME_MAX_BYTES, THEME_MAX_CHARS,
};
/// Overlaps are reported up to this many, then counted.
const MAX_OVERLAPS_SHOWN: usize = 10;

pub fn lint(schedule: &Schedule, plan: &mut Plan) {
    // The first session of each class whose filled-in theme is too long.
    let mut long_themes: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, l) in plan.lives.iter().enumerate() {
        if l.theme.chars().count() > THEME_MAX_CHARS || l.theme.len() > THEME_MAX_BYTES {
            long_themes.entry(l.class.as_str()).or_insert(i);
        }
    }
    let long_themes: BTreeMap<String, usize> = long_themes
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    for class in &schedule.classes {
        if let Some(long) = long_themes.get(&class.id).map(|&i| &plan.lives[i]) {
            plan.problems.push(
                Problem::error(
                    format!(
                        "theme of `{}` is too long: `{}` has {} characters, {} bytes",
                        long.key,
                        long.theme,
                        long.theme.chars().count(),
                        long.theme.len()
                    ),
                    Some(class.origin),
                )
                .label("in this class")
                .help(format!(
                    "WeCom rejects themes over {THEME_MAX_CHARS} characters or {THEME_MAX_BYTES} bytes (after `{{n}}`, `{{week}}`, `{{date}}` are filled)"
                )),
            );
        }
        let description = if class.kind == LivingKind::Activity {
            class
                .activity
                .as_ref()
                .and_then(|a| a.description.clone())
                .or_else(|| class.description.clone())
        } else {
            class.description.clone()
        };
        if let Some(d) = description
            && (d.chars().count() > DESCRIPTION_MAX_CHARS || d.len() > DESCRIPTION_MAX_BYTES)
        {
            plan.problems.push(
                    Problem::error(
                        format!(
                            "description of `{}` is too long: {} characters, {} bytes",
                            class.id,
                            d.chars().count(),
                            d.len()
                        ),
                        Some(class.origin),
                    )
                    .label("in this class")
                    .help(format!(
                        "WeCom rejects descriptions over {DESCRIPTION_MAX_CHARS} characters or {DESCRIPTION_MAX_BYTES} bytes"
                    )),
                );
        }
        if class.kind == LivingKind::Activity && class.description.is_some() {
            let has_own = class
                .activity
                .as_ref()
                .is_some_and(|a| a.description.is_some());
            plan.problems.push(
                Problem::warning(
                    if has_own {
                        format!("`description` of activity `{}` is not sent: activity lives take `activity.description`", class.id)
                    } else {
                        format!("`description` of activity `{}` is sent as `activity_detail.description`", class.id)
                    },
                    Some(class.origin),
                )
                .label("an activity live (type 4)")
                .help("write it as `activity: { description: … }`"),
            );
        }
        if let Some(a) = &class.activity {
            if a.images.len() > ACTIVITY_MAX_IMAGES {
                plan.problems.push(
                    Problem::warning(
                        format!(
                            "activity `{}` has {} images; WeCom keeps the first {ACTIVITY_MAX_IMAGES}",
                            class.id,
                            a.images.len()
                        ),
                        Some(class.origin),
                    )
                    .label("in this class"),
                );
            }
            if class.kind != LivingKind::Activity {
                plan.problems.push(
                    Problem::warning(
                        format!(
                            "`activity` of `{}` is ignored: it is not an activity live",
                            class.id
                        ),
                        Some(class.origin),
                    )
                    .help("set `type: activity` to send the cover, share image and details"),
                );
            }
        }
    }
    overlaps(schedule, plan);
}

/// Two sessions of one anchor at the same time cannot both be given.
fn overlaps(schedule: &Schedule, plan: &mut Plan) {
    let mut by_anchor: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, l) in plan.lives.iter().enumerate() {
        by_anchor.entry(&l.anchor).or_default().push(i);
    }
    let mut found = Vec::new();
    for list in by_anchor.values() {
        // `plan.lives` is sorted by start, so each list is too.
        let mut latest_end: Option<(i64, usize)> = None;
        for &i in list {
            let l = &plan.lives[i];
            let start = l.start.timestamp().as_second();
            if let Some((end, j)) = latest_end
                && start < end
            {
                found.push((j, i));
            }
            let end = start + l.duration;
            if latest_end.is_none_or(|(e, _)| end > e) {
                latest_end = Some((end, i));
            }
        }
    }
    let total = found.len();
    for &(a, b) in found.iter().take(MAX_OVERLAPS_SHOWN) {
        let (a, b) = (&plan.lives[a], &plan.lives[b]);
        let origin = schedule
            .classes
            .iter()
            .find(|c| c.id == b.class)
            .map(|c| c.origin);
        plan.problems.push(
            Problem::warning(
                format!(
                    "anchor `{}` has two sessions at once: `{}` and `{}` ({})",
                    a.anchor,
                    a.key,
                    b.key,
                    super::fmt_local(b.start.datetime())
                ),
                origin,
            )
            .label("overlaps another session of the same anchor"),
        );
    }
    if total > MAX_OVERLAPS_SHOWN {
        plan.problems.push(Problem::warning(
            format!(
                "{} more overlapping sessions not shown",
                total - MAX_OVERLAPS_SHOWN
            ),
            None,
        ));
    }
}

/// More creates than WeCom allows in a day: the apply will need several days.
pub fn lint_creates(creates: usize) -> Option<Problem> {
    (creates > CREATES_PER_DAY as usize).then(|| {
        Problem::warning(
            format!("{creates} lives to create; WeCom allows {CREATES_PER_DAY} per app per day"),
            None,
        )
        .help(format!(
            "apply with `--max-creates {CREATES_PER_DAY}` on successive days"
        ))
    })
}
