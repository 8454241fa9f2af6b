//! Who came: the readings laid over the plan and the classes' learners. A session
//! is held when its live ended; one that expired (the anchor never started it), was
//! cancelled, or has no live is not held and counts for nobody. A learner attended a
//! held session when their watch time meets the [`Rule`]. This is also the JSON
//! document `attendance --format json` prints.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::rule::Rule;
use super::store::Reading;
use crate::ledger::{Event, LedgerState};
use crate::plan::changes;
use crate::plan::{Plan, PlannedLive};
use crate::schedule::Schedule;
use crate::wecom::types::status;

mod types;

pub use types::{
    ClassReport, ExternalCount, ExternalViewer, LearnerClass, LearnerReport, LearnerRow, OffRoster,
    Report, SessionReport, SessionState, Viewer,
};

/// Seconds as minutes, to one decimal.
pub fn minutes(seconds: i64) -> f64 {
    (seconds as f64 / 6.0).round() / 10.0
}

fn rfc3339(t: Timestamp, tz: &TimeZone) -> String {
    let z = t.to_zoned_datetime(tz.clone());
    z.timestamp().display_with_offset(z.offset()).to_string()
}

/// Everything the report is made of.
pub struct Inputs<'a> {
    pub schedule_path: &'a Path,
    pub schedule: &'a Schedule,
    pub plan: &'a Plan,
    pub ledger: &'a LedgerState,
    pub readings: &'a BTreeMap<String, Reading>,
    pub rule: Rule,
    pub now: Timestamp,
}

/// Lays the readings over the plan.
pub fn report(i: &Inputs<'_>) -> Report {
    let tz = i.schedule.term.tz.clone();
    let now = i.now.as_second();
    let mut lives: Vec<&PlannedLive> = i
        .plan
        .lives
        .iter()
        .filter(|l| l.start.timestamp().as_second() + l.duration() <= now)
        .collect();
    lives.sort_by(|a, b| (a.start.timestamp(), &a.key).cmp(&(b.start.timestamp(), &b.key)));
    let rosters: HashMap<&str, &[crate::schedule::Learner]> = i
        .schedule
        .classes
        .iter()
        .map(|c| (c.id.as_str(), c.learners.as_slice()))
        .collect();
    let sessions: Vec<SessionReport> = lives
        .iter()
        .map(|l| {
            let roster = rosters.get(l.class_id()).copied().unwrap_or_default();
            session(l, i, roster, &tz)
        })
        .collect();
    let classes: Vec<ClassReport> = i
        .schedule
        .classes
        .iter()
        .map(|c| class_report(&c.id, &c.learners, &sessions))
        .collect();
    let learners = learner_reports(&classes);
    Report {
        schedule: i.schedule_path.display().to_string(),
        now: rfc3339(i.now, &tz),
        rule: i.rule,
        sessions,
        classes,
        learners,
        tz,
    }
}

fn session(
    l: &PlannedLive,
    i: &Inputs<'_>,
    roster: &[crate::schedule::Learner],
    tz: &TimeZone,
) -> SessionReport {
    let key = l.key.to_string();
    let k = i.ledger.get(&key);
    let livingid = k
        .filter(|k| changes::is_live(k))
        .and_then(|k| k.livingid().map(str::to_string));
    let reading = livingid
        .as_ref()
        .and_then(|id| i.readings.get(&key).filter(|r| &r.livingid == id));
    let cancelled = k.is_some_and(|k| k.last() == Event::Cancelled);
    let state = session_state(livingid.is_some(), cancelled, reading);
    let scheduled_seconds = reading
        .map(Reading::scheduled_seconds)
        .filter(|s| *s > 0)
        .unwrap_or(l.duration());
    let held = state == SessionState::Held;
    let (viewers, external_viewers) = match reading.filter(|_| held) {
        Some(r) => viewers_of(r, roster, i.rule, scheduled_seconds),
        None => (Vec::new(), Vec::new()),
    };
    let ran = reading.filter(|r| matches!(r.status, status::LIVE | status::ENDED));
    SessionReport {
        key,
        class: l.class_id().to_string(),
        start: rfc3339(l.start.timestamp(), tz),
        scheduled_minutes: scheduled_seconds / 60,
        theme: l.theme().to_string(),
        state,
        held,
        livingid,
        status: reading.map(|r| r.status),
        actual_start: ran
            .and_then(|r| Timestamp::from_second(r.living_start).ok())
            .map(|t| rfc3339(t, tz)),
        actual_minutes: ran
            .filter(|r| r.status == status::ENDED)
            .map(|r| minutes(r.living_duration)),
        read_at: reading.map(|r| rfc3339(r.at, tz)),
        viewers,
        external_viewers,
        local_start: l.start.clone(),
        scheduled_seconds,
    }
}

/// Where a session stands: by its live in the ledger (none, or cancelled) and
/// the reading of it, if one was made.
fn session_state(has_live: bool, cancelled: bool, reading: Option<&Reading>) -> SessionState {
    match (has_live, reading) {
        (false, _) if cancelled => SessionState::Cancelled,
        (false, _) => SessionState::NoLive,
        (true, None) => SessionState::Unread,
        (true, Some(r)) => match r.status {
            status::ENDED => SessionState::Held,
            status::EXPIRED => SessionState::Expired,
            status::CANCELLED => SessionState::Cancelled,
            status::LIVE => SessionState::Running,
            _ => SessionState::NotStarted,
        },
    }
}

/// A held session's viewers from its reading: the corp's, each against the
/// roster and the rule, and the external ones.
fn viewers_of(
    r: &Reading,
    roster: &[crate::schedule::Learner],
    rule: Rule,
    scheduled_seconds: i64,
) -> (Vec<Viewer>, Vec<ExternalViewer>) {
    let on_roster = |userid: &str| roster.iter().any(|r| r.userid == userid);
    let viewers = r
        .users
        .iter()
        .map(|u| Viewer {
            userid: u.userid.clone(),
            watch_seconds: u.watch_time,
            watch_minutes: minutes(u.watch_time),
            learner: on_roster(&u.userid),
            attended: rule.attended(u.watch_time, scheduled_seconds),
            is_comment: u.is_comment == 1,
            is_mic: u.is_mic == 1,
        })
        .collect();
    let external = r
        .external_users
        .iter()
        .map(|u| ExternalViewer {
            external_userid: u.external_userid.clone(),
            user_type: u.user_type,
            name: u.name.clone(),
            watch_seconds: u.watch_time,
            watch_minutes: minutes(u.watch_time),
        })
        .collect();
    (viewers, external)
}

fn class_report(
    class: &str,
    roster: &[crate::schedule::Learner],
    sessions: &[SessionReport],
) -> ClassReport {
    let session_indexes: Vec<usize> = sessions
        .iter()
        .enumerate()
        .filter(|(_, s)| s.class == class)
        .map(|(n, _)| n)
        .collect();
    let mine = || session_indexes.iter().map(|n| &sessions[*n]);
    let held: Vec<&SessionReport> = mine().filter(|s| s.held).collect();
    // Per held session: each viewer's seconds and whether they attended.
    let seen: Vec<HashMap<&str, (i64, bool)>> = held
        .iter()
        .map(|s| {
            let mut by: HashMap<&str, (i64, bool)> = HashMap::new();
            for v in &s.viewers {
                let e = by.entry(&v.userid).or_default();
                e.0 += v.watch_seconds;
                e.1 |= v.attended;
            }
            by
        })
        .collect();
    let learners = learner_rows(roster, held.len(), &seen);
    let (off, outside) = not_on_roster(&held);
    let external_seconds = outside.values().map(|(_, s)| s).sum();
    ClassReport {
        class: class.to_string(),
        sessions: session_indexes.len(),
        held: held.len(),
        not_held: mine().filter(|s| s.state.is_not_held()).count(),
        pending: mine().filter(|s| !s.held && !s.state.is_not_held()).count(),
        learners,
        off_roster: off
            .into_iter()
            .map(|(userid, (sessions, seconds))| OffRoster {
                userid: userid.to_string(),
                sessions,
                watch_seconds: seconds,
                watch_minutes: minutes(seconds),
            })
            .collect(),
        external: ExternalCount {
            viewers: outside.len(),
            wechat: outside.values().filter(|(t, _)| *t == 1).count(),
            wecom: outside.values().filter(|(t, _)| *t != 1).count(),
            watch_seconds: external_seconds,
            watch_minutes: minutes(external_seconds),
        },
        session_indexes,
    }
}

/// Each learner of the roster over the held sessions: what they watched of each
/// (`seen`, per session: each viewer's seconds and whether they attended).
fn learner_rows(
    roster: &[crate::schedule::Learner],
    held: usize,
    seen: &[HashMap<&str, (i64, bool)>],
) -> Vec<LearnerRow> {
    roster
        .iter()
        .map(|l| {
            let of = |by: &HashMap<&str, (i64, bool)>| by.get(l.userid.as_str()).copied();
            let watched: Vec<i64> = seen.iter().map(|by| of(by).map_or(0, |v| v.0)).collect();
            let attended_each: Vec<bool> =
                seen.iter().map(|by| of(by).is_some_and(|v| v.1)).collect();
            let attended = attended_each.iter().filter(|a| **a).count();
            let watch_seconds = watched.iter().sum();
            LearnerRow {
                userid: l.userid.clone(),
                name: l.name.clone(),
                department: l.department.clone(),
                held,
                attended,
                completion: (held > 0).then(|| attended as f64 / held as f64),
                watch_seconds,
                watch_minutes: minutes(watch_seconds),
                watched,
                attended_each,
            }
        })
        .collect()
}

/// The corp's viewers not on the roster (sessions watched, seconds) and the
/// external viewers (their type, seconds), over the held sessions.
type Outside<'s> = (
    BTreeMap<&'s str, (usize, i64)>,
    BTreeMap<&'s str, (u8, i64)>,
);

fn not_on_roster<'s>(held: &[&'s SessionReport]) -> Outside<'s> {
    let mut off: BTreeMap<&str, (usize, i64)> = BTreeMap::new();
    let mut outside: BTreeMap<&str, (u8, i64)> = BTreeMap::new();
    for s in held {
        for v in s.viewers.iter().filter(|v| !v.learner) {
            let e = off.entry(&v.userid).or_default();
            e.0 += 1;
            e.1 += v.watch_seconds;
        }
        for v in &s.external_viewers {
            let e = outside
                .entry(&v.external_userid)
                .or_insert((v.user_type, 0));
            e.1 += v.watch_seconds;
        }
    }
    (off, outside)
}

/// Each learner once, in the order first met, with every class they are on.
fn learner_reports(classes: &[ClassReport]) -> Vec<LearnerReport> {
    let mut out: Vec<LearnerReport> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for c in classes {
        for l in &c.learners {
            let n = *at.entry(l.userid.clone()).or_insert_with(|| {
                out.push(LearnerReport {
                    userid: l.userid.clone(),
                    name: l.name.clone(),
                    department: l.department.clone(),
                    classes: Vec::new(),
                });
                out.len() - 1
            });
            let r = &mut out[n];
            r.name = r.name.take().or_else(|| l.name.clone());
            r.department = r.department.take().or_else(|| l.department.clone());
            r.classes.push(LearnerClass {
                class: c.class.clone(),
                held: l.held,
                attended: l.attended,
                completion: l.completion,
                watch_seconds: l.watch_seconds,
                watch_minutes: l.watch_minutes,
            });
        }
    }
    out
}

impl Report {
    /// Each rostered learner (per class) whose completion is below `share`.
    pub fn under(&self, share: f64) -> Vec<(&str, &LearnerRow)> {
        self.classes
            .iter()
            .flat_map(|c| c.learners.iter().map(move |l| (c.class.as_str(), l)))
            .filter(|(_, l)| l.completion.is_some_and(|c| c < share))
            .collect()
    }

    /// The held sessions of a class, in time order.
    pub fn held<'a>(&'a self, class: &'a ClassReport) -> impl Iterator<Item = &'a SessionReport> {
        class
            .session_indexes
            .iter()
            .map(|n| &self.sessions[*n])
            .filter(|s| s.held)
    }

    /// The sessions of a class not held, in time order.
    pub fn not_held<'a>(
        &'a self,
        class: &'a ClassReport,
    ) -> impl Iterator<Item = &'a SessionReport> {
        class
            .session_indexes
            .iter()
            .map(|n| &self.sessions[*n])
            .filter(|s| !s.held)
    }
}
