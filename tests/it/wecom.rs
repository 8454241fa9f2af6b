//! Tests for the `wecom` module: the client against the simulator over loopback HTTP.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use livesched::sim::{Faults, QuotaBurst, SimConfig, SimServer};
use livesched::wecom::{
    ActivityDetail, ApiError, Client, ClientConfig, ConfigError, CreateLiving, ErrorClass,
    ModifyLiving, Secret, status,
};

/// 2027-03-01T00:00:00Z: the simulator clock starts here in every test.
const T0: &str = "2027-03-01T00:00:00Z";
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

fn t0() -> Timestamp {
    T0.parse().unwrap()
}

fn sim_config() -> SimConfig {
    SimConfig {
        now: Some(t0()),
        ..SimConfig::default()
    }
}

async fn sim_with(config: SimConfig) -> SimServer {
    livesched::sim::start(config)
        .await
        .expect("simulator starts")
}

fn config_for(sim: &SimServer) -> ClientConfig {
    ClientConfig {
        api_base: sim.base_url(),
        ..ClientConfig::new("sim-corp", "sim-secret")
    }
}

fn client_for(sim: &SimServer) -> Client {
    Client::new(config_for(sim)).expect("loopback http is allowed")
}

fn live(anchor: &str, theme: &str, start: i64) -> CreateLiving {
    CreateLiving {
        anchor_userid: anchor.to_owned(),
        theme: theme.to_owned(),
        living_start: start,
        living_duration: 90 * 60,
        living_type: 3,
        description: Some("入门课".to_owned()),
        agentid: None,
        remind_time: Some(15 * 60),
        activity_cover_mediaid: None,
        activity_share_mediaid: None,
        activity_detail: None,
    }
}

fn tomorrow() -> i64 {
    t0().as_second() + DAY
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n fake image";

#[tokio::test]
async fn create_read_modify_cancel() {
    let sim = sim_with(sim_config()).await;
    let client = client_for(&sim);

    let id = client
        .create(&live("lisi", "机器学习 第1讲", tomorrow()))
        .await
        .unwrap();
    let info = client.living_info(&id).await.unwrap();
    assert_eq!(info.theme, "机器学习 第1讲");
    assert_eq!(info.anchor_userid, "lisi");
    assert_eq!(info.reserve_start, tomorrow());
    assert_eq!(info.living_duration, 5400);
    assert_eq!(info.status, status::SCHEDULED);
    assert_eq!(info.living_type, 3);
    assert_eq!(info.description, "入门课");

    client
        .modify(&ModifyLiving {
            livingid: id.clone(),
            theme: "机器学习 第1讲（改）".to_owned(),
            living_start: tomorrow() + HOUR,
            living_duration: 3600,
            description: None,
            living_type: 3,
            remind_time: Some(600),
        })
        .await
        .unwrap();
    let info = client.living_info(&id).await.unwrap();
    assert_eq!(info.theme, "机器学习 第1讲（改）");
    assert_eq!(info.reserve_start, tomorrow() + HOUR);
    assert_eq!(info.remind_time, Some(600));

    client.cancel(&id).await.unwrap();
    assert_eq!(
        client.living_info(&id).await.unwrap().status,
        status::CANCELLED
    );

    let again = client.cancel(&id).await.unwrap_err();
    assert_eq!(again.errcode(), Some(92006));
    assert_eq!(again.class(), ErrorClass::Permanent);
    assert!(
        again.to_string().contains("live not in scheduled state"),
        "{again}"
    );

    // One gettoken served every call above.
    assert_eq!(sim.stats().calls_to("gettoken"), 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn user_livingids_follows_cursors_across_pages() {
    let sim = sim_with(sim_config()).await;
    let client = client_for(&sim);
    let mut created = Vec::new();
    for n in 0..230 {
        created.push(
            client
                .create(&live("wangwu", &format!("课 {n}"), tomorrow() + n))
                .await
                .unwrap(),
        );
    }
    client
        .create(&live("other", "别人的课", tomorrow()))
        .await
        .unwrap();

    let listed = client.user_livingids("wangwu").await.unwrap();
    assert_eq!(listed, created);
    assert_eq!(sim.stats().calls_to("living/get_user_all_livingid"), 3);
    assert!(client.user_livingids("nobody").await.unwrap().is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn uploaded_image_serves_an_activity_live() {
    let sim = sim_with(sim_config()).await;
    let client = client_for(&sim);
    let media = client
        .upload_image("cover.png", PNG.to_vec())
        .await
        .unwrap();
    assert!(!media.media_id.is_empty());
    assert_eq!(media.created_at, t0().as_second().to_string());

    let mut body = live("lisi", "开学典礼", tomorrow());
    body.living_type = 4;
    body.description = None;
    body.activity_cover_mediaid = Some(media.media_id.clone());
    body.activity_detail = Some(ActivityDetail {
        description: Some("本学期的开场".to_owned()),
        image_list: vec![media.media_id.clone()],
    });
    let id = client.create(&body).await.unwrap();
    assert_eq!(
        client.living_info(&id).await.unwrap().description,
        "本学期的开场"
    );

    let err = client
        .upload_image("notes.txt", b"plain text".to_vec())
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(40005));
    sim.shutdown().await;
}

#[tokio::test]
async fn permanent_errors_name_the_errcode_and_its_meaning() {
    let sim = sim_with(SimConfig {
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
    let sim = sim_with(sim_config()).await;
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
    let sim = sim_with(SimConfig {
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
    let sim = sim_with(SimConfig {
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
    let sim = sim_with(SimConfig {
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
    let sim = sim_with(SimConfig {
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
        ..config_for(&sim)
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
    let sim = sim_with(sim_config()).await;
    let client = Client::new(ClientConfig {
        corpsecret: Secret::new("wrong"),
        ..config_for(&sim)
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
        ..config_for(&sim)
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
async fn token_expiring_mid_run_is_renewed_transparently() {
    let sim = sim_with(sim_config()).await;
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
    let sim = sim_with(SimConfig {
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
    let sim = sim_with(sim_config()).await;
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

#[test]
fn plain_http_to_a_remote_host_is_refused_before_connecting() {
    // No runtime exists in this test: nothing could connect anywhere.
    for base in [
        "http://qyapi.weixin.qq.com/cgi-bin/",
        "http://192.0.2.1:8080/cgi-bin",
    ] {
        let err = Client::new(ClientConfig {
            api_base: base.to_owned(),
            ..ClientConfig::new("corp", "secret")
        })
        .unwrap_err();
        assert!(matches!(err, ConfigError::InsecureBase { .. }), "{err:?}");
    }
    let client =
        Client::new(ClientConfig::new("corp", "secret")).expect("the default base is https");
    assert_eq!(client.api_base(), "https://qyapi.weixin.qq.com/cgi-bin/");
    let err = Client::new(ClientConfig::new("", "secret")).unwrap_err();
    assert!(matches!(err, ConfigError::MissingCorpid));
}

#[test]
fn secret_never_prints() {
    let config = ClientConfig::new("corp", "hunter2");
    assert!(!format!("{config:?}").contains("hunter2"));
    assert_eq!(Secret::new("hunter2").to_string(), "[redacted]");
    let client = Client::new(config).unwrap();
    assert!(!format!("{client:?}").contains("hunter2"));
}

/// A `tracing` writer that keeps every line in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_or_token_in_logs_or_errors() {
    const SECRET: &str = "S3cret-that-must-not-leak";
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer({
            let captured = captured.clone();
            move || captured.clone()
        })
        .finish();
    // The test runtime is single-threaded, so the thread's default sees the client, hyper and the simulator.
    let _guard = tracing::subscriber::set_default(subscriber);

    let sim = sim_with(SimConfig {
        secret: SECRET.to_owned(),
        faults: Faults {
            revoke_token_every: Some(1),
            ..Faults::default()
        },
        ..sim_config()
    })
    .await;
    let config = ClientConfig {
        corpsecret: Secret::new(SECRET),
        request_timeout: Duration::from_millis(500),
        ..config_for(&sim)
    };
    let client = Client::new(config.clone()).unwrap();
    let mut texts = vec![format!("{config:?}"), format!("{client:?}")];
    let mut record = |err: ApiError| {
        texts.push(err.to_string());
        texts.push(format!("{err:?}"));
        texts.push(format!("{:?}", miette::Report::new(err)));
    };

    let id = client
        .create(&live("lisi", "课", tomorrow()))
        .await
        .unwrap();
    client.living_info(&id).await.unwrap();
    sim.set_now(t0() + SignedDuration::from_hours(3));
    client.user_livingids("lisi").await.unwrap();
    let faults = [
        Faults {
            p_errcode_busy: 1.0,
            ..Faults::default()
        },
        Faults {
            p_http_502: 1.0,
            ..Faults::default()
        },
        Faults {
            p_drop_after_commit: 1.0,
            ..Faults::default()
        },
        Faults {
            p_slow_reply: 1.0,
            ..Faults::default()
        },
        Faults {
            revoke_token_every: Some(0),
            ..Faults::default()
        },
        Faults {
            quota_burst: Some(QuotaBurst {
                after: 0,
                length: 1000,
            }),
            ..Faults::default()
        },
    ];
    for fault in faults {
        sim.set_faults(fault);
        record(
            client
                .create(&live("lisi", "课", tomorrow() + HOUR))
                .await
                .unwrap_err(),
        );
    }
    sim.set_faults(Faults::default());
    record(client.cancel("no-such-live").await.unwrap_err());

    let wrong = Client::new(ClientConfig {
        corpsecret: Secret::new(format!("{SECRET}-wrong")),
        ..config.clone()
    })
    .unwrap();
    record(wrong.living_info(&id).await.unwrap_err());

    let tokens = sim.issued_tokens();
    assert!(tokens.len() >= 4, "{tokens:?}");
    sim.shutdown().await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("living/create"),
        "the capture saw the client:\n{logs}"
    );
    texts.push(logs);
    for text in &texts {
        assert!(!text.contains(SECRET), "secret leaked in:\n{text}");
        for token in &tokens {
            assert!(!text.contains(token.as_str()), "token leaked in:\n{text}");
        }
    }
}

/// Waits for a condition the simulator reaches on its own, without guessing a duration.
async fn wait_for(mut condition: impl FnMut() -> bool) {
    for _ in 0..2000 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("condition not reached within 10 s");
}

#[tokio::test]
async fn lost_reply_to_a_read_is_retryable() {
    let sim = sim_with(sim_config()).await;
    let client = Client::new(ClientConfig {
        request_timeout: Duration::from_millis(200),
        ..config_for(&sim)
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
async fn callers_queued_behind_a_failed_token_fetch_share_its_error() {
    let sim = sim_with(SimConfig {
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
        ..config_for(&sim)
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

#[tokio::test]
async fn a_wrong_api_base_is_a_config_error() {
    let sim = sim_with(sim_config()).await;
    let client = Client::new(ClientConfig {
        api_base: format!("http://{}/not-cgi-bin", sim.addr()),
        ..config_for(&sim)
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
