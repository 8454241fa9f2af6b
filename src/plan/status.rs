//! Where a term stands (`status`): the ledger against the plan, counted, and
//! the sessions coming up next.

use std::fmt::Write;
use std::path::Path;

use jiff::Timestamp;
use serde::Serialize;

use super::changes::{self, Action, course, drift};
use super::render::{SessionState, display_width, pad};
use super::{Plan, PlannedLive};
use crate::ledger::{KeyState, LedgerState};
use crate::schedule::Term;

/// How many upcoming sessions the summary lists, and how many past ones.
const NEXT: usize = 5;

/// Where one planned session stands. Every session is in exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// The ledger holds a live for it (created, adopted or modified).
    Created,
    /// In the future with no live: never created, or cancelled.
    Pending,
    /// A run stopped between the call and its result: the next apply looks the live up.
    InDoubt,
    /// The last call for it failed.
    Failed,
    /// A refresh saw WeCom call it live, ended, expired or cancelled while the plan still wants it.
    Drifted,
    /// Starts before now: never touched again.
    Past,
}

fn standing(l: &PlannedLive, ledger: &LedgerState, now: Timestamp) -> Standing {
    if l.start.timestamp() < now {
        return Standing::Past;
    }
    let key = l.key.to_string();
    let held = ledger.get(&key);
    match SessionState::of(&key, ledger) {
        SessionState::Failed => Standing::Failed,
        _ if held.and_then(drift).is_some() => Standing::Drifted,
        SessionState::Created | SessionState::Modified => Standing::Created,
        SessionState::InDoubt => Standing::InDoubt,
        _ => Standing::Pending,
    }
}

#[derive(Debug, Default, Serialize)]
struct Counts {
    sessions: usize,
    created: usize,
    pending: usize,
    in_doubt: usize,
    failed: usize,
    drifted: usize,
    past: usize,
}

#[derive(Debug, Default, Serialize)]
struct Calls {
    create: usize,
    modify: usize,
    replace: usize,
    cancel: usize,
}

#[derive(Debug, Serialize)]
struct Next {
    key: String,
    class: String,
    start: String,
    /// `start` as people read it, for the table.
    #[serde(skip)]
    local: String,
    theme: String,
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    livingid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    drift: Option<&'static str>,
}

/// What became of the past sessions, as the last `refresh` (or `attendance`) saw them.
#[derive(Debug, Default, Serialize)]
struct Ran {
    held: usize,
    running: usize,
    expired: usize,
}

/// One of the last sessions before now, with what WeCom said happened.
#[derive(Debug, Serialize)]
struct Last {
    key: String,
    class: String,
    start: String,
    #[serde(skip)]
    local: String,
    theme: String,
    /// `held`, `running`, `expired`, or `past` when no refresh has seen it run.
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    livingid: Option<String>,
    /// When it actually started (RFC 3339), and for how many minutes it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    actual_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actual_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    drift: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Status {
    schedule: String,
    ledger: String,
    now: String,
    #[serde(skip)]
    now_local: String,
    counts: Counts,
    /// Of the past sessions, those WeCom said were held, running or expired.
    ran: Ran,
    /// What `apply` would call now.
    apply: Calls,
    next: Vec<Next>,
    /// The last sessions before now, latest first.
    last: Vec<Last>,
    /// Why the ledger looks lost or stale, if it does.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
}

impl Status {
    /// Adds a warning about the ledger, with what to do about it.
    pub fn warn(&mut self, warning: String) {
        self.warnings.push(warning);
    }
}

/// The standing of every session of `plan` against `ledger` at `now`.
pub fn status(
    schedule: &Path,
    ledger_path: &Path,
    plan: &Plan,
    term: &Term,
    ledger: &LedgerState,
    now: Timestamp,
) -> Status {
    Status {
        schedule: schedule.display().to_string(),
        ledger: ledger_path.display().to_string(),
        now: rfc3339(&now.to_zoned_datetime(term.tz.clone())),
        now_local: now
            .to_zoned_datetime(term.tz.clone())
            .strftime("%Y-%m-%d %H:%M %:z")
            .to_string(),
        counts: counts(plan, ledger, now),
        ran: ran(plan, ledger, now),
        apply: calls(plan, ledger, now),
        next: next(plan, ledger, now),
        last: last(plan, term, ledger, now),
        warnings: Vec::new(),
    }
}

/// Every session by where it stands.
fn counts(plan: &Plan, ledger: &LedgerState, now: Timestamp) -> Counts {
    let mut counts = Counts {
        sessions: plan.lives.len(),
        ..Counts::default()
    };
    for l in &plan.lives {
        let n = match standing(l, ledger, now) {
            Standing::Created => &mut counts.created,
            Standing::Pending => &mut counts.pending,
            Standing::InDoubt => &mut counts.in_doubt,
            Standing::Failed => &mut counts.failed,
            Standing::Drifted => &mut counts.drifted,
            Standing::Past => &mut counts.past,
        };
        *n += 1;
    }
    counts
}

/// The sessions that have started, by the course their lives ran.
fn ran(plan: &Plan, ledger: &LedgerState, now: Timestamp) -> Ran {
    let mut ran = Ran::default();
    for l in plan.lives.iter().filter(|l| l.start.timestamp() < now) {
        match ledger.get(&l.key.to_string()).and_then(course) {
            Some(changes::Course::Held) => ran.held += 1,
            Some(changes::Course::Running) => ran.running += 1,
            Some(changes::Course::Expired) => ran.expired += 1,
            None => {}
        }
    }
    ran
}

/// The calls `apply` would make now.
fn calls(plan: &Plan, ledger: &LedgerState, now: Timestamp) -> Calls {
    let mut apply = Calls::default();
    for c in changes::changes(plan, ledger, now) {
        match c.action {
            Action::Create => apply.create += 1,
            Action::Modify => apply.modify += 1,
            Action::Replace => apply.replace += 1,
            Action::Cancel => apply.cancel += 1,
            Action::Unchanged | Action::Drifted | Action::Past => {}
        }
    }
    apply
}

/// The next sessions to start.
fn next(plan: &Plan, ledger: &LedgerState, now: Timestamp) -> Vec<Next> {
    let mut upcoming: Vec<&PlannedLive> = plan
        .lives
        .iter()
        .filter(|l| l.start.timestamp() >= now)
        .collect();
    upcoming.sort_by(|a, b| (a.start.timestamp(), &a.key).cmp(&(b.start.timestamp(), &b.key)));
    upcoming
        .into_iter()
        .take(NEXT)
        .map(|l| {
            let key = l.key.to_string();
            let held = ledger.get(&key);
            Next {
                state: SessionState::of(&key, ledger).name(),
                key,
                class: l.class_id().to_string(),
                start: rfc3339(&l.start),
                local: l.start.strftime("%Y-%m-%d %H:%M").to_string(),
                theme: l.theme().to_string(),
                livingid: held.and_then(|k| k.livingid().map(str::to_string)),
                drift: held.and_then(drift),
            }
        })
        .collect()
}

/// The last sessions that started, latest first, with how their lives ran.
fn last(plan: &Plan, term: &Term, ledger: &LedgerState, now: Timestamp) -> Vec<Last> {
    let mut before: Vec<&PlannedLive> = plan
        .lives
        .iter()
        .filter(|l| l.start.timestamp() < now)
        .collect();
    before.sort_by(|a, b| (b.start.timestamp(), &b.key).cmp(&(a.start.timestamp(), &a.key)));
    before
        .into_iter()
        .take(NEXT)
        .map(|l| {
            let held = ledger.get(&l.key.to_string());
            let actual = held
                .and_then(KeyState::actual)
                .filter(|_| held.and_then(course).is_some());
            let actual_start = actual
                .and_then(|a| Timestamp::from_second(a.living_start).ok())
                .map(|t| t.to_zoned_datetime(term.tz.clone()));
            Last {
                key: l.key.to_string(),
                class: l.class_id().to_string(),
                start: rfc3339(&l.start),
                local: l.start.strftime("%Y-%m-%d %H:%M").to_string(),
                theme: l.theme().to_string(),
                state: held.and_then(course).map_or("past", changes::Course::name),
                livingid: held.and_then(|k| k.livingid().map(str::to_string)),
                actual_start: actual_start.as_ref().map(rfc3339),
                actual_minutes: actual.map(|a| a.living_duration / 60),
                drift: held.and_then(drift),
            }
        })
        .collect()
}

fn rfc3339(z: &jiff::ZonedDateTime) -> String {
    z.timestamp().display_with_offset(z.offset()).to_string()
}

/// The status as a table for a person.
pub fn table(s: &Status) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "`{}` against `{}`, now {}\n",
        s.schedule, s.ledger, s.now_local
    );
    let c = &s.counts;
    let rows = [
        ("created", c.created, "a live exists"),
        ("pending", c.pending, "future, no live yet"),
        (
            "in doubt",
            c.in_doubt,
            "a run stopped mid-call; the next apply looks it up",
        ),
        ("failed", c.failed, "the last call failed"),
        (
            "drifted",
            c.drifted,
            "refresh saw it cancelled, edited or started off schedule in WeCom",
        ),
        ("past", c.past, "started before now"),
    ];
    let r = &s.ran;
    let past_note = if r.held + r.running + r.expired > 0 {
        format!(
            "started before now: {} held, {} running, {} expired, as WeCom said",
            r.held, r.running, r.expired
        )
    } else {
        "started before now".to_string()
    };
    for (name, n, what) in rows {
        let what = if name == "past" { &past_note } else { what };
        let _ = writeln!(out, "  {name:<8} {n:>5}  {what}");
    }
    let _ = writeln!(out, "  {:<8} {:>5}", "sessions", c.sessions);
    let a = &s.apply;
    let _ = writeln!(
        out,
        "\napply would create {}, modify {}, cancel {}",
        a.create, a.modify, a.cancel
    );
    if s.ran.held + s.ran.running + s.ran.expired > 0 {
        let _ = writeln!(out, "\nlast {}:", s.last.len());
        let rows = s.last.iter().map(|l| {
            let mut state = l.state.to_string();
            match (l.actual_start.as_deref(), l.actual_minutes) {
                (Some(at), Some(minutes)) if l.state == "held" => {
                    state = format!("{state} (started {}, {minutes} min)", clock(at));
                }
                (Some(at), _) => state = format!("{state} (since {})", clock(at)),
                _ => {}
            }
            if let Some(d) = l.drift {
                state = format!("{state} (WeCom: {d})");
            }
            [l.key.clone(), l.local.clone(), state, l.theme.clone()]
        });
        listing(&mut out, rows.collect());
    }
    for w in &s.warnings {
        let _ = writeln!(out, "\nwarning: {w}\n  help: {}", super::health::HELP);
    }
    if s.next.is_empty() {
        out.push_str("\nno sessions after now\n");
        return out;
    }
    let _ = writeln!(out, "\nnext {}:", s.next.len());
    let rows = s.next.iter().map(|n| {
        let mut state = n.state.to_string();
        if let Some(d) = n.drift {
            state = format!("{state} (WeCom: {d})");
        }
        [n.key.clone(), n.local.clone(), state, n.theme.clone()]
    });
    listing(&mut out, rows.collect());
    out
}

/// `HH:MM` of an RFC 3339 time.
fn clock(rfc3339: &str) -> &str {
    rfc3339.get(11..16).unwrap_or(rfc3339)
}

/// Sessions as aligned columns: key, start, state, theme.
fn listing(out: &mut String, cells: Vec<[String; 4]>) {
    let header = ["KEY", "START", "STATE", "THEME"];
    let mut widths = header.map(display_width);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(display_width(cell));
        }
    }
    let mut line = |row: [&str; 4]| {
        let mut l = String::new();
        for (i, cell) in row.iter().enumerate().take(3) {
            l.push_str(&pad(cell, widths[i]));
            l.push_str("  ");
        }
        l.push_str(row[3]);
        let _ = writeln!(out, "{}", l.trim_end());
    };
    line(header);
    for row in &cells {
        line([&row[0], &row[1], &row[2], &row[3]]);
    }
}
