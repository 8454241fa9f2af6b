//! Access tokens: fetched once, shared, renewed when they expire or are revoked.

use std::time::Duration;

use jiff::SignedDuration;
use livesched::sim::{Faults, SimConfig};
use livesched::wecom::{ApiError, Client, ClientConfig, ErrorClass};

use super::fixtures::{live, sim_config, t0, tomorrow};
use crate::support::{client_config_for, client_for, start_sim};

#[tokio::test]
async fn token_expiring_mid_run_is_renewed_transparently() {
    let sim = start_sim(sim_config()).await;
    let client = client_for(&sim);
    let id = client
        .create(&live("lisi", "课", tomorrow()))
        .await
        .unwrap();
    // Past the 2 h lifetime on the simulator clock; the client still holds the token.
    sim.set_now(t0() + SignedDuration::from_hours(3));
    client.living_info(&id).await.unwrap();
    let stats = sim.stats();
    assert_eq!(stats.rejected(42001), 1);
    assert_eq!(stats.calls_to("gettoken"), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn revoked_token_is_renewed_once_then_reported() {
    let sim = start_sim(SimConfig {
        faults: Faults {
            revoke_token_every: Some(2),
            ..Faults::default()
        },
        ..sim_config()
    })
    .await;
    let client = client_for(&sim);
    for n in 0..5 {
        client
            .create(&live("lisi", &format!("课 {n}"), tomorrow()))
            .await
            .unwrap();
    }
    let stats = sim.stats();
    assert_eq!(stats.tokens_revoked, 2);
    assert_eq!(stats.calls_to("gettoken"), 3);

    // A token refused every time: one renewal, then the error reaches the caller.
    sim.set_faults(Faults {
        revoke_token_every: Some(0),
        ..Faults::default()
    });
    let err = client
        .create(&live("lisi", "课", tomorrow()))
        .await
        .unwrap_err();
    assert_eq!(
        (err.errcode(), err.class()),
        (Some(42001), ErrorClass::Token)
    );
    assert_eq!(sim.stats().calls_to("gettoken"), 4);
    sim.shutdown().await;
}

#[tokio::test]
async fn twenty_concurrent_callers_share_one_token_fetch() {
    let sim = start_sim(sim_config()).await;
    let client = client_for(&sim);

    let mut calls = tokio::task::JoinSet::new();
    for n in 0..20 {
        let client = client.clone();
        calls.spawn(async move { client.user_livingids(&format!("u{n}")).await });
    }
    while let Some(result) = calls.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(sim.stats().calls_to("gettoken"), 1);

    // The token expires under all of them at once: one renewal between them.
    sim.set_now(t0() + SignedDuration::from_hours(3));
    for n in 0..20 {
        let client = client.clone();
        calls.spawn(async move { client.user_livingids(&format!("u{n}")).await });
    }
    while let Some(result) = calls.join_next().await {
        result.unwrap().unwrap();
    }
    let stats = sim.stats();
    assert_eq!(stats.calls_to("gettoken"), 2);
    assert_eq!(stats.rejected(42001), 20);
    sim.shutdown().await;
}

#[tokio::test]
async fn callers_queued_behind_a_failed_token_fetch_share_its_error() {
    let sim = start_sim(SimConfig {
        faults: Faults {
            // Far beyond the client's timeout: gettoken gets no reply.
            latency: Duration::from_secs(600),
            ..Faults::default()
        },
        ..sim_config()
    })
    .await;
    let client = Client::new(ClientConfig {
        request_timeout: Duration::from_millis(200),
        ..client_config_for(&sim)
    })
    .unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let client = client.clone();
        calls.spawn(async move { client.living_info("x").await });
    }
    while let Some(result) = calls.join_next().await {
        let err = result.unwrap().unwrap_err();
        assert!(
            matches!(
                err,
                ApiError::NoReply {
                    api: "gettoken",
                    ..
                }
            ),
            "{err:?}"
        );
    }
    assert_eq!(sim.stats().calls_to("gettoken"), 1);

    // A later call tries again.
    sim.set_faults(Faults::default());
    assert_eq!(
        client.living_info("x").await.unwrap_err().errcode(),
        Some(40058)
    );
    sim.shutdown().await;
}
