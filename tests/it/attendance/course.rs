//! A half-run term is not drift: `refresh`, `status` and the calendar page show the
//! lives that started, ended or expired at their time as running, held or expired,
//! with when they actually ran; drift is kept for what nobody scheduled.

use super::term::{HALF, applied, at, config, truth};

#[test]
fn lives_held_at_their_time_are_held_not_drifted() {
    let t = applied(config());
    let cancelled = t
        .ledger()
        .get("ds/2027-03-30")
        .unwrap()
        .livingid()
        .unwrap()
        .to_string();
    assert!(t.sim().cancel_live(&cancelled));
    t.sim().set_now(at(HALF));
    let seen = truth(&t, HALF);
    let held = seen.iter().filter(|s| s.status == 2).count();
    let expired = seen.iter().filter(|s| s.status == 3).count();
    assert!(held > 0 && expired > 0);

    let refresh = t.run_at(HALF, &["refresh", "t.yaml"]);
    refresh.assert_code(0);
    let stderr = &refresh.stderr;
    // Only the live cancelled outside is drift; the ones that ran are their course.
    assert!(stderr.contains("1 drifted"), "{stderr}");
    assert!(stderr.contains("cancelled in WeCom"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "; {held} held, 0 running, {expired} expired at their time"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("! `ml/2027-03-01`"), "{stderr}");
    let first = seen.iter().find(|s| s.status == 2).unwrap();
    let started = jiff::Timestamp::from_second(first.living_start)
        .unwrap()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    assert!(
        stderr.contains(&format!(
            "held     `{}` ({}): started {started}, ran {} min",
            first.key,
            first.livingid,
            first.living_duration / 60
        )),
        "{stderr}"
    );

    let status = t
        .run_at(HALF, &["status", "t.yaml", "--format", "json"])
        .json();
    assert_eq!(status["ran"]["held"], held);
    assert_eq!(status["ran"]["expired"], expired);
    assert_eq!(
        status["counts"]["drifted"], 1,
        "only the live cancelled outside"
    );
    let last = &status["last"][0];
    assert_eq!(last["key"], "open/2027-03-19");
    let table = t.run_at(HALF, &["status", "t.yaml"]);
    table.assert_stdout_contains(&format!("{held} held, 0 running, {expired} expired"));

    // Nothing to do for `apply`: what happened, happened.
    let plan = t.run_at(HALF, &["plan", "t.yaml", "--detailed-exitcode"]);
    plan.assert_code(0);

    let page = t.run_at(HALF, &["plan", "t.yaml", "--format", "html"]);
    page.assert_code(0);
    assert_eq!(
        page.stdout
            .matches("<span class=\"flag held\">held ")
            .count(),
        held
    );
    assert_eq!(
        page.stdout
            .matches("<span class=\"flag expired\">expired")
            .count(),
        expired
    );
    assert!(!page.stdout.contains("WeCom: ended"));
}
