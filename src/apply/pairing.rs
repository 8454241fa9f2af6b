//! Which listed live is which session's: the tiers of matching, strongest first,
//! each only among the sessions and lives not yet paired, and the ties that are
//! never broken (a session two lives could be, a live two sessions could be).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::executor::Task;
use super::survey::sighted;
use crate::plan::PlannedLive;
use crate::wecom::{ApiError, CreateLiving, LivingInfo};

/// A session this run would create, and where it came from.
pub(super) struct Wanted {
    pub(super) live: Box<PlannedLive>,
    /// Its `living/create` body, written out once for the tiers to compare.
    pub(super) request: CreateLiving,
    /// Left for a later run by `--max-creates`.
    pub(super) later: bool,
    /// What a crashed run sent for it, when that run may have made the live.
    pub(super) pending: Option<Value>,
    /// The live a replace would cancel once the new one exists.
    pub(super) old: Option<String>,
}

impl Wanted {
    pub(super) fn new(
        live: Box<PlannedLive>,
        later: bool,
        pending: Option<Value>,
        old: Option<String>,
    ) -> Wanted {
        Wanted {
            request: live.request(),
            live,
            later,
            pending,
            old,
        }
    }

    pub(super) fn anchor(&self) -> &str {
        &self.request.anchor_userid
    }

    pub(super) fn sent(&self) -> Option<CreateLiving> {
        serde_json::from_value(self.pending.clone()?).ok()
    }

    pub(super) fn task(self) -> Task {
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

    pub(super) fn action(&self) -> &'static str {
        if self.old.is_some() {
            "replace"
        } else {
            "create"
        }
    }
}

/// A scheduled live unknown to the ledger: one that may be a session's.
pub(super) struct Candidate {
    pub(super) id: String,
    pub(super) anchor: String,
    pub(super) start: i64,
    pub(super) duration: i64,
    pub(super) theme: String,
    pub(super) info: LivingInfo,
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
        let r = &w.request;
        r.anchor_userid == c.anchor && r.living_start == c.start && r.theme == c.theme
    },
    |w, _, c| w.request.anchor_userid == c.anchor && w.request.living_start == c.start,
    |w, _, c| w.request.anchor_userid == c.anchor && w.request.theme == c.theme,
];

pub(super) fn candidate(id: &str, anchor: &str, info: LivingInfo) -> Candidate {
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

/// Each session's live, or its tied candidates; the tiers in order, each only
/// among what is still unpaired. Sessions of anchors that could not be looked up
/// take no part.
pub(super) fn pair(
    wanted: &[Wanted],
    pool: &[Candidate],
    failed: &BTreeMap<String, ApiError>,
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
pub(super) fn wanted_rivals(
    ambiguous: &[Option<Vec<usize>>],
    me: usize,
    lives: &[usize],
) -> Vec<usize> {
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

pub(super) fn ambiguity(lives: &[usize], pool: &[Candidate], rivals: &[usize]) -> String {
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
            .map(|l| Wanted::new(Box::new(l.clone()), false, None, None))
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
                Some((w.live.key.to_string(), got))
            })
            .collect()
    }

    #[test]
    fn each_tier_pairs_only_what_the_stronger_ones_left() {
        let plan = plan();
        let start = |key: &str| {
            plan.lives
                .iter()
                .find(|l| l.key == *key)
                .unwrap()
                .body()
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
        let start = plan.lives[0].body().living_start;
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
