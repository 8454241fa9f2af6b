//! Two runners at once (two CI jobs, each with its own checkout and ledger) can
//! both create a session's live between one's lookup and its create. `refresh`
//! finds such a second live: scheduled, same anchor, start and theme as a session
//! the ledger holds, unknown to the ledger. Both sides keep the same survivor
//! without talking to each other, the smallest livingid; every other one is
//! recorded as a duplicate under `KEY~LIVINGID`, which the next apply cancels like
//! a replaced live. When the survivor is not the ledger's own, the session is
//! repointed to it first, so two ledgers never cancel each other's survivor.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::Timestamp;
use serde_json::Value;

use super::reconcile::worth_reading;
use super::recover::{observed_body, seen_state};
use super::survey::{Listed, Lookup, survey};
use crate::ledger::{BodyRef, Event, KeyState, LedgerError, LedgerState, Record};
use crate::plan::changes::{is_live, tombstone};
use crate::wecom::LivingInfo;
use crate::wecom::types::status;

/// What the search found.
#[derive(Debug, Default)]
pub struct Duplicates {
    /// Second lives recorded for the next apply to cancel.
    pub found: usize,
    /// Sessions repointed to a survivor another ledger holds.
    pub repointed: usize,
    /// Anchors whose lives could not be listed or read.
    pub failed: usize,
    /// One line per finding, for the person.
    pub lines: Vec<String>,
}

/// Other scheduled lives of one session, as read.
type Seconds = Vec<(String, LivingInfo)>;

/// A session the ledger holds a live for.
struct Held<'a> {
    key: &'a str,
    livingid: &'a str,
    request: Value,
}

/// Lists the lives of every anchor the ledger holds a live for and records the
/// second lives it finds. `statuses` are the held lives' statuses as just read
/// back; a session whose live was not read is left alone, since a survivor must
/// be known to be scheduled.
pub async fn find_duplicates(
    look: &Lookup<'_>,
    state: &LedgerState,
    statuses: &HashMap<String, u8>,
) -> Result<Duplicates, LedgerError> {
    let sessions = held_sessions(state);
    let mut found = Duplicates::default();
    if sessions.is_empty() {
        return Ok(found);
    }
    let anchors = sessions.keys().map(|(a, _, _)| a.clone()).collect();
    let recheck = rechecks(state, &sessions);
    let known = state.livingids();
    let survey = survey(look, &anchors, |id| {
        recheck.contains(id) || worth_reading(look, &known, id)
    })
    .await;
    for (anchor, err) in &survey.failed {
        found.failed += 1;
        found
            .lines
            .push(format!("  failed to list the lives of `{anchor}`: {err}"));
    }
    let now = Timestamp::now();
    for (key, (held, others)) in seconds(survey.lives, &sessions) {
        let Some(&held_status) = statuses.get(key) else {
            found.lines.push(format!(
                "  ! `{key}`: WeCom holds another live like it, but its own could not be read; \
                 run `livesched refresh` again"
            ));
            continue;
        };
        for record in settle(key, held, &others, held_status, now, &mut found) {
            look.ledger.append(record).await?;
        }
    }
    Ok(found)
}

/// The sessions the ledger holds a live for, by what a second live would share
/// with them; sessions alike in all three cannot tell their lives apart, and are left out.
fn held_sessions(state: &LedgerState) -> HashMap<(String, i64, String), Vec<Held<'_>>> {
    let mut sessions: HashMap<(String, i64, String), Vec<Held<'_>>> = HashMap::new();
    for k in state
        .iter()
        .filter(|k| is_live(k) && !k.key().contains('~'))
    {
        let (Some(livingid), Some(request)) = (k.livingid(), k.request().map(BodyRef::value))
        else {
            continue;
        };
        if let Some(triple) = triple(&request) {
            sessions.entry(triple).or_default().push(Held {
                key: k.key(),
                livingid,
                request,
            });
        }
    }
    sessions.retain(|_, held| held.len() == 1);
    sessions
}

/// Lives remembered as not ours that look like a held session: read again, as
/// a second runner's live can be taken for another schedule's.
fn rechecks<'s>(
    state: &'s LedgerState,
    sessions: &HashMap<(String, i64, String), Vec<Held<'_>>>,
) -> HashSet<&'s str> {
    state
        .iter()
        .filter(|k| k.last() == Event::Foreign)
        .filter(|k| {
            k.last_record()
                .request
                .as_ref()
                .and_then(|body| triple(&body.value()))
                .is_some_and(|t| sessions.contains_key(&t))
        })
        .filter_map(KeyState::livingid)
        .collect()
}

/// The scheduled lives listed that are like a held session but not its own, by session.
fn seconds<'h, 'a>(
    listed: Vec<Listed>,
    sessions: &'h HashMap<(String, i64, String), Vec<Held<'a>>>,
) -> BTreeMap<&'a str, (&'h Held<'a>, Seconds)> {
    let mut seconds: BTreeMap<&str, (&Held<'_>, Seconds)> = BTreeMap::new();
    for listed in listed {
        let info = listed.info;
        if info.status != status::SCHEDULED {
            continue;
        }
        let body = observed_body(&info);
        let Some([held]) = triple(&body)
            .and_then(|t| sessions.get(&t))
            .map(Vec::as_slice)
        else {
            continue;
        };
        if held.livingid == listed.livingid {
            continue;
        }
        seconds
            .entry(held.key)
            .or_insert_with(|| (held, Vec::new()))
            .1
            .push((listed.livingid, info));
    }
    seconds
}

/// The records that keep one live of a session (the smallest livingid of those
/// still scheduled) and mark the others as duplicates, counted in `found`.
fn settle(
    key: &str,
    held: &Held<'_>,
    others: &Seconds,
    held_status: u8,
    now: Timestamp,
    found: &mut Duplicates,
) -> Vec<Record> {
    let held_scheduled = held_status == status::SCHEDULED;
    let survivor = others
        .iter()
        .map(|(id, _)| id.as_str())
        .chain(held_scheduled.then_some(held.livingid))
        .min()
        .expect("at least one second live")
        .to_string();
    let mut records = Vec::new();
    if survivor != held.livingid {
        if held_scheduled {
            records.push(duplicate(key, held.livingid, held.request.clone(), now));
            found.found += 1;
            found.lines.push(format!(
                "  ! `{key}`: a second live `{survivor}` in WeCom; keeping it (the smaller \
                 livingid) and cancelling `{}` at the next apply",
                held.livingid
            ));
        }
        let info = &others
            .iter()
            .find(|(id, _)| *id == survivor)
            .expect("the survivor is one of them")
            .1;
        records.push(
            Record::new(key, Event::Adopted, now)
                .with_livingid(&survivor)
                .with_request(seen_state(&held.request, info)),
        );
        found.repointed += 1;
    }
    for (id, info) in others {
        if *id == survivor {
            continue;
        }
        records.push(duplicate(key, id, observed_body(info), now));
        found.found += 1;
        found.lines.push(format!(
            "  ! `{key}`: a second live `{id}` in WeCom; keeping `{survivor}` and \
             cancelling `{id}` at the next apply"
        ));
    }
    records
}

/// What a second live shares with its session: anchor, scheduled start, theme.
fn triple(body: &Value) -> Option<(String, i64, String)> {
    Some((
        body.get("anchor_userid")?.as_str()?.to_string(),
        body.get("living_start")?.as_i64()?,
        body.get("theme")?.as_str()?.to_string(),
    ))
}

fn duplicate(key: &str, livingid: &str, seen: Value, now: Timestamp) -> Record {
    Record::new(tombstone(key, livingid), Event::Duplicate, now)
        .with_livingid(livingid)
        .with_status(status::SCHEDULED)
        .with_request(seen)
}
