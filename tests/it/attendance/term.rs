//! The term the attendance tests apply and read, and what the simulator itself says
//! happened: the record every number `attendance` prints is checked against.

use std::collections::BTreeMap;

use jiff::Timestamp;
use livesched::sim::{Course, SimConfig};
use serde_json::Value;

use crate::support::{TERM, Test};

/// Before the term: when it is applied.
pub const BEFORE: &str = "2027-02-20T09:00:00+08:00";
/// Monday of teaching week 5 at noon: the first four of eight weeks are over.
pub const HALF: &str = "2027-03-22T12:00:00+08:00";
/// Wednesday of week 7 at noon.
pub const LATER: &str = "2027-04-07T12:00:00+08:00";

/// Three classes over eight weeks: `ml` names its learners (one of them, `ghost`, is
/// no member of the corp and so never watches), `ds` takes them from a roster, and
/// `open` names nobody.
pub const SCHEDULE: &str = "defaults:\n  duration: 90m\nclasses:\n  - id: ml\n    theme: 机器学习 第{n}讲\n    anchor: t1\n    weekly: { days: [mon, wed], at: \"19:00\" }\n    weeks: 1-8\n    learners: [a1, a2, a3, a4, ghost]\n  - id: ds\n    theme: 数据结构 第{n}讲\n    anchor: t2\n    duration: 1h\n    weekly: { days: [tue, thu], at: \"10:00\" }\n    weeks: 1-8\n    learners: rosters/ds.csv\n  - id: open\n    theme: 公开课 第{n}讲\n    anchor: t1\n    duration: 45m\n    weekly: { days: [fri], at: \"14:00\" }\n    weeks: 1-8\n";

pub const ROSTER: &str = "\u{feff}userid,name,department\nb1,李一,研发部\nb2,王二,研发部\nb3,张三,销售部\na1,刘四,培训部\n";

/// The corp: the anchors, the learners but `ghost`, and two guests on no roster.
pub fn corp() -> Vec<String> {
    [
        "t1", "t2", "a1", "a2", "a3", "a4", "b1", "b2", "b3", "guest1", "guest2",
    ]
    .map(String::from)
    .to_vec()
}

/// A simulator where more lives than usual expire, start late or run short, and
/// watch statistics come three viewers a page, so that every path is taken.
pub fn config() -> SimConfig {
    SimConfig {
        users: Some(corp()),
        course: Course {
            p_expire: 0.15,
            p_late: 0.1,
            p_short: 0.1,
            watch_page: 3,
            ..Course::default()
        },
        ..SimConfig::default()
    }
}

/// The term, applied to a simulator at `BEFORE`.
pub fn applied(config: SimConfig) -> Test {
    let t = Test::new()
        .schedule(format!("{TERM}{SCHEDULE}"))
        .file("rosters/ds.csv", ROSTER)
        .now(BEFORE)
        .simulator(config);
    t.apply(&[]).assert_code(0);
    t
}

pub fn at(rfc3339: &str) -> Timestamp {
    rfc3339.parse().unwrap()
}

/// One session as the simulator knows it.
#[derive(Debug, Clone)]
pub struct Truth {
    pub key: String,
    pub class: String,
    pub livingid: String,
    /// WeCom's status.
    pub status: u8,
    pub reserve_seconds: i64,
    pub living_start: i64,
    pub living_duration: i64,
    /// Members and their seconds, as every page together gives them.
    pub viewers: Vec<(String, i64)>,
    /// Outsiders: id, type, seconds.
    pub outsiders: Vec<(String, u8, i64)>,
}

/// Every session of the plan scheduled to end by `now`, with what the simulator
/// says of its live now (its clock must be at `now`).
pub fn truth(t: &Test, now: &str) -> Vec<Truth> {
    let plan = t.run(&["plan", "t.yaml", "--format", "json"]).json();
    let ledger = t.ledger();
    let now = at(now).as_second();
    let mut out = Vec::new();
    for live in plan["lives"].as_array().unwrap() {
        let request = &live["request"];
        let end = request["living_start"].as_i64().unwrap()
            + request["living_duration"].as_i64().unwrap();
        if end > now {
            continue;
        }
        let key = live["key"].as_str().unwrap().to_string();
        let livingid = ledger
            .get(&key)
            .and_then(|k| k.livingid().map(str::to_string))
            .unwrap();
        let info = t.sim().living_info(&livingid).unwrap();
        let seen = t.sim().watch_stat(&livingid).unwrap();
        out.push(Truth {
            key,
            class: live["class"].as_str().unwrap().to_string(),
            status: info.status,
            reserve_seconds: info.reserve_living_duration,
            living_start: info.living_start,
            living_duration: info.living_duration,
            viewers: seen
                .users
                .iter()
                .map(|u| (u.userid.clone(), u.watch_time))
                .collect(),
            outsiders: seen
                .external_users
                .iter()
                .map(|u| (u.external_userid.clone(), u.user_type, u.watch_time))
                .collect(),
            livingid,
        });
    }
    out
}

/// The learners of each class, as the schedule names them.
pub fn rosters() -> BTreeMap<&'static str, Vec<&'static str>> {
    BTreeMap::from([
        ("ml", vec!["a1", "a2", "a3", "a4", "ghost"]),
        ("ds", vec!["b1", "b2", "b3", "a1"]),
        ("open", vec![]),
    ])
}

/// Seconds as minutes to one decimal, as the report rounds them.
pub fn minutes(seconds: i64) -> f64 {
    (seconds as f64 / 6.0).round() / 10.0
}

/// Checks every number of an `attendance --format json` document against the
/// simulator's record of the same sessions, computed here from scratch.
#[track_caller]
pub fn assert_matches(doc: &Value, truth: &[Truth]) {
    let sessions = doc["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), truth.len(), "one entry per ended session");
    let by_key: BTreeMap<&str, &Value> = sessions
        .iter()
        .map(|s| (s["key"].as_str().unwrap(), s))
        .collect();
    for s in truth {
        let got = by_key[s.key.as_str()];
        let state = match s.status {
            2 => "held",
            3 => "expired",
            4 => "cancelled",
            1 => "running",
            _ => "not_started",
        };
        assert_eq!(got["state"], state, "{}", s.key);
        assert_eq!(got["livingid"], s.livingid.as_str());
        assert_eq!(got["status"], s.status);
        if s.status != 2 {
            assert_eq!(
                got["viewers"],
                serde_json::json!([]),
                "{}: not held, no viewers",
                s.key
            );
            continue;
        }
        assert_eq!(
            got["actual_minutes"],
            minutes(s.living_duration),
            "{}",
            s.key
        );
        let start = at(got["actual_start"].as_str().unwrap()).as_second();
        assert_eq!(start, s.living_start, "{}", s.key);
        let viewers: Vec<(String, i64)> = got["viewers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["userid"].as_str().unwrap().to_string(),
                    v["watch_seconds"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(viewers, s.viewers, "{}", s.key);
        let outsiders = got["external_viewers"].as_array().unwrap();
        assert_eq!(outsiders.len(), s.outsiders.len(), "{}", s.key);
        for (o, (id, kind, seconds)) in outsiders.iter().zip(&s.outsiders) {
            assert_eq!(
                (&o["external_userid"], &o["type"], &o["watch_seconds"]),
                (
                    &Value::from(id.as_str()),
                    &Value::from(*kind),
                    &Value::from(*seconds)
                )
            );
        }
    }
    let classes = doc["classes"].as_array().unwrap();
    for (class, roster) in rosters() {
        let got = classes.iter().find(|c| c["class"] == class).unwrap();
        let mine: Vec<&Truth> = truth.iter().filter(|s| s.class == class).collect();
        let held: Vec<&&Truth> = mine.iter().filter(|s| s.status == 2).collect();
        let not_held = mine.iter().filter(|s| matches!(s.status, 3 | 4)).count();
        assert_eq!(got["sessions"], mine.len(), "{class}");
        assert_eq!(got["held"], held.len(), "{class}");
        assert_eq!(got["not_held"], not_held, "{class}");
        let learners = got["learners"].as_array().unwrap();
        assert_eq!(learners.len(), roster.len());
        for (l, userid) in learners.iter().zip(&roster) {
            assert_eq!(l["userid"], *userid);
            let watched: Vec<i64> = held
                .iter()
                .map(|s| {
                    s.viewers
                        .iter()
                        .filter(|(u, _)| u == userid)
                        .map(|(_, w)| w)
                        .sum()
                })
                .collect();
            let attended = held
                .iter()
                .zip(&watched)
                .filter(|(s, w)| **w as f64 >= 0.5 * s.reserve_seconds as f64)
                .count();
            let total: i64 = watched.iter().sum();
            assert_eq!(l["held"], held.len(), "{class}/{userid}");
            assert_eq!(l["attended"], attended, "{class}/{userid}");
            assert_eq!(l["watch_seconds"], total, "{class}/{userid}");
            assert_eq!(l["watch_minutes"], minutes(total), "{class}/{userid}");
            let completion = (!held.is_empty()).then(|| attended as f64 / held.len() as f64);
            assert_eq!(
                l["completion"],
                serde_json::json!(completion),
                "{class}/{userid}"
            );
        }
        // Members who watched without being on the roster, counted apart.
        let mut off: BTreeMap<&str, (usize, i64)> = BTreeMap::new();
        for s in &held {
            for (u, w) in s
                .viewers
                .iter()
                .filter(|(u, _)| !roster.contains(&u.as_str()))
            {
                let e = off.entry(u.as_str()).or_default();
                e.0 += 1;
                e.1 += w;
            }
        }
        let got_off: Vec<(&str, usize, i64)> = got["off_roster"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["userid"].as_str().unwrap(),
                    o["sessions"].as_u64().unwrap() as usize,
                    o["watch_seconds"].as_i64().unwrap(),
                )
            })
            .collect();
        let want_off: Vec<(&str, usize, i64)> =
            off.into_iter().map(|(u, (n, w))| (u, n, w)).collect();
        assert_eq!(got_off, want_off, "{class}");
        let mut outside: BTreeMap<&str, u8> = BTreeMap::new();
        for s in &held {
            for (id, kind, _) in &s.outsiders {
                outside.insert(id, *kind);
            }
        }
        assert_eq!(got["external"]["viewers"], outside.len(), "{class}");
        assert_eq!(
            got["external"]["wechat"],
            outside.values().filter(|k| **k == 1).count(),
            "{class}"
        );
    }
}
