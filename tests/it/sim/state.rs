//! The state file across runs and while running, and configurations refused at start.

use livesched::sim::{Faults, SimConfig};
use serde_json::{Value, json};

use super::harness::{Harness, body, config};
use crate::support::wait_for;

#[tokio::test]
async fn state_file_carries_lives_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sim.json");
    let run = || SimConfig {
        state_file: Some(state.clone()),
        ..config()
    };

    let h = Harness::start(run()).await;
    let token = h.token().await;
    let first = h.create(&token, body(json!({}))).await["livingid"].clone();
    let lives = h.sim.lives();
    h.sim.shutdown().await;
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(saved["lives"][0]["livingid"], first);

    let h = Harness::start(run()).await;
    assert_eq!(h.sim.lives(), lives);
    let token = h.token().await;
    assert_eq!(h.info(&token, first.as_str().unwrap()).await["errcode"], 0);
    let second = h.create(&token, body(json!({}))).await["livingid"].clone();
    assert_ne!(first, second, "ids stay unique across runs");
    assert_eq!(h.sim.stats().duplicates, 1);
    h.sim.shutdown().await;
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temp files are left behind");
}

#[tokio::test]
async fn nonsense_configurations_are_refused() {
    let bad = [
        SimConfig {
            per_minute_limit: 0,
            ..config()
        },
        SimConfig {
            max_concurrent: Some(0),
            ..config()
        },
        SimConfig {
            secret: String::new(),
            ..config()
        },
        SimConfig {
            users: Some(vec![String::new()]),
            ..config()
        },
        SimConfig {
            faults: Faults {
                p_http_502: 1.5,
                ..Faults::default()
            },
            ..config()
        },
    ];
    for config in bad {
        assert!(livesched::sim::start(config).await.is_err());
    }
}

#[tokio::test]
async fn state_is_saved_while_running_and_a_corrupt_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sim.json");
    let h = Harness::start(SimConfig {
        state_file: Some(state.clone()),
        ..config()
    })
    .await;
    let token = h.token().await;
    let id = h.create(&token, body(json!({}))).await["livingid"]
        .as_str()
        .unwrap()
        .to_owned();
    // A `kill -9` now would keep this live: the file follows within a moment, not at exit.
    wait_for(|| std::fs::read_to_string(&state).is_ok_and(|text| text.contains(&id))).await;
    h.sim.shutdown().await;

    std::fs::write(&state, "{ not json").unwrap();
    let err = livesched::sim::start(SimConfig {
        state_file: Some(state.clone()),
        ..config()
    })
    .await
    .err()
    .expect("a corrupt state file is an error");
    assert!(
        err.to_string()
            .starts_with("failed to read the simulator state"),
        "{err}"
    );
}
