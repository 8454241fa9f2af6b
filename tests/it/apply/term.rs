//! The term every apply test applies, and what those tests ask of a [`Test`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::Timestamp;
use livesched::ledger::Event;
use livesched::plan::PlannedLive;
use livesched::sim::{SimConfig, SimLive, SimStats};
use livesched::wecom::status;
use serde_json::Value;

use crate::support::{TERM, Test};

/// "Now" for every run, on the command line and on the simulator clock: the Monday
/// of teaching week 4, at noon, so the term's first three weeks (and that morning) are past.
const NOW: &str = "2027-03-15T12:30:00+08:00";

pub(super) fn now() -> Timestamp {
    NOW.parse().unwrap()
}

/// A term of `classes` classes meeting Monday and Thursday at `8 + i` o'clock, shared
/// among three anchors, so that a lookup has other lives of the same anchor to tell apart.
fn term_yaml(classes: usize) -> String {
    assert!(classes <= 14, "the hours must stay within one day");
    let mut yaml = format!(
        "{TERM}defaults: {{ type: training, duration: 90m, remind: 15m, description: 测试课 }}\nclasses:\n"
    );
    for c in 0..classes {
        yaml.push_str(&format!(
            "  - id: c{c}\n    theme: 课程{c} 第{{n}}讲\n    anchor: t{}\n    weekly: {{ days: [mon, thu], at: \"{:02}:00\" }}\n",
            c % 3,
            8 + c
        ));
    }
    yaml
}

/// `term_yaml(classes)` in a temp dir, to be applied to a simulator at `NOW`.
pub(super) fn term(classes: usize, config: SimConfig) -> Test {
    Test::new()
        .schedule(term_yaml(classes))
        .now(NOW)
        .simulator(config)
}

/// What the apply tests ask of a [`Test`] besides runs.
pub(super) trait Term {
    /// The sessions that start after now: the ones apply must create.
    fn future(&self) -> Vec<PlannedLive>;
    /// Every future session has exactly one scheduled live, the ledger names exactly
    /// those lives (key by key), nothing else was made, and no intent is left in doubt.
    fn assert_exactly_one_live_per_session(&self);
}

impl Term for Test {
    fn future(&self) -> Vec<PlannedLive> {
        let planned = livesched::plan::plan_term(&self.path("t.yaml"), false);
        let plan = planned.plan.expect("the test term is valid");
        plan.lives
            .into_iter()
            .filter(|l| l.start.timestamp() >= now())
            .collect()
    }

    fn assert_exactly_one_live_per_session(&self) {
        let future = self.future();
        let lives: Vec<SimLive> = self
            .sim()
            .lives()
            .into_iter()
            .filter(|l| l.status != status::CANCELLED)
            .collect();
        let mut per_session: HashMap<(&str, &str, i64, i64), Vec<&SimLive>> = HashMap::new();
        for live in &lives {
            per_session
                .entry((
                    &live.request.anchor_userid,
                    &live.request.theme,
                    live.request.living_start,
                    live.request.living_duration,
                ))
                .or_default()
                .push(live);
        }
        let state = self.ledger();
        let mut ledger_ids = BTreeMap::new();
        for session in &future {
            let r = &session.request();
            let found = per_session
                .get(&(
                    r.anchor_userid.as_str(),
                    r.theme.as_str(),
                    r.living_start,
                    r.living_duration,
                ))
                .map_or(0, Vec::len);
            assert_eq!(found, 1, "lives for `{}`", session.key);
            let held = state
                .get(&session.key.to_string())
                .unwrap_or_else(|| panic!("`{}` is not in the ledger", session.key));
            assert!(
                held.pending_intent().is_none() && held.last() != Event::Cancelled,
                "`{}` ends as {:?}",
                session.key,
                held.last_record()
            );
            let id = held.livingid().expect("a livingid").to_string();
            let live = lives
                .iter()
                .find(|l| l.livingid == id)
                .unwrap_or_else(|| panic!("`{}`: `{id}` is not a live", session.key));
            assert_eq!(
                (
                    &live.request.anchor_userid,
                    &live.request.theme,
                    live.request.living_start
                ),
                (&r.anchor_userid, &r.theme, r.living_start),
                "`{}` names another session's live",
                session.key
            );
            ledger_ids.insert(session.key.clone(), id);
        }
        let sim_ids: BTreeSet<&str> = lives.iter().map(|l| l.livingid.as_str()).collect();
        let held_ids: BTreeSet<&str> = ledger_ids.values().map(String::as_str).collect();
        assert_eq!(held_ids.len(), future.len(), "one livingid per session");
        assert_eq!(held_ids, sim_ids, "the ledger's lives are WeCom's lives");
        assert_eq!(self.sim().stats().duplicates, 0);
        assert_eq!(state.pending_intents().count(), 0);
    }
}

pub(super) fn total_calls(stats: &SimStats) -> u64 {
    stats.calls.values().sum()
}

/// The `--report` file `name`.
pub(super) fn report(t: &Test, name: &str) -> Value {
    serde_json::from_str(&t.read(name)).expect("JSON")
}
