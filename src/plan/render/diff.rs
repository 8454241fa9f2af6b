//! The plan as a diff against the ledger, as Terraform shows one: what will be
//! created, modified (field by field, old → new), replaced, cancelled, and what
//! drifted; unchanged sessions are counted, and listed with `--verbose`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::io;

use jiff::tz::TimeZone;
use serde_json::Value;

use super::{Out, human_duration};
use crate::plan::changes::{Action, Change, SessionChanges};
use crate::plan::{Plan, PlannedLive};

/// How much of the diff to list.
#[derive(Debug, Clone, Copy)]
pub struct Listing {
    /// Unchanged and past sessions too.
    pub verbose: bool,
    /// At most this many creates, then a count of the rest; every other change is listed.
    pub creates: usize,
}

impl Listing {
    pub const ALL: Listing = Listing {
        verbose: false,
        creates: usize::MAX,
    };
}

pub fn diff(
    out: &mut impl io::Write,
    plan: &Plan,
    changes: &[Change],
    tz: &TimeZone,
    listing: Listing,
) -> io::Result<()> {
    let by_session = SessionChanges::new(plan, changes);
    let mut out = Out::new(out);
    let mut listed = false;
    let verbose = listing.verbose;
    let mut counts: BTreeMap<Action, usize> = BTreeMap::new();
    for (i, c) in changes.iter().enumerate() {
        *counts.entry(c.action).or_default() += 1;
        if c.action == Action::Create && counts[&Action::Create] > listing.creates {
            continue;
        }
        let live = by_session.live(i);
        let Some(head) = head(c, live, verbose) else {
            continue;
        };
        listed = true;
        let _ = writeln!(out, "{head}");
        if let Some(d) = c.drift.filter(|_| c.action == Action::Modify) {
            let _ = writeln!(out, "        (WeCom: {d})");
        }
        for f in &c.fields {
            let _ = writeln!(
                out,
                "        {}: {} → {}",
                label(f.field),
                show(f.field, &f.old, tz),
                show(f.field, &f.new, tz)
            );
        }
    }
    let n = |a: Action| counts.get(&a).copied().unwrap_or(0);
    if n(Action::Create) > listing.creates {
        listed = true;
        let _ = writeln!(
            out,
            "  + … and {} more to create",
            n(Action::Create) - listing.creates
        );
    }
    if listed {
        let _ = out.write_str("\n");
    }
    let _ = write!(
        out,
        "Plan: {} to create, {} to modify, {} to replace, {} to cancel; {} unchanged, {} past",
        n(Action::Create),
        n(Action::Modify),
        n(Action::Replace),
        n(Action::Cancel),
        n(Action::Unchanged),
        n(Action::Past),
    );
    if n(Action::Drifted) > 0 {
        let _ = write!(out, ", {} drifted", n(Action::Drifted));
    }
    let _ = out.write_str(".\n");
    out.finish()
}

/// A change's first line, or `None` for one not listed (unchanged and past
/// sessions unless `verbose`).
fn head(c: &Change, live: Option<&PlannedLive>, verbose: bool) -> Option<String> {
    let id = c
        .livingid
        .as_deref()
        .map(|id| format!("  ({id})"))
        .unwrap_or_default();
    let when = live.map_or(String::new(), |l| {
        format!("  {}  {}", l.start.strftime("%Y-%m-%d %H:%M"), l.theme())
    });
    Some(match c.action {
        Action::Create => format!("  + create   {}{when}", c.key),
        Action::Modify => format!("  ~ modify   {}{id}", c.key),
        Action::Replace => format!("-/+ replace  {}{id}", c.key),
        Action::Cancel => format!("  - cancel   {}{id}", c.key),
        Action::Drifted => format!(
            "  ! drifted  {}{id}: {}; left so (`apply --recreate-cancelled` creates it again)",
            c.key,
            c.drift.unwrap_or("differs")
        ),
        Action::Past if !c.fields.is_empty() => format!(
            "  ! past     {}{id}: started already; the change below is not applied",
            c.key
        ),
        Action::Unchanged if verbose => format!("    unchanged {}{id}", c.key),
        Action::Past if verbose => format!("    past     {}{id}", c.key),
        _ => return None,
    })
}

fn label(field: &str) -> &str {
    match field {
        "living_start" => "start",
        "living_duration" => "duration",
        "remind_time" => "remind",
        "anchor_userid" => "anchor",
        "activity_cover_mediaid" => "cover",
        "activity_share_mediaid" => "share image",
        "activity_detail" => "activity",
        other => other,
    }
}

/// A value as a person reads it: local times, human durations, text as text.
fn show(field: &str, v: &Value, tz: &TimeZone) -> String {
    match (field, v) {
        (_, Value::Null) => "(none)".to_string(),
        ("living_start", Value::Number(n)) => n
            .as_i64()
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
            .map_or_else(
                || n.to_string(),
                |t| {
                    t.to_zoned_datetime(tz.clone())
                        .strftime("%Y-%m-%d %H:%M")
                        .to_string()
                },
            ),
        ("living_duration" | "remind_time", Value::Number(n)) => {
            n.as_i64().map_or_else(|| n.to_string(), human_duration)
        }
        (_, Value::String(s)) => format!("\"{s}\""),
        (_, other) => other.to_string(),
    }
}
