//! From the diff to the calls: which changes become which tasks, in which order.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::executor::Task;
use super::summary::Summary;
use crate::ledger::{BodyRef, Event, KeyState, LedgerState};
use crate::plan::changes::{self, Action, Change};
use crate::plan::{Plan, PlannedLive, SessionKey};

/// The tasks of one run: `first` (creates, modifies, replaces) before `then`
/// (cancels), and the sessions counted without a call.
#[derive(Debug, Default)]
pub struct Work {
    pub first: Vec<Task>,
    pub then: Vec<Task>,
    /// Creates left for a later run by `--max-creates` (counted in `summary.deferred`):
    /// their lives, if WeCom already has them, are adopted all the same.
    pub later: Vec<Box<PlannedLive>>,
    pub summary: Summary,
}

impl Work {
    /// The tasks that carry `changes` out. `max_creates` leaves the creates past
    /// it for a later run (counted as deferred).
    pub fn from_changes(
        plan: &Plan,
        ledger: &LedgerState,
        all: &[Change],
        max_creates: Option<usize>,
    ) -> Work {
        let lives: HashMap<&SessionKey, &PlannedLive> =
            plan.lives.iter().map(|l| (&l.key, l)).collect();
        let live = |c: &Change| {
            let key = c.key.session().expect("a change to a planned session");
            Box::new(lives[key].clone())
        };
        let mut work = Work::default();
        let mut creates = 0usize;
        for change in all {
            let held = ledger.get(&change.key.to_string());
            let livingid = || change.livingid.as_deref().unwrap_or_default().to_string();
            match change.action {
                Action::Unchanged => work.summary.unchanged += 1,
                Action::Drifted => work.summary.drifted += 1,
                Action::Past => work.summary.past += 1,
                Action::Create if max_creates.is_some_and(|max| creates >= max) => {
                    work.summary.deferred += 1;
                    work.later.push(live(change));
                }
                Action::Create => {
                    creates += 1;
                    let live = live(change);
                    let pending = pending_create(held, &live);
                    work.first.push(Task::Create { live, pending });
                }
                Action::Replace => {
                    let live = live(change);
                    let pending = pending_create(held, &live);
                    work.first.push(Task::Replace {
                        live,
                        old: livingid(),
                        pending,
                    });
                }
                Action::Modify => work.first.push(Task::Modify {
                    live: live(change),
                    livingid: livingid(),
                    current: held.and_then(|k| k.request()).map(BodyRef::value),
                }),
                Action::Cancel => work.then.push(Task::Cancel {
                    key: change.key.to_string(),
                    livingid: livingid(),
                }),
            }
        }
        work.keep_tombstones_of_replaces();
        work
    }

    /// Cancels of every future live the ledger holds: what `destroy` does.
    /// A live that started is never touched.
    pub fn cancel_all(ledger: &LedgerState, now: jiff::Timestamp) -> Work {
        let mut work = Work::default();
        for k in ledger.iter().filter(|k| changes::is_live(k)) {
            match k.livingid() {
                Some(_) if changes::recorded_start(k) <= now.as_second() => {
                    work.summary.past += 1;
                }
                Some(id) => work.then.push(Task::Cancel {
                    key: k.key().to_string(),
                    livingid: id.to_string(),
                }),
                None => {}
            }
        }
        work
    }

    /// A tombstone left by an earlier replace waits for the replace scheduled now:
    /// cancelling it here as well would leave the session with no live if that failed.
    fn keep_tombstones_of_replaces(&mut self) {
        let replacing: HashSet<String> = self
            .first
            .iter()
            .filter_map(|t| match t {
                Task::Replace { live, old, .. } => Some(changes::tombstone(&live.key, old)),
                _ => None,
            })
            .collect();
        self.then
            .retain(|t| !matches!(t, Task::Cancel { key, .. } if replacing.contains(key)));
    }

    /// Every create looks its live up first, as if a crashed run had sent it:
    /// for a ledger whose torn last line named no session.
    pub fn look_up_every_create(&mut self) {
        for task in &mut self.first {
            if let Task::Create { live, pending } | Task::Replace { live, pending, .. } = task
                && pending.is_none()
            {
                *pending = serde_json::to_value(live.request()).ok();
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.first.is_empty() && self.then.is_empty()
    }

    pub fn len(&self) -> usize {
        self.first.len() + self.then.len()
    }

    /// How many lives this work creates (replaces aside): what `--max-creates` caps.
    pub fn creates(&self) -> usize {
        self.first
            .iter()
            .filter(|t| matches!(t, Task::Create { .. }))
            .count()
    }

    /// The changes about to be made, for the person (or log) deciding.
    pub fn describe(&self) -> String {
        Work::describe_all("apply", std::slice::from_ref(self))
    }

    /// The changes of several works together (one run over many schedules),
    /// after `label`: `apply`, or a schedule's name.
    pub fn describe_all(label: &str, works: &[Work]) -> String {
        let count = |pred: fn(&Task) -> bool| {
            works
                .iter()
                .flat_map(|w| w.first.iter().chain(&w.then))
                .filter(|t| pred(t))
                .count()
        };
        let sum =
            |field: fn(&Summary) -> usize| works.iter().map(|w| field(&w.summary)).sum::<usize>();
        let creates = count(|t| matches!(t, Task::Create { .. }));
        let modifies = count(|t| matches!(t, Task::Modify { .. }));
        let replaces = count(|t| matches!(t, Task::Replace { .. }));
        let cancels = count(|t| matches!(t, Task::Cancel { .. }));
        let mut s = format!(
            "{label}: {creates} to create, {modifies} to modify, {replaces} to replace, {cancels} to cancel"
        );
        let (unchanged, past, deferred) =
            (sum(|s| s.unchanged), sum(|s| s.past), sum(|s| s.deferred));
        if unchanged + past > 0 {
            s.push_str(&format!("; {unchanged} unchanged, {past} past"));
        }
        if deferred > 0 {
            s.push_str(&format!(
                "; {deferred} left for a later run (--max-creates)"
            ));
        }
        s
    }
}

/// What an earlier call sent for a create that may have made the live: an intent
/// with no result (a killed run), or a failure that kept the body of a call that
/// may have acted (a lost reply, then a lookup that failed too). The next run
/// looks it up before creating.
///
/// An intent without a body (what a torn line leaves) is looked up with the
/// planned body: what the session would have been created with.
fn pending_create(held: Option<&KeyState>, live: &PlannedLive) -> Option<Value> {
    let record = held
        .map(|k| k.last_record())
        .filter(|r| matches!(r.event, Event::Intent | Event::Failed))
        .filter(|r| matches!(r.action.as_deref(), Some("create" | "replace")))?;
    match (&record.request, record.event) {
        (Some(sent), _) => Some(sent.value()),
        (None, Event::Intent) => serde_json::to_value(live.request()).ok(),
        (None, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;
    use serde_json::json;

    use super::*;
    use crate::ledger::Record;
    use crate::plan::changes::changes;

    const TERM: &str = "\
version: 1
term: { name: t, timezone: Asia/Shanghai, start: 2027-03-01, end: 2027-03-28 }
defaults: { anchor: zhangsan, duration: 1h }
classes:
  - { id: ml, theme: 'ML {n}', weekly: { days: [mon], at: '19:00' } }
";

    fn plan() -> Plan {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.yaml");
        std::fs::write(&file, TERM).unwrap();
        let (_, plan) = crate::plan::plan_term(&file, false).valid().unwrap();
        plan
    }

    fn now() -> Timestamp {
        "2027-02-01T00:00:00Z".parse().unwrap()
    }

    fn created(live: &PlannedLive, id: &str) -> Record {
        created_with(live, id, |_| {})
    }

    /// A `created` record whose body is the planned one after `edit`.
    fn created_with(live: &PlannedLive, id: &str, edit: impl FnOnce(&mut Value)) -> Record {
        let mut body = serde_json::to_value(live.request()).unwrap();
        edit(&mut body);
        Record::new(&live.key, Event::Created, now())
            .with_livingid(id)
            .with_request(body)
    }

    fn kinds(tasks: &[Task]) -> Vec<String> {
        tasks
            .iter()
            .map(|t| match t {
                Task::Create { live, pending } => {
                    format!("create {} {}", live.key, pending.is_some())
                }
                Task::Modify { live, livingid, .. } => format!("modify {} {livingid}", live.key),
                Task::Replace { live, old, .. } => format!("replace {} {old}", live.key),
                Task::Cancel { key, livingid } => format!("cancel {key} {livingid}"),
            })
            .collect()
    }

    #[test]
    fn creates_past_the_cap_are_deferred() {
        let plan = plan();
        let ledger = LedgerState::default();
        let all = changes(&plan, &ledger, now());
        let work = Work::from_changes(&plan, &ledger, &all, Some(3));
        assert_eq!(
            kinds(&work.first),
            [
                "create ml/2027-03-01 false",
                "create ml/2027-03-08 false",
                "create ml/2027-03-15 false"
            ]
        );
        assert_eq!(work.summary.deferred, 1);
        assert!(work.then.is_empty());
        assert_eq!(
            work.describe(),
            "apply: 3 to create, 0 to modify, 0 to replace, 0 to cancel; 1 left for a later run (--max-creates)"
        );
    }

    #[test]
    fn each_change_becomes_its_task() {
        let plan = plan();
        let [a, b, c, d] = &plan.lives[..] else {
            panic!("four sessions")
        };
        let edited = created_with(b, "lv-b", |body| body["theme"] = json!("old theme"));
        let moved = created_with(c, "lv-c", |body| body["anchor_userid"] = json!("lisi"));
        let records = [
            created(a, "lv-a"),
            edited,
            moved,
            // A killed run: an intent to create with no result.
            Record::new(&d.key, Event::Intent, now())
                .with_action("create")
                .with_request(serde_json::to_value(d.request()).unwrap()),
            Record::new("gone/2027-03-02", Event::Created, now()).with_livingid("lv-gone"),
        ];
        let ledger = LedgerState::from_records(&records);
        let all = changes(&plan, &ledger, now());
        let work = Work::from_changes(&plan, &ledger, &all, None);
        assert_eq!(
            kinds(&work.first),
            [
                "modify ml/2027-03-08 lv-b",
                "replace ml/2027-03-15 lv-c",
                "create ml/2027-03-22 true"
            ]
        );
        assert_eq!(kinds(&work.then), ["cancel gone/2027-03-02 lv-gone"]);
        assert_eq!(work.summary.unchanged, 1);
    }

    #[test]
    fn a_tombstone_waits_for_the_replace_of_its_live() {
        let plan = plan();
        let live = &plan.lives[0];
        let moved = created_with(live, "lv-new", |body| body["anchor_userid"] = json!("lisi"));
        let tomb = changes::tombstone(&live.key, "lv-new");
        let records = [
            moved,
            Record::new(&tomb, Event::Created, now()).with_livingid("lv-new"),
        ];
        let ledger = LedgerState::from_records(&records);
        let all = changes(&plan, &ledger, now());
        let work = Work::from_changes(&plan, &ledger, &all, Some(0));
        assert_eq!(kinds(&work.first), ["replace ml/2027-03-01 lv-new"]);
        assert!(kinds(&work.then).is_empty(), "{:?}", kinds(&work.then));
    }

    #[test]
    fn destroy_cancels_only_future_lives() {
        let plan = plan();
        let records: Vec<Record> = plan
            .lives
            .iter()
            .enumerate()
            .map(|(i, l)| created(l, &format!("lv{i}")))
            .collect();
        let ledger = LedgerState::from_records(&records);
        let mid: Timestamp = "2027-03-10T00:00:00+08:00".parse().unwrap();
        let work = Work::cancel_all(&ledger, mid);
        assert_eq!(work.summary.past, 2);
        assert_eq!(
            kinds(&work.then),
            ["cancel ml/2027-03-15 lv2", "cancel ml/2027-03-22 lv3"]
        );
    }
}
