//! What the client refuses and never reveals: plain HTTP to a remote host, the secret, tokens.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::SignedDuration;
use livesched::sim::{Faults, QuotaBurst, SimConfig};
use livesched::wecom::{ApiError, Client, ClientConfig, ConfigError, Secret};

use super::fixtures::{HOUR, live, sim_config, t0, tomorrow};
use crate::support::{assert_nothing_leaks, client_config_for, start_sim};

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

impl Captured {
    /// Captures every log line of this thread until the guard is dropped.
    fn logs() -> (Captured, tracing::subscriber::DefaultGuard) {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer({
                let captured = captured.clone();
                move || captured.clone()
            })
            .finish();
        (captured, tracing::subscriber::set_default(subscriber))
    }

    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Each fault the simulator injects, on its own.
fn every_fault() -> [Faults; 6] {
    [
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
    ]
}

#[tokio::test]
async fn no_secret_or_token_in_logs_or_errors() {
    const SECRET: &str = "S3cret-that-must-not-leak";
    // The test runtime is single-threaded, so the thread's default sees the client, hyper and the simulator.
    let (captured, _guard) = Captured::logs();

    let sim = start_sim(SimConfig {
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
        ..client_config_for(&sim)
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
    for fault in every_fault() {
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

    let logs = captured.text();
    assert!(
        logs.contains("living/create"),
        "the capture saw the client:\n{logs}"
    );
    texts.push(logs);
    assert_nothing_leaks(&texts, SECRET, &tokens);
}
