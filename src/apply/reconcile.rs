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
//! reported and nothing is created for that session. Scheduled lives that match
//! nothing are remembered in the ledger as not ours and never touched.

use std::collections::{BTreeSet, HashMap, HashSet};

use jiff::Timestamp;
use serde_json::Value;

use super::executor::Task;
use super::recover::{observed_body, seen_state};
use super::summary::Failure;
use super::survey::{Lookup, sighted, survey};
use super::tasks::Work;
use crate::ledger::{Event, LedgerError, LedgerState, LedgerWriter, Record, foreign_key};
use crate::plan::PlannedLive;
use crate::plan::changes::{is_live, same_modifiable, tombstone};
use crate::wecom::types::status;
use crate::wecom::{CreateLiving, ErrorClass, LivingInfo};

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

/// A session this run would create, and where it came from.
struct Wanted {
    live: Box<PlannedLive>,
    /// Left for a later run by `--max-creates`.
    later: bool,
    /// What a crashed run sent for it, when that run may have made the live.
    pending: Option<Value>,
    /// The live a replace would cancel once the new one exists.
    old: Option<String>,
}

impl Wanted {
    fn anchor(&self) -> &str {
        &self.live.request.anchor_userid
    }

    fn sent(&self) -> Option<CreateLiving> {
        serde_json::from_value(self.pending.clone()?).ok()
    }

    fn task(self) -> Task {
        match self.old {
            Some(old) => Task::Replace {
                live: self.live,
                old,
                pending: self.pending,
            },
            None => Task::Create {
                live: self.live,
                pending: self.pending,
            },
        }
    }

    fn action(&self) -> &'static str {
        if self.old.is_some() {
            "replace"
        } else {
            "create"
        }
    }
}

/// A scheduled live unknown to the ledger: one that may be a session's.
struct Candidate {
    id: String,
    anchor: String,
    start: i64,
    duration: i64,
    theme: String,
    info: LivingInfo,
}

type Tier = fn(&Wanted, Option<&CreateLiving>, &Candidate) -> bool;

/// The tiers, strongest first.
const TIERS: [Tier; 4] = [
    // What a crashed run sent, exactly as the in-doubt lookup matches it.
    |_, sent, c| {
        sent.is_some_and(|s| {
            s.anchor_userid == c.anchor
                && s.living_start == c.start
                && s.theme == c.theme
                && s.living_duration == c.duration
        })
    },
    |w, _, c| {
        let r = &w.live.request;
        r.anchor_userid == c.anchor && r.living_start == c.start && r.theme == c.theme
    },
    |w, _, c| w.live.request.anchor_userid == c.anchor && w.live.request.living_start == c.start,
    |w, _, c| w.live.request.anchor_userid == c.anchor && w.live.request.theme == c.theme,
];

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

    let held = held_sessions(state);
    let mut pool: Vec<Candidate> = Vec::new();
    for listed in survey.lives {
        // Started, ended, expired or cancelled: never adoptable; the cache has it.
        // An anchor not wholly seen decides nothing, not even what is not ours.
        if listed.info.status != status::SCHEDULED || survey.failed.contains_key(&listed.anchor) {
            continue;
        }
        let c = candidate(&listed.livingid, &listed.anchor, listed.info);
        match held.get(&(c.anchor.clone(), c.start, c.theme.clone())) {
            Some(key) => {
                done.duplicates.push((key.clone(), c.id.clone()));
                done.claimed.push(c.id);
            }
            None => pool.push(c),
        }
    }

    let (matched, ambiguous) = pair(&wanted, &pool, &survey.failed);
    let mut taken: HashSet<usize> = matched.iter().flatten().copied().collect();
    for lives in ambiguous.iter().flatten() {
        taken.extend(lives.iter().copied());
    }

    let mut groups: Vec<Vec<Record>> = Vec::new();
    let now = Timestamp::now();
    for (i, w) in wanted.into_iter().enumerate() {
        if let Some(c) = matched[i].map(|c| &pool[c]) {
            let planned = serde_json::to_value(&w.live.request).unwrap_or_default();
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
                Record::new(&w.live.key, Event::Adopted, now)
                    .with_livingid(&c.id)
                    .with_request(body.clone()),
            );
            groups.push(records);
            look.seen.lock().expect("seen lock").note(sighted(
                &c.id,
                &c.anchor,
                &c.info,
                Some(look.owner),
            ));
            done.adopted += 1;
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
            continue;
        }
        if let Some(lives) = &ambiguous[i] {
            let error = ambiguity(lives, &pool, &wanted_rivals(&ambiguous, i, lives));
            groups.push(vec![failed(&w, w.pending.clone(), &error)]);
            fail(work, &w, None, error);
            continue;
        }
        if let Some(err) = survey.failed.get(w.anchor()) {
            // Interrupted, or not to be created this run anyway: left as it was.
            if err.class() == ErrorClass::Stopped || w.later {
                put_back(work, w);
                continue;
            }
            let error = format!(
                "could not look up the lives of `{}` in WeCom ({err}); nothing is created \
                 for it until they can be",
                w.anchor()
            );
            groups.push(vec![failed(&w, w.pending.clone(), &error)]);
            fail(work, &w, err.errcode(), error);
            continue;
        }
        // The anchor's lives were all seen and none is this session's: what a crashed
        // run sent for it made no live, unless it went to another anchor.
        let mut w = w;
        if w.sent().is_some_and(|s| s.anchor_userid == w.anchor()) {
            w.pending = None;
        }
        put_back(work, w);
    }
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
    groups.extend(foreign.into_iter().map(|r| vec![r]));
    append_groups(look.ledger, groups).await?;
    Ok(done)
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
            Task::Create { live, pending } => wanted.push(Wanted {
                live,
                later: false,
                pending,
                old: None,
            }),
            Task::Replace { live, old, pending } => wanted.push(Wanted {
                live,
                later: false,
                pending,
                old: Some(old),
            }),
            other => rest.push(other),
        }
    }
    work.first = rest;
    wanted.extend(
        std::mem::take(&mut work.later)
            .into_iter()
            .map(|live| Wanted {
                live,
                later: true,
                pending: None,
                old: None,
            }),
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
        key: w.live.key.clone(),
        action: w.action(),
        errcode,
        error,
    });
}

/// The failure on the ledger; `pending` keeps a crashed run's body, so that its
/// doubt outlives this run.
fn failed(w: &Wanted, pending: Option<Value>, error: &str) -> Record {
    let mut record = Record::new(&w.live.key, Event::Failed, Timestamp::now())
        .with_action(w.action())
        .with_error(None, error);
    if let Some(sent) = pending {
        record = record.with_request(sent);
    }
    record
}

/// Each session's live, or its tied candidates; the tiers in order, each only
/// among what is still unpaired. Sessions of anchors that could not be looked up
/// take no part.
fn pair(
    wanted: &[Wanted],
    pool: &[Candidate],
    failed: &std::collections::BTreeMap<String, crate::wecom::ApiError>,
) -> (Vec<Option<usize>>, Vec<Option<Vec<usize>>>) {
    let sent: Vec<Option<CreateLiving>> = wanted.iter().map(Wanted::sent).collect();
    let mut matched: Vec<Option<usize>> = vec![None; wanted.len()];
    let mut ambiguous: Vec<Option<Vec<usize>>> = vec![None; wanted.len()];
    let mut taken: HashSet<usize> = HashSet::new();
    for tier in TIERS {
        let mut wants: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut wanted_by: HashMap<usize, usize> = HashMap::new();
        for (w, session) in wanted.iter().enumerate() {
            if matched[w].is_some()
                || ambiguous[w].is_some()
                || failed.contains_key(session.anchor())
            {
                continue;
            }
            let lives: Vec<usize> = (0..pool.len())
                .filter(|c| !taken.contains(c) && tier(session, sent[w].as_ref(), &pool[*c]))
                .collect();
            for c in &lives {
                *wanted_by.entry(*c).or_default() += 1;
            }
            if !lives.is_empty() {
                wants.push((w, lives));
            }
        }
        for (w, lives) in wants {
            if let [c] = lives[..]
                && wanted_by[&c] == 1
            {
                matched[w] = Some(c);
                taken.insert(c);
            } else {
                taken.extend(lives.iter().copied());
                ambiguous[w] = Some(lives);
            }
        }
    }
    (matched, ambiguous)
}

/// The other sessions that wanted one of `lives` in the same tie.
fn wanted_rivals(ambiguous: &[Option<Vec<usize>>], me: usize, lives: &[usize]) -> Vec<usize> {
    ambiguous
        .iter()
        .enumerate()
        .filter(|(i, other)| {
            *i != me
                && other
                    .as_ref()
                    .is_some_and(|o| o.iter().any(|c| lives.contains(c)))
        })
        .map(|(i, _)| i)
        .collect()
}

fn ambiguity(lives: &[usize], pool: &[Candidate], rivals: &[usize]) -> String {
    let ids: Vec<String> = lives.iter().map(|c| format!("`{}`", pool[*c].id)).collect();
    let what = if lives.len() > 1 {
        format!(
            "WeCom already holds {} scheduled lives that could be this session ({})",
            lives.len(),
            ids.join(", ")
        )
    } else {
        format!(
            "the scheduled live {} in WeCom could be this session or {} other one(s)",
            ids.join(", "),
            rivals.len()
        )
    };
    format!(
        "{what}, so none was adopted and none created; cancel the one that is not its live \
         in WeCom, then apply again"
    )
}

/// The sessions this ledger holds a live for, by what a duplicate would share.
fn held_sessions(state: &LedgerState) -> HashMap<(String, i64, String), String> {
    state
        .iter()
        .filter(|k| is_live(k) && !k.key.contains('~'))
        .filter_map(|k| {
            let r = k.request.as_ref()?;
            let anchor = r.get("anchor_userid")?.as_str()?.to_string();
            let start = r.get("living_start")?.as_i64()?;
            let theme = r.get("theme")?.as_str()?.to_string();
            Some(((anchor, start, theme), k.key.clone()))
        })
        .collect()
}

fn candidate(id: &str, anchor: &str, info: LivingInfo) -> Candidate {
    let seen = sighted(id, anchor, &info, None);
    Candidate {
        id: id.to_string(),
        anchor: seen.anchor,
        start: seen.start,
        duration: seen.duration,
        theme: seen.theme,
        info,
    }
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;
    use crate::plan::Plan;

    /// Four sessions: `same` (constant theme) on Mondays, `x` on Tuesdays, both at 10:00.
    const TERM: &str = "\
version: 1
term: { name: t, timezone: Asia/Shanghai, start: 2027-03-01, end: 2027-03-14 }
defaults: { anchor: a, duration: 1h }
classes:
  - { id: same, theme: 全员培训, weekly: { days: [mon], at: '10:00' } }
  - { id: x, theme: 'X {n}', weekly: { days: [tue], at: '10:00' } }
";

    fn plan() -> Plan {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.yaml");
        std::fs::write(&file, TERM).unwrap();
        crate::plan::plan_term(&file, false).valid().unwrap().1
    }

    fn wanted(plan: &Plan) -> Vec<Wanted> {
        plan.lives
            .iter()
            .map(|l| Wanted {
                live: Box::new(l.clone()),
                later: false,
                pending: None,
                old: None,
            })
            .collect()
    }

    fn live(id: &str, start: i64, theme: &str) -> Candidate {
        let info: LivingInfo = serde_json::from_value(json!({
            "theme": theme, "living_start": start, "living_duration": 3600, "status": 0,
            "anchor_userid": "a",
        }))
        .unwrap();
        candidate(id, "a", info)
    }

    /// Each session's key and what it got: a livingid, or the tied ones.
    fn paired(wanted: &[Wanted], pool: &[Candidate]) -> BTreeMap<String, String> {
        let (matched, tied) = pair(wanted, pool, &BTreeMap::new());
        wanted
            .iter()
            .enumerate()
            .filter_map(|(i, w)| {
                let got = match (matched[i], &tied[i]) {
                    (Some(c), _) => pool[c].id.clone(),
                    (None, Some(lives)) => {
                        let ids: Vec<&str> = lives.iter().map(|c| pool[*c].id.as_str()).collect();
                        format!("tie {}", ids.join(" "))
                    }
                    (None, None) => return None,
                };
                Some((w.live.key.clone(), got))
            })
            .collect()
    }

    #[test]
    fn each_tier_pairs_only_what_the_stronger_ones_left() {
        let plan = plan();
        let start = |key: &str| {
            plan.lives
                .iter()
                .find(|l| l.key == key)
                .unwrap()
                .request
                .living_start
        };
        let pool = [
            // x/2027-03-02 exactly; x/2027-03-09 with its time edited since (theme only);
            // same/2027-03-01 with its theme edited since (start only).
            live("lv-x1", start("x/2027-03-02"), "X 1"),
            live("lv-x2", start("x/2027-03-09") + 1800, "X 2"),
            live("lv-s1", start("same/2027-03-01"), "旧的名字"),
            // Matches nothing: another schedule's.
            live("lv-other", start("x/2027-03-02") + 7200, "别的课"),
        ];
        let got = paired(&wanted(&plan), &pool);
        assert_eq!(
            got,
            BTreeMap::from([
                ("same/2027-03-01".into(), "lv-s1".into()),
                ("x/2027-03-02".into(), "lv-x1".into()),
                ("x/2027-03-09".into(), "lv-x2".into()),
            ])
        );
    }

    #[test]
    fn a_tie_adopts_nothing() {
        let plan = plan();
        let start = plan.lives[0].request.living_start;
        // Two identical lives for one session.
        let pool = [
            live("lv-1", start, "全员培训"),
            live("lv-2", start, "全员培训"),
        ];
        let got = paired(&wanted(&plan), &pool);
        assert_eq!(
            got,
            BTreeMap::from([("same/2027-03-01".into(), "tie lv-1 lv-2".into())])
        );
        // One live two sessions could be (a constant theme, both times edited since).
        let pool = [live("lv-3", start + 60, "全员培训")];
        let got = paired(&wanted(&plan), &pool);
        assert_eq!(
            got,
            BTreeMap::from([
                ("same/2027-03-01".into(), "tie lv-3".into()),
                ("same/2027-03-08".into(), "tie lv-3".into()),
            ])
        );
    }
}
