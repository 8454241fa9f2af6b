//! Quotas: creates per Beijing day, calls per API per minute, calls in flight.

use livesched::sim::SimConfig;
use serde_json::{Value, json};

use super::harness::{Harness, at, body, config, errcode};
use crate::support::wait_for;

#[tokio::test]
async fn daily_create_quota_follows_beijing_days() {
    let h = Harness::start(SimConfig {
        creates_per_day: 2,
        ..config()
    })
    .await;
    let token = h.token().await;
    for n in 0..2 {
        assert_eq!(
            errcode(
                &h.create(&token, body(json!({ "theme": format!("{n}") })))
                    .await
            ),
            0
        );
    }
    assert_eq!(errcode(&h.create(&token, body(json!({}))).await), 45009);
    // 16:00 UTC is midnight in Beijing: a new day.
    h.sim.set_now(at(16 * 3600));
    let token = h.token().await;
    assert_eq!(errcode(&h.create(&token, body(json!({}))).await), 0);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn per_minute_quota_is_per_api() {
    let h = Harness::start(SimConfig {
        per_minute_limit: 3,
        ..config()
    })
    .await;
    let token = h.token().await;
    for _ in 0..3 {
        assert_eq!(errcode(&h.info(&token, "x").await), 40058);
    }
    assert_eq!(errcode(&h.info(&token, "x").await), 45009);
    assert_eq!(errcode(&h.create(&token, body(json!({}))).await), 0);
    h.sim.set_now(at(60));
    let token = h.token().await;
    assert_eq!(errcode(&h.info(&token, "x").await), 40058);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn concurrency_cap_answers_45033() {
    let h = Harness::start(SimConfig {
        max_concurrent: Some(2),
        ..config()
    })
    .await;
    let token = h.token().await;
    h.sim.hold();
    let mut held = tokio::task::JoinSet::new();
    for _ in 0..2 {
        let (http, url) = (
            h.http.clone(),
            h.url(&format!(
                "living/get_living_info?access_token={token}&livingid=x"
            )),
        );
        held.spawn(async move {
            http.get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        });
    }
    wait_for(|| h.sim.stats().in_flight == 2).await;
    assert_eq!(errcode(&h.info(&token, "x").await), 45033);
    h.sim.release();
    while let Some(reply) = held.join_next().await {
        assert_eq!(errcode(&reply.unwrap()), 40058);
    }
    let stats = h.sim.stats();
    assert_eq!(
        (stats.peak_in_flight, stats.in_flight, stats.rejected(45033)),
        (3, 0, 1)
    );
    h.sim.shutdown().await;
}
