//! Injected faults, before and after acting, reproducible from a seed; the counters and
//! the hooks that change lives behind a client's back.

use std::time::{Duration, Instant};

use livesched::sim::{Faults, QuotaBurst, SimConfig};
use serde_json::{Value, json};

use super::harness::{Harness, body, config, errcode};
use crate::support::wait_for;

#[tokio::test]
async fn faults_before_acting_leave_no_live() {
    let h = Harness::start(config()).await;
    let token = h.token().await;

    h.sim.set_faults(Faults {
        p_http_502: 1.0,
        ..Faults::default()
    });
    let url = format!("{}?access_token={token}", h.url("living/create"));
    let response = h
        .http
        .post(url)
        .json(&body(json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);

    h.sim.set_faults(Faults {
        p_errcode_busy: 1.0,
        ..Faults::default()
    });
    let reply = h.create(&token, body(json!({}))).await;
    assert_eq!(errcode(&reply), -1);
    assert!(
        reply["errmsg"]
            .as_str()
            .unwrap()
            .starts_with("system busy, hint: [")
    );

    // The 4th and 5th business calls after the faults are set hit the quota.
    h.sim.set_faults(Faults {
        quota_burst: Some(QuotaBurst {
            after: 3,
            length: 2,
        }),
        ..Faults::default()
    });
    let mut seen = Vec::new();
    for _ in 0..6 {
        seen.push(errcode(&h.info(&token, "x").await));
    }
    assert_eq!(seen, [40058, 40058, 40058, 45009, 45009, 40058]);

    assert!(h.sim.lives().is_empty());
    let stats = h.sim.stats();
    assert_eq!(
        (stats.http_502, stats.rejected(-1), stats.rejected(45009)),
        (1, 1, 2)
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn drop_and_slow_reply_act_before_the_reply_is_lost() {
    let h = Harness::start(config()).await;
    let token = h.token().await;
    h.sim.set_faults(Faults {
        p_drop_after_commit: 1.0,
        ..Faults::default()
    });
    let url = format!("{}?access_token={token}", h.url("living/create"));
    let err = h
        .http
        .post(&url)
        .json(&body(json!({})))
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_connect(), "the request was sent: {err}");
    assert_eq!(h.sim.lives().len(), 1);
    // Reads are not mutations: their replies are never dropped.
    assert_eq!(errcode(&h.info(&token, "x").await), 40058);

    h.sim.set_faults(Faults {
        p_slow_reply: 1.0,
        slow_reply_delay: Duration::from_secs(600),
        ..Faults::default()
    });
    let slow = tokio::spawn(h.http.post(&url).json(&body(json!({}))).send());
    // The create has acted while its reply is still held back: no client timeout to race.
    wait_for(|| h.sim.stats().slow_replies == 1).await;
    assert_eq!(h.sim.lives().len(), 2);
    assert!(!slow.is_finished(), "the slow reply came at once");
    let stats = h.sim.stats();
    assert_eq!((stats.drops_after_commit, stats.slow_replies), (1, 1));
    // Shutdown ends the slow reply's wait instead of sitting through it.
    let started = Instant::now();
    h.sim.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(60));
    slow.abort();
}

#[tokio::test]
async fn latency_delays_every_business_call() {
    let h = Harness::start(SimConfig {
        faults: Faults {
            latency: Duration::from_millis(150),
            ..Faults::default()
        },
        ..config()
    })
    .await;
    let token = h.token().await;
    let started = Instant::now();
    h.info(&token, "x").await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    h.sim.shutdown().await;
}

#[tokio::test]
async fn revoked_tokens_get_42001_after_n_calls() {
    let h = Harness::start(SimConfig {
        faults: Faults {
            revoke_token_every: Some(2),
            ..Faults::default()
        },
        ..config()
    })
    .await;
    let token = h.token().await;
    let codes = [
        errcode(&h.info(&token, "x").await),
        errcode(&h.info(&token, "x").await),
        errcode(&h.info(&token, "x").await),
        errcode(&h.info(&token, "x").await),
    ];
    assert_eq!(codes, [40058, 40058, 42001, 40014]);
    assert_eq!(h.sim.stats().tokens_revoked, 1);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn the_seed_makes_faults_reproducible() {
    async fn outcomes(seed: u64) -> Vec<i64> {
        let h = Harness::start(SimConfig {
            faults: Faults {
                p_errcode_busy: 0.5,
                seed,
                ..Faults::default()
            },
            ..config()
        })
        .await;
        let token = h.token().await;
        let mut codes = Vec::new();
        for _ in 0..32 {
            codes.push(errcode(&h.info(&token, "x").await));
        }
        h.sim.shutdown().await;
        codes
    }
    let first = outcomes(42).await;
    assert_eq!(first, outcomes(42).await);
    assert!(first.contains(&-1) && first.contains(&40058), "{first:?}");
    assert_ne!(first, outcomes(43).await);
}

#[tokio::test]
async fn stats_count_calls_rejections_duplicates_and_peaks() {
    let h = Harness::start(config()).await;
    let token = h.token().await;
    let first = h.create(&token, body(json!({}))).await["livingid"].clone();
    h.create(&token, body(json!({}))).await;
    h.create(&token, body(json!({ "theme": "另一门课" }))).await;
    h.info(&token, "x").await;

    let stats: Value = h
        .http
        .get(format!("http://{}/__sim/stats", h.sim.addr()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        stats["calls"],
        json!({ "gettoken": 1, "living/create": 3, "living/get_living_info": 1 })
    );
    assert_eq!(stats["rejections"], json!({ "40058": 1 }));
    assert_eq!(stats["duplicates"], 1);
    assert_eq!(stats["lives_total"], 3);
    assert_eq!(stats["peak_calls_per_minute"], 5);
    assert!(stats["peak_calls_per_second"].as_u64().unwrap() >= 1);

    assert_eq!(
        errcode(
            &h.post("living/cancel", &token, json!({ "livingid": first }))
                .await
        ),
        0
    );
    let stats = h.sim.stats();
    assert_eq!(
        (
            stats.duplicates,
            stats.lives_cancelled,
            stats.lives_scheduled
        ),
        (0, 1, 2)
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn test_hooks_change_lives_behind_the_clients_back() {
    let h = Harness::start(config()).await;
    let token = h.token().await;
    let id = h.create(&token, body(json!({}))).await["livingid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        h.sim
            .modify_live(&id, |live| live.request.theme = "被人改了".to_owned())
    );
    assert_eq!(
        h.info(&token, &id).await["living_info"]["theme"],
        "被人改了"
    );
    assert!(h.sim.cancel_live(&id));
    assert_eq!(h.info(&token, &id).await["living_info"]["status"], 4);
    assert!(!h.sim.cancel_live("lv-nope"));
    h.sim.shutdown().await;
}
