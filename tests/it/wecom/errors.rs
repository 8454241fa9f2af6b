//! How each failure is classed (permanent, retryable, ambiguous, quota, config) and what it says.

use std::time::Duration;

use jiff::SignedDuration;
use livesched::sim::{Faults, SimConfig};
use livesched::wecom::{ApiError, Client, ClientConfig, ErrorClass, Secret};

use super::fixtures::{live, sim_config, t0, tomorrow};
use crate::support::{client_config_for, client_for, start_sim, wait_for};

#[tokio::test]
async fn permanent_errors_name_the_errcode_and_its_meaning() {
    let sim = start_sim(SimConfig {
        users: Some(vec!["lisi".to_owned()]),
        ..sim_config()
    })
    .await;
    let client = client_for(&sim);

    let err = client
        .create(&live("ghost", "课", tomorrow()))
        .await
        .unwrap_err();
    assert_eq!(
        (err.errcode(), err.class()),
        (Some(40003), ErrorClass::Permanent)
    );
    assert_eq!(
        err.to_string(),
        "`living/create` failed with errcode 40003 (invalid userid)"
    );

    let err = client
        .create(&live("lisi", "课", t0().as_second() - 60))
        .await
        .unwrap_err();
    assert_eq!(
        (err.errcode(), err.class()),
        (Some(40058), ErrorClass::Permanent)
    );
    assert_eq!(err.api(), "living/create");
    sim.shutdown().await;
}

#[tokio::test]
async fn busy_and_502_are_retryable_except_502_to_a_create() {
    let sim = start_sim(sim_config()).await;
    let client = client_for(&sim);
    client.user_livingids("lisi").await.unwrap();

    sim.set_faults(Faults {
        p_errcode_busy: 1.0,
        ..Faults::default()
    });
    let err = client
        .create(&live("lisi", "课", tomorrow()))
        .await
        .unwrap_err();
    assert_eq!(
        (err.errcode(), err.class()),
        (Some(-1), ErrorClass::Retryable)
    );

    sim.set_faults(Faults {
        p_http_502: 1.0,
        ..Faults::default()
    });
    let err = client.living_info("x").await.unwrap_err();
    assert!(matches!(err, ApiError::Http { status: 502, .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Retryable);
    // A proxy may answer 502 after WeCom made the live: a create cannot know.
    let err = client
        .create(&live("lisi", "课", tomorrow()))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Http { status: 502, .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Ambiguous);

    // Neither fault acted.
    assert!(sim.lives().is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn refused_connection_is_retryable() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::new(ClientConfig {
        api_base: format!("http://127.0.0.1:{port}/cgi-bin"),
        ..ClientConfig::new("sim-corp", "sim-secret")
    })
    .unwrap();
    let err = client.living_info("x").await.unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::Unreachable {
                api: "gettoken",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.class(), ErrorClass::Retryable);
}

#[tokio::test]
async fn quota_errcodes() {
    let sim = start_sim(SimConfig {
        per_minute_limit: 2,
        ..sim_config()
    })
    .await;
    let client = client_for(&sim);
    client.user_livingids("a").await.unwrap();
    client.user_livingids("b").await.unwrap();
    let err = client.user_livingids("c").await.unwrap_err();
    assert_eq!(
        (err.errcode(), err.class()),
        (Some(45009), ErrorClass::Quota)
    );
    // Other APIs have quotas of their own.
    client
        .create(&live("lisi", "课", tomorrow()))
        .await
        .unwrap();
    // A minute later on the simulator clock the window is open again.
    sim.set_now(t0() + SignedDuration::from_secs(61));
    client.user_livingids("c").await.unwrap();
    sim.shutdown().await;
}

#[tokio::test]
async fn concurrency_cap_is_its_own_class() {
    let sim = start_sim(SimConfig {
        max_concurrent: Some(1),
        ..sim_config()
    })
    .await;
    let client = client_for(&sim);
    client.user_livingids("warm-up").await.unwrap();

    sim.hold();
    let held = tokio::spawn({
        let client = client.clone();
        async move { client.user_livingids("first").await }
    });
    wait_for(|| sim.stats().in_flight == 1).await;
    let err = client.user_livingids("second").await.unwrap_err();
    assert_eq!(
        (err.errcode(), err.class()),
        (Some(45033), ErrorClass::Concurrency)
    );
    sim.release();
    held.await.unwrap().unwrap();
    sim.shutdown().await;
}

#[tokio::test]
async fn lost_reply_after_commit_is_ambiguous() {
    let sim = start_sim(SimConfig {
        faults: Faults {
            p_drop_after_commit: 1.0,
            ..Faults::default()
        },
        ..sim_config()
    })
    .await;
    let client = client_for(&sim);
    let err = client
        .create(&live("lisi", "课", tomorrow()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::NoReply {
                api: "living/create",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.class(), ErrorClass::Ambiguous);
    // The live exists although the reply never came.
    assert_eq!(sim.lives().len(), 1);
    assert_eq!(sim.stats().drops_after_commit, 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn timeout_after_commit_is_ambiguous() {
    let sim = start_sim(SimConfig {
        faults: Faults {
            p_slow_reply: 1.0,
            // Far beyond the client's timeout; shutdown ends the wait.
            slow_reply_delay: Duration::from_secs(600),
            ..Faults::default()
        },
        ..sim_config()
    })
    .await;
    let client = Client::new(ClientConfig {
        request_timeout: Duration::from_millis(300),
        ..client_config_for(&sim)
    })
    .unwrap();
    let err = client
        .create(&live("lisi", "课", tomorrow()))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::NoReply { .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Ambiguous);
    assert_eq!(sim.lives().len(), 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn wrong_secret_is_fatal_and_asked_once() {
    let sim = start_sim(sim_config()).await;
    let client = Client::new(ClientConfig {
        corpsecret: Secret::new("wrong"),
        ..client_config_for(&sim)
    })
    .unwrap();
    for _ in 0..3 {
        let err = client
            .create(&live("lisi", "课", tomorrow()))
            .await
            .unwrap_err();
        assert_eq!(
            (err.errcode(), err.class()),
            (Some(40001), ErrorClass::Config)
        );
        let help = miette::Diagnostic::help(&err).unwrap().to_string();
        assert!(
            help.contains("WECOM_CORPID") && help.contains("WECOM_CORPSECRET"),
            "{help}"
        );
    }
    // Repeated wrong secrets get an IP blocked: the client asked once.
    assert_eq!(sim.stats().calls_to("gettoken"), 1);

    let client = Client::new(ClientConfig {
        corpid: "wrong-corp".to_owned(),
        ..client_config_for(&sim)
    })
    .unwrap();
    let err = client.living_info("x").await.unwrap_err();
    assert_eq!(
        (err.errcode(), err.class()),
        (Some(40013), ErrorClass::Config)
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn lost_reply_to_a_read_is_retryable() {
    let sim = start_sim(sim_config()).await;
    let client = Client::new(ClientConfig {
        request_timeout: Duration::from_millis(200),
        ..client_config_for(&sim)
    })
    .unwrap();
    client.user_livingids("lisi").await.unwrap();
    sim.set_faults(Faults {
        // Far beyond the client's timeout; shutdown ends the wait.
        latency: Duration::from_secs(600),
        ..Faults::default()
    });
    let err = client.living_info("x").await.unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::NoReply {
                api: "living/get_living_info",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.class(), ErrorClass::Retryable);
    // The client cannot tell that this create never reached the handler.
    let err = client
        .create(&live("lisi", "课", tomorrow()))
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::Ambiguous);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_wrong_api_base_is_a_config_error() {
    let sim = start_sim(sim_config()).await;
    let client = Client::new(ClientConfig {
        api_base: format!("http://{}/not-cgi-bin", sim.addr()),
        ..client_config_for(&sim)
    })
    .unwrap();
    let err = client.living_info("x").await.unwrap_err();
    assert!(
        matches!(err, ApiError::NotFound { api: "gettoken" }),
        "{err:?}"
    );
    assert_eq!(err.class(), ErrorClass::Config);
    assert!(
        miette::Diagnostic::help(&err)
            .unwrap()
            .to_string()
            .contains("WECOM_API_BASE")
    );
    sim.shutdown().await;
}
