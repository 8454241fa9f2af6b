//! Time and viewers: the clock moved by its admin endpoint, lives that run their own
//! course, and `get_watch_stat` served in pages exactly as WeCom documents them.

use livesched::sim::{Course, SimConfig};
use livesched::wecom::{LivingInfo, WatchStatInfo};
use serde_json::{Value, json};

use super::harness::{DAY, Harness, at, body, config, errcode, t0};

/// Every page of one live's watch statistics, followed as a client must: by `next_key`
/// until `ending` is 1, whatever the page holds.
async fn all_pages(h: &Harness, token: &str, livingid: &str) -> (WatchStatInfo, Vec<Value>) {
    let mut all = WatchStatInfo::default();
    let mut pages = Vec::new();
    let mut next_key = json!("0");
    loop {
        let page = h
            .post(
                "living/get_watch_stat",
                token,
                json!({ "livingid": livingid, "next_key": next_key }),
            )
            .await;
        assert_eq!(errcode(&page), 0, "{page}");
        let info: WatchStatInfo = serde_json::from_value(page["stat_info"].clone()).unwrap();
        all.users.extend(info.users);
        all.external_users.extend(info.external_users);
        next_key = page["next_key"].clone();
        let ending = page["ending"].as_i64().unwrap();
        pages.push(page);
        if ending == 1 {
            return (all, pages);
        }
        assert!(pages.len() < 100, "the pages never end");
    }
}

#[tokio::test]
async fn watch_statistics_come_in_pages_until_ending_says_so() {
    let users: Vec<String> = (1..=23).map(|i| format!("u{i:02}")).collect();
    let h = Harness::start(SimConfig {
        users: Some([vec!["lisi".to_string()], users].concat()),
        course: Course {
            watch_page: 4,
            ..Course::punctual()
        },
        ..config()
    })
    .await;
    let token = h.token().await;
    let mut ids = Vec::new();
    for day in 1..=8 {
        let reply = h
            .create(
                &token,
                body(json!({ "living_start": t0().as_second() + day * DAY })),
            )
            .await;
        ids.push(reply["livingid"].as_str().unwrap().to_owned());
    }
    // Before a live has run, nobody has watched it.
    let (before, pages) = all_pages(&h, &token, &ids[0]).await;
    assert_eq!(before, WatchStatInfo::default());
    assert_eq!(pages.len(), 1);

    h.sim.set_now(at(20 * DAY));
    let token = h.token().await;
    let mut empty_last_keys = 0;
    for id in &ids {
        let (seen, pages) = all_pages(&h, &token, id).await;
        assert_eq!(Some(&seen), h.sim.watch_stat(id).as_ref(), "{id}");
        assert!(!seen.users.is_empty(), "{id}");
        assert!(
            seen.users.iter().all(|u| u.userid != "lisi"),
            "never the anchor"
        );
        let served: usize = seen.users.len() + seen.external_users.len();
        assert_eq!(
            pages.len(),
            served / 4 + 1,
            "{id}: full pages, then one short"
        );
        let last = pages.last().unwrap();
        empty_last_keys += usize::from(last["next_key"] == "");
        for page in &pages[..pages.len() - 1] {
            assert_eq!(page["ending"], 0);
            assert_ne!(page["next_key"], "", "only the last key may be empty");
        }
    }
    assert!(
        empty_last_keys > 0 && empty_last_keys < ids.len(),
        "{empty_last_keys} {ids:?}"
    );
    let stats = h.sim.stats();
    assert!(stats.ok_from("living/get_watch_stat") > ids.len() as u64);

    // A key never handed out, or a live that does not exist, is a bad parameter.
    for bad in [
        json!({ "livingid": ids[0], "next_key": "k999" }),
        json!({ "livingid": ids[0], "next_key": "nonsense" }),
        json!({ "livingid": "lv-nope" }),
    ] {
        let reply = h.post("living/get_watch_stat", &token, bad).await;
        assert_eq!(errcode(&reply), 40058, "{reply}");
        assert_eq!(reply["stat_info"]["users"], json!([]));
    }
    h.sim.shutdown().await;
}

#[tokio::test]
async fn lives_end_expire_start_late_or_run_short_and_say_when_they_ran() {
    let h = Harness::start(config()).await;
    let token = h.token().await;
    let mut ids = Vec::new();
    for day in 1..=60 {
        let reply = h
            .create(
                &token,
                body(json!({ "living_start": t0().as_second() + day * 3600 + DAY })),
            )
            .await;
        ids.push(reply["livingid"].as_str().unwrap().to_owned());
    }
    h.sim.set_now(at(10 * DAY));
    let token = h.token().await;
    let mut seen = std::collections::BTreeMap::<i64, usize>::new();
    for id in &ids {
        let reply = h.info(&token, id).await;
        let info: LivingInfo = serde_json::from_value(reply["living_info"].clone()).unwrap();
        assert_eq!(Some(&info), h.sim.living_info(id).as_ref());
        *seen.entry(info.status.into()).or_default() += 1;
        // The reservation stays what was scheduled; the rest is what happened.
        assert_eq!(info.reserve_living_duration, 5400);
        match info.status {
            2 => {
                assert!(info.living_start >= info.reserve_start, "{info:?}");
                assert!(info.viewer_num > 0);
            }
            3 => {
                assert_eq!(info.living_start, info.reserve_start);
                assert_eq!(info.viewer_num, 0);
                assert_eq!(h.sim.watch_stat(id), Some(WatchStatInfo::default()));
            }
            other => panic!("status {other} ten days on"),
        }
    }
    assert!(seen[&2] > 45, "most end: {seen:?}");
    let ran: Vec<(i64, i64)> = ids
        .iter()
        .map(|id| h.sim.living_info(id).unwrap())
        .filter(|i| i.status == 2)
        .map(|i| (i.living_start - i.reserve_start, i.living_duration))
        .collect();
    assert!(ran.iter().all(|(late, _)| *late >= 0));
    assert!(
        ran.iter().any(|(late, _)| *late > 5 * 60),
        "a few start late"
    );
    assert!(
        ran.iter().any(|(_, length)| *length < 4000),
        "a few run short"
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn the_clock_moves_forward_through_its_admin_endpoint() {
    let h = Harness::start(config()).await;
    let now = h.get("../__sim/clock").await;
    let start: jiff::Timestamp = now["now"].as_str().unwrap().parse().unwrap();
    assert!(start >= t0() && start < at(60));
    let clock = h.url("../__sim/clock");
    let moved: Value = h
        .http
        .post(&clock)
        .body(r#"{"advance": "30d"}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let after: jiff::Timestamp = moved["now"].as_str().unwrap().parse().unwrap();
    assert!(after >= at(30 * DAY), "{moved}");
    assert!(h.sim.now() >= at(30 * DAY));
    let to = h
        .http
        .post(&clock)
        .body(r#"{"now": "2027-06-01T12:00:00+08:00"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(to.status(), 200);
    for refused in [
        r#"{"now": "2027-01-01T00:00:00Z"}"#,
        r#"{"advance": "soon"}"#,
        r#"{"later": "1h"}"#,
    ] {
        let reply = h.http.post(&clock).body(refused).send().await.unwrap();
        assert_eq!(reply.status(), 400, "{refused}");
        let body: Value = reply.json().await.unwrap();
        assert!(body["error"].is_string(), "{body}");
    }
    assert!(h.sim.now() >= "2027-06-01T04:00:00Z".parse().unwrap());
    h.sim.shutdown().await;
}
