//! WeCom is the truth: before anything is created, the lives of every anchor with
//! a session to create are listed, and a scheduled live that matches a session is
//! adopted rather than made a second time, whatever happened to the ledger (lost,
//! rolled back to an older copy, forked by a second runner).
//!
//! Matching goes in tiers, each among the sessions and lives not yet paired:
//! anchor + scheduled start + theme, then anchor + start, then anchor + theme (a
//! session whose time was edited meanwhile). Before them, a session a crashed run
//! may have created is matched on exactly what that run sent. A session with two
//! candidates, or a live two sessions want, is never adopted: the ambiguity is
//! reported and nothing is created for that session (the matching is `pairing`'s).
//! Scheduled lives that match nothing are remembered in the ledger as not ours
//! and never touched.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use jiff::Timestamp;
use serde_json::Value;

use super::executor::Task;
use super::pairing::{Candidate, Wanted, ambiguity, candidate, pair, wanted_rivals};
use super::recover::{observed_body, seen_state};
use super::summary::Failure;
use super::survey::{Lookup, Survey, sighted, survey};
use super::tasks::Work;
use crate::ledger::{Event, LedgerError, LedgerState, LedgerWriter, Record, foreign_key};
use crate::plan::changes::{is_live, same_modifiable, tombstone};
use crate::wecom::types::status;
use crate::wecom::{ApiError, ErrorClass};

/// What the lookup before the creates found and did.
#[derive(Debug, Default)]
pub struct Reconciled {
    pub anchors: usize,
    pub listed: usize,
    pub read: usize,
    pub adopted: usize,
    /// Scheduled lives that matched no session, now remembered as not ours.
    pub foreign: usize,
    /// A second live of a session the ledger holds, `(key, livingid)`: left for
    /// `refresh`, which records it so that the next apply cancels it.
    pub duplicates: Vec<(String, String)>,
    /// Livingids no create or in-doubt lookup of this run may take.
    pub claimed: Vec<String>,
}

impl Reconciled {
    /// A few lines for the person running apply; nothing when nothing was listed.
    pub fn render(&self) -> String {
        if self.anchors == 0 {
            return String::new();
        }
        let mut out = format!(
            "looked up {} anchor(s) in WeCom before creating: {} lives listed, {} read; \
             {} adopted, {} not ours\n",
            self.anchors, self.listed, self.read, self.adopted, self.foreign
        );
        for (key, id) in &self.duplicates {
            out.push_str(&format!(
                "note: `{key}` has a second live `{id}` in WeCom; \
                 `livesched refresh` records it and the next apply cancels one of the two\n"
            ));
        }
        out
    }
}

/// Looks up the lives of every anchor `work` would create for, adopts the ones
/// that match, and leaves in `work` only what must still be created (and the
/// modifies that bring adopted lives in line with the plan). Makes no call when
/// nothing would be created.
pub async fn reconcile(
    look: &Lookup<'_>,
    state: &LedgerState,
    work: &mut Work,
) -> Result<Reconciled, LedgerError> {
    let wanted = take_wanted(work);
    let mut done = Reconciled::default();
    if wanted.is_empty() {
        return Ok(done);
    }
    let anchors: BTreeSet<String> = wanted.iter().map(|w| w.anchor().to_string()).collect();
    done.anchors = anchors.len();
    let known = state.livingids();
    let survey = survey(look, &anchors, |id| worth_reading(look, &known, id)).await;
    done.listed = survey.listed;
    done.read = survey.read;
    let pool = candidates(&survey, state, &mut done);

    let (matched, ambiguous) = pair(&wanted, &pool, &survey.failed);
    let mut taken: HashSet<usize> = matched.iter().flatten().copied().collect();
    for lives in ambiguous.iter().flatten() {
        taken.extend(lives.iter().copied());
    }

    let mut groups: Vec<Vec<Record>> = Vec::new();
    for (i, w) in wanted.into_iter().enumerate() {
        if let Some(c) = matched[i].map(|c| &pool[c]) {
            groups.push(adopt(look, work, w, c));
            done.adopted += 1;
            continue;
        }
        if let Some(lives) = &ambiguous[i] {
            let error = ambiguity(lives, &pool, &wanted_rivals(&ambiguous, i, lives));
            groups.push(vec![failed(&w, w.pending.clone(), &error)]);
            fail(work, &w, None, error);
            continue;
        }
        groups.extend(unmatched(work, w, &survey.failed));
    }
    groups.extend(foreign(&pool, &taken, &mut done));
    append_groups(look.ledger, groups).await?;
    Ok(done)
}

/// The scheduled lives listed that may be a session's: not another of a session
/// the ledger holds (that one is a duplicate, noted in `done`), and only of
/// anchors wholly seen.
fn candidates(survey: &Survey, state: &LedgerState, done: &mut Reconciled) -> Vec<Candidate> {
    let held = held_sessions(state);
    let mut pool: Vec<Candidate> = Vec::new();
    for listed in &survey.lives {
        // Started, ended, expired or cancelled: never adoptable; the cache has it.
        // An anchor not wholly seen decides nothing, not even what is not ours.
        if listed.info.status != status::SCHEDULED || survey.failed.contains_key(&listed.anchor) {
            continue;
        }
        let c = candidate(&listed.livingid, &listed.anchor, listed.info.clone());
        match held.get(&(c.anchor.clone(), c.start, c.theme.clone())) {
            Some(key) => {
                done.duplicates.push((key.clone(), c.id.clone()));
                done.claimed.push(c.id);
            }
            None => pool.push(c),
        }
    }
    pool
}

/// The records that adopt `c` for the wanted session (after naming the live a
/// replace leaves behind), and the modify that brings it to the plan if it differs.
fn adopt(look: &Lookup<'_>, work: &mut Work, w: Wanted, c: &Candidate) -> Vec<Record> {
    let now = Timestamp::now();
    let planned = serde_json::to_value(&w.request).unwrap_or_default();
    let body = seen_state(&planned, &c.info);
    let mut records = Vec::new();
    if let Some(old) = &w.old {
        // The replaced live is named before the session is repointed, so a
        // crash between the two cannot drop it from the ledger.
        let tomb = tombstone(&w.live.key, old);
        records.push(
            Record::new(&tomb, Event::Intent, now)
                .with_action("cancel")
                .with_livingid(old),
        );
        work.then.push(Task::Cancel {
            key: tomb,
            livingid: old.clone(),
        });
    }
    records.push(
        Record::new(w.live.key.to_string(), Event::Adopted, now)
            .with_livingid(&c.id)
            .with_request(body.clone()),
    );
    look.seen
        .lock()
        .expect("seen lock")
        .note(sighted(&c.id, &c.anchor, &c.info, Some(look.owner)));
    work.summary.adopted += 1;
    if w.later {
        work.summary.deferred -= 1;
    }
    if !same_modifiable(&body, &planned) {
        work.first.push(Task::Modify {
            livingid: c.id.clone(),
            live: w.live,
            current: Some(body),
        });
    }
    records
}

/// A wanted session no listed live is: created as planned (put back in `work`),
/// unless its anchor's lives could not be looked up; then it fails, and nothing
/// is created for it this run.
fn unmatched(
    work: &mut Work,
    mut w: Wanted,
    lookups_failed: &BTreeMap<String, ApiError>,
) -> Option<Vec<Record>> {
    if let Some(err) = lookups_failed.get(w.anchor()) {
        // Interrupted, or not to be created this run anyway: left as it was.
        if err.class() == ErrorClass::Stopped || w.later {
            put_back(work, w);
            return None;
        }
        let error = if err.errcode() == Some(crate::wecom::errcode::INVALID_USERID) {
            format!(
                "{err}: the anchor `{}` is not a userid of this corp",
                w.anchor()
            )
        } else {
            format!(
                "could not look up the lives of `{}` in WeCom ({err}); nothing is created \
                 for it until they can be",
                w.anchor()
            )
        };
        let record = failed(&w, w.pending.clone(), &error);
        fail(work, &w, err.errcode(), error);
        return Some(vec![record]);
    }
    // The anchor's lives were all seen and none is this session's: what a crashed
    // run sent for it made no live, unless it went to another anchor.
    if w.sent().is_some_and(|s| s.anchor_userid == w.anchor()) {
        w.pending = None;
    }
    put_back(work, w);
    None
}

/// The scheduled lives no session took: remembered as not ours, one record each.
fn foreign(pool: &[Candidate], taken: &HashSet<usize>, done: &mut Reconciled) -> Vec<Vec<Record>> {
    let foreign: Vec<Record> = pool
        .iter()
        .enumerate()
        .filter(|(i, _)| !taken.contains(i))
        .map(|(_, c)| foreign_record(&c.id, c.info.status, observed_body(&c.info)))
        .collect();
    done.foreign = foreign.len();
    for (i, c) in pool.iter().enumerate() {
        if taken.contains(&i) {
            done.claimed.push(c.id.clone());
        }
    }
    done.claimed
        .extend(foreign.iter().filter_map(|r| r.livingid.clone()));
    foreign.into_iter().map(|r| vec![r]).collect()
}

/// Whether a listed livingid is read: not if this ledger knows it, nor if the
/// folder's cache says it can never be adopted (settled) or another ledger made it.
pub(super) fn worth_reading(look: &Lookup<'_>, known: &HashSet<&str>, id: &str) -> bool {
    if known.contains(id) {
        return false;
    }
    let seen = look.seen.lock().expect("seen lock");
    seen.get(id).is_none_or(|s| {
        !s.is_settled() && s.ledger.as_deref().is_none_or(|owner| owner == look.owner)
    })
}

/// Takes the creates and replaces out of `work`, and the creates it leaves for later.
fn take_wanted(work: &mut Work) -> Vec<Wanted> {
    let mut wanted = Vec::new();
    let mut rest = Vec::new();
    for task in std::mem::take(&mut work.first) {
        match task {
            Task::Create { live, pending } => wanted.push(Wanted::new(live, false, pending, None)),
            Task::Replace { live, old, pending } => {
                wanted.push(Wanted::new(live, false, pending, Some(old)));
            }
            other => rest.push(other),
        }
    }
    work.first = rest;
    wanted.extend(
        std::mem::take(&mut work.later)
            .into_iter()
            .map(|live| Wanted::new(live, true, None, None)),
    );
    wanted
}

fn put_back(work: &mut Work, w: Wanted) {
    if w.later {
        work.later.push(w.live);
    } else {
        work.first.push(w.task());
    }
}

/// A session that is neither adopted nor created this run, counted as failed.
fn fail(work: &mut Work, w: &Wanted, errcode: Option<i64>, error: String) {
    if w.later {
        work.summary.deferred -= 1;
    }
    work.summary.failed.push(Failure {
        key: w.live.key.to_string(),
        action: w.action(),
        errcode,
        error,
    });
}

/// The failure on the ledger; `pending` keeps a crashed run's body, so that its
/// doubt outlives this run.
fn failed(w: &Wanted, pending: Option<Value>, error: &str) -> Record {
    let mut record = Record::new(w.live.key.to_string(), Event::Failed, Timestamp::now())
        .with_action(w.action())
        .with_error(None, error);
    if let Some(sent) = pending {
        record = record.with_request(sent);
    }
    record
}

/// The sessions this ledger holds a live for, by what a duplicate would share.
fn held_sessions(state: &LedgerState) -> HashMap<(String, i64, String), String> {
    state
        .iter()
        .filter(|k| is_live(k) && !k.key().contains('~'))
        .filter_map(|k| {
            let r = k.request()?.value();
            let anchor = r.get("anchor_userid")?.as_str()?.to_string();
            let start = r.get("living_start")?.as_i64()?;
            let theme = r.get("theme")?.as_str()?.to_string();
            Some(((anchor, start, theme), k.key().to_string()))
        })
        .collect()
}

fn foreign_record(id: &str, status: u8, seen: Value) -> Record {
    Record::new(foreign_key(id), Event::Foreign, Timestamp::now())
        .with_livingid(id)
        .with_status(status)
        .with_request(seen)
}

/// Appends every group, the records of a group in order, letting the writer
/// commit concurrent groups together.
async fn append_groups(ledger: &LedgerWriter, groups: Vec<Vec<Record>>) -> Result<(), LedgerError> {
    let mut appends = tokio::task::JoinSet::new();
    for group in groups {
        let ledger = ledger.clone();
        appends.spawn(async move {
            for record in group {
                ledger.append(record).await?;
            }
            Ok::<(), LedgerError>(())
        });
    }
    let mut result = Ok(());
    while let Some(done) = appends.join_next().await {
        match done {
            Ok(Ok(())) => {}
            Ok(Err(err)) => result = Err(err),
            Err(err) => tracing::error!("a ledger append panicked: {err}"),
        }
    }
    result
}
