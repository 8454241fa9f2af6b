//! How a live runs once the clock reaches it, and who watches it: decided per live,
//! from the seed and the session it is for (anchor, scheduled start, theme) alone, so
//! the same session always has the same story, whichever order the lives were
//! created in and whatever ids they got, and across saved runs.
//!
//! Most lives start on time (give or take a minute or two) and run about their
//! length; some expire (the anchor never starts them); a few start late, and a few
//! end early. Viewers are the directory's members, each with a steady habit (some
//! come to everything, some drop in, some never), plus a few viewers from outside the
//! corp. A replay watched in the days after a live adds to a viewer's time from the
//! midnight (Beijing time) it was watched on.

use super::config::Course;
use super::rng::SplitMix64;
use super::state::SimLive;
use crate::wecom::types::{
    LivingStatus, WatchStatInfo, WatchingExternalUser, WatchingUser, status,
};

/// Members the simulator imagines when it is given no directory (`--users`).
pub const DEFAULT_DIRECTORY: &[&str] = &[
    "zhangsan", "lisi", "wangwu", "zhaoliu", "sunqi", "zhouba", "wujiu", "zhengshi", "chenyi",
    "liuer", "yangsan", "huangsi", "linwu", "heliu", "guoqi", "maba",
];

/// What happens to a live when its time comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Starts `late` seconds after its reserved start and runs `length` seconds.
    Runs { late: i64, length: i64 },
    /// The anchor never starts it: it expires when its reserved end passes.
    Expires,
}

/// When a live actually ran, as the simulator decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub fate: Fate,
    /// Unix seconds of the reserved start and its length.
    pub reserve_start: i64,
    pub reserve_length: i64,
}

impl Timing {
    pub fn of(live: &SimLive, course: &Course) -> Timing {
        let r = &live.request;
        Timing {
            fate: fate(&identity(live), r.living_duration, course),
            reserve_start: r.living_start,
            reserve_length: r.living_duration,
        }
    }

    /// The actual start and length, if it ran (or runs).
    pub fn ran(&self) -> Option<(i64, i64)> {
        match self.fate {
            Fate::Runs { late, length } => Some((self.reserve_start + late, length)),
            Fate::Expires => None,
        }
    }

    /// WeCom's status at `now` for a live not cancelled.
    pub fn status_at(&self, now: i64) -> LivingStatus {
        match self.ran() {
            Some((start, _)) if now < start => status::SCHEDULED,
            Some((start, length)) if now < start + length => status::LIVE,
            Some(_) => status::ENDED,
            None if now < self.reserve_start + self.reserve_length => status::SCHEDULED,
            None => status::EXPIRED,
        }
    }
}

/// What a live's story is drawn from: the session it is for, not its id.
fn identity(live: &SimLive) -> String {
    let r = &live.request;
    format!("{}|{}|{}", r.anchor_userid, r.living_start, r.theme)
}

/// FNV-1a: a stable hash of a text, to seed a live's or a member's own stream.
pub(crate) fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn stream(seed: u64, parts: &[&str]) -> SplitMix64 {
    let mixed = parts.iter().fold(seed, |h, p| h.rotate_left(17) ^ hash(p));
    SplitMix64::new(mixed)
}

/// A whole number in `[lo, hi]`.
fn between(rng: &mut SplitMix64, lo: i64, hi: i64) -> i64 {
    lo + (rng.next_f64() * (hi - lo + 1) as f64) as i64
}

fn fate(identity: &str, length: i64, course: &Course) -> Fate {
    let mut rng = stream(course.seed, &["fate", identity]);
    let draw = rng.next_f64();
    let jitter_start = course.start_jitter.as_secs() as i64;
    let jitter_length = course.length_jitter.as_secs() as i64;
    let on_time = between(&mut rng, 0, jitter_start);
    let about_length = (length + between(&mut rng, -jitter_length, jitter_length)).max(60);
    if draw < course.p_expire {
        Fate::Expires
    } else if draw < course.p_expire + course.p_late {
        // 8 to 25 minutes late, then the whole length.
        Fate::Runs {
            late: between(&mut rng, 8 * 60, 25 * 60),
            length,
        }
    } else if draw < course.p_expire + course.p_late + course.p_short {
        let share = 0.45 + 0.4 * rng.next_f64();
        Fate::Runs {
            late: on_time,
            length: ((length as f64 * share) as i64).max(60),
        }
    } else {
        Fate::Runs {
            late: on_time,
            length: about_length,
        }
    }
}

/// Seconds from one Beijing midnight (UTC+8) to the next.
const DAY: i64 = 86_400;
const BEIJING: i64 = 8 * 3600;

/// The Beijing midnight that starts the `days`-th day after `t`.
fn midnight_after(t: i64, days: i64) -> i64 {
    (t + BEIJING).div_euclid(DAY) * DAY - BEIJING + days * DAY
}

/// Everyone who watched a live, as `get_watch_stat` reports it at `now`: members in
/// directory order, then outsiders. Empty for a live that never ran or has not started.
pub fn watchers(live: &SimLive, directory: &[String], course: &Course, now: i64) -> WatchStatInfo {
    let timing = Timing::of(live, course);
    let Some((start, length)) = timing.ran() else {
        return WatchStatInfo::default();
    };
    if live.status == status::CANCELLED || now < start {
        return WatchStatInfo::default();
    }
    let end = start + length;
    let elapsed = (now.min(end) - start).max(0);
    let identity = identity(live);
    let mut users = Vec::new();
    for userid in directory
        .iter()
        .filter(|u| **u != live.request.anchor_userid)
    {
        let habit = habit(course.seed, userid);
        let mut rng = stream(course.seed, &["watch", &identity, userid]);
        let came = rng.chance(habit);
        let share = 0.25 + 0.75 * rng.next_f64().powf(1.0 - habit * 0.8);
        let live_seconds = if came {
            ((length as f64 * share) as i64).min(elapsed)
        } else {
            0
        };
        // Those who missed much of it may catch up on the replay, a day or more later.
        let replay = if live_seconds < length / 2 && rng.chance(habit * 0.6) {
            let day = between(&mut rng, 1, 5);
            let seconds = (length as f64 * (0.3 + 0.6 * rng.next_f64())) as i64;
            (now >= midnight_after(end, day)).then_some(seconds)
        } else {
            None
        };
        let watch_time = live_seconds + replay.unwrap_or(0);
        if watch_time == 0 {
            continue;
        }
        users.push(WatchingUser {
            userid: userid.clone(),
            watch_time,
            is_comment: u8::from(came && rng.chance(0.3)),
            is_mic: u8::from(came && rng.chance(0.08)),
        });
    }
    let mut rng = stream(course.seed, &["outsiders", &identity]);
    let outsiders = between(&mut rng, 0, 3);
    let external_users = (0..outsiders)
        .map(|i| {
            let user_type = if rng.chance(0.75) { 1 } else { 2 };
            let share = 0.1 + 0.9 * rng.next_f64();
            WatchingExternalUser {
                external_userid: format!("wmSIM{:016x}", rng.next_u64()),
                user_type,
                name: if user_type == 1 {
                    format!("微信用户{}", i + 1)
                } else {
                    format!("外部成员{}", i + 1)
                },
                watch_time: ((length as f64 * share) as i64).min(elapsed).max(1),
                is_comment: u8::from(rng.chance(0.2)),
                is_mic: 0,
            }
        })
        .collect();
    WatchStatInfo {
        users,
        external_users,
    }
}

/// How likely a member is to come to any one live: most often, some seldom, a few never.
fn habit(seed: u64, userid: &str) -> f64 {
    let mut rng = stream(seed, &["habit", userid]);
    let draw = rng.next_f64();
    if draw < 0.08 {
        0.0
    } else if draw < 0.25 {
        0.2 + 0.3 * rng.next_f64()
    } else {
        0.7 + 0.3 * rng.next_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wecom::types::CreateLiving;

    fn live(id: &str) -> SimLive {
        SimLive {
            livingid: id.to_owned(),
            request: CreateLiving {
                anchor_userid: "zhangsan".into(),
                theme: format!("t {id}"),
                living_start: 1_800_000_000,
                living_duration: 5400,
                living_type: 3,
                description: None,
                agentid: None,
                remind_time: None,
                activity_cover_mediaid: None,
                activity_share_mediaid: None,
                activity_detail: None,
            },
            status: status::SCHEDULED,
            created_at: 0,
        }
    }

    #[test]
    fn most_lives_end_some_expire_a_few_start_late_or_run_short() {
        let course = Course::default();
        let (mut ended, mut expired, mut late, mut short) = (0, 0, 0, 0);
        for i in 0..1000 {
            let timing = Timing::of(&live(&format!("lv{i}")), &course);
            match timing.fate {
                Fate::Expires => expired += 1,
                Fate::Runs { late: l, .. } if l > 5 * 60 => late += 1,
                Fate::Runs { length, .. } if length < 5400 - 10 * 60 => short += 1,
                Fate::Runs { .. } => ended += 1,
            }
            assert_eq!(
                timing.status_at(1_800_000_000 + 2 * 86_400),
                if timing.fate == Fate::Expires { 3 } else { 2 }
            );
        }
        assert!(ended > 800, "{ended}");
        assert!((20..100).contains(&expired), "{expired}");
        assert!((10..100).contains(&late), "{late}");
        assert!((10..100).contains(&short), "{short}");
    }

    #[test]
    fn a_punctual_course_runs_every_live_exactly_as_reserved() {
        let timing = Timing::of(&live("lv1"), &Course::punctual());
        assert_eq!(timing.ran(), Some((1_800_000_000, 5400)));
        assert_eq!(timing.status_at(1_800_000_000 - 1), status::SCHEDULED);
        assert_eq!(timing.status_at(1_800_000_000), status::LIVE);
        assert_eq!(timing.status_at(1_800_005_400), status::ENDED);
    }

    #[test]
    fn viewers_depend_only_on_the_seed_the_live_and_the_directory() {
        let directory: Vec<String> = DEFAULT_DIRECTORY.iter().map(|s| s.to_string()).collect();
        let course = Course::punctual();
        let later = 1_800_000_000 + 30 * 86_400;
        let a = watchers(&live("lv1"), &directory, &course, later);
        let b = watchers(&live("lv1"), &directory, &course, later);
        assert_eq!(a, b);
        assert!(!a.users.is_empty());
        assert!(
            a.users.iter().all(|u| u.userid != "zhangsan"),
            "not the anchor"
        );
        assert!(a.users.iter().all(|u| u.watch_time > 0));
        // Replays only add.
        let right_after = watchers(&live("lv1"), &directory, &course, 1_800_005_400);
        for u in &right_after.users {
            let then = a.users.iter().find(|v| v.userid == u.userid).unwrap();
            assert!(then.watch_time >= u.watch_time);
        }
        assert!(a.users.len() >= right_after.users.len());
    }

    #[test]
    fn the_day_after_starts_at_beijing_midnight() {
        // 2027-03-01T20:30+08:00 → 2027-03-02T00:00+08:00.
        let end = 1_803_990_600;
        assert_eq!(midnight_after(end, 1), 1_804_003_200);
        assert_eq!(midnight_after(end, 2), 1_804_003_200 + DAY);
    }
}
