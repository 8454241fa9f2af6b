//! `livesched sim`'s arguments: well formed, turned into a config, and its help.

use std::time::Duration;

use clap::{CommandFactory, Parser};
use livesched::cli::SimArgs;
use livesched::sim::{Faults, QuotaBurst};

/// `livesched sim`'s arguments, as the binary would embed them.
#[derive(Debug, Parser)]
struct SimCli {
    #[command(flatten)]
    args: SimArgs,
}

#[test]
fn sim_args_are_well_formed() {
    SimCli::command().debug_assert();
    let help = SimCli::command().render_long_help().to_string();
    assert!(help.contains("A CI dry run"), "{help}");
}

#[test]
fn sim_args_become_a_config() {
    every_option_reaches_the_config();
    the_defaults_are_loopback_port_0_and_no_faults();
    bad_values_are_refused();
}

/// Every option of `livesched sim`, each set away from its default.
const EVERY_OPTION: [(&str, &str); 20] = [
    ("--listen", "127.0.0.1:8099"),
    ("--state", "sim.json"),
    ("--corpid", "c"),
    ("--secret", "s"),
    ("--users", "a,b,c"),
    ("--token-ttl", "90s"),
    ("--now", "2027-02-20T09:00:00+08:00"),
    ("--per-minute", "600"),
    ("--creates-per-day", "50"),
    ("--max-concurrent", "8"),
    ("--latency", "20ms"),
    ("--jitter", "5ms"),
    ("--fail-502", "0.05"),
    ("--fail-busy", "0.1"),
    ("--drop-after-commit", "0.03"),
    ("--slow-reply", "0.01"),
    ("--slow-reply-delay", "2m"),
    ("--revoke-token-every", "100"),
    ("--quota-burst", "10:5"),
    ("--seed", "42"),
];

fn every_option_reaches_the_config() {
    let args = EVERY_OPTION
        .iter()
        .flat_map(|(option, value)| [*option, *value]);
    let cli = SimCli::try_parse_from(std::iter::once("sim").chain(args)).unwrap();
    let config = cli.args.into_config().unwrap();
    assert_eq!(config.listen.to_string(), "127.0.0.1:8099");
    assert_eq!(
        config.state_file.as_deref(),
        Some(std::path::Path::new("sim.json"))
    );
    assert_eq!((config.corpid.as_str(), config.secret.as_str()), ("c", "s"));
    assert_eq!(config.users, Some(vec!["a".into(), "b".into(), "c".into()]));
    assert_eq!(config.token_ttl, Duration::from_secs(90));
    assert_eq!(config.now, Some("2027-02-20T01:00:00Z".parse().unwrap()));
    assert_eq!(
        (
            config.per_minute_limit,
            config.creates_per_day,
            config.max_concurrent
        ),
        (600, 50, Some(8))
    );
    assert_eq!(
        config.faults,
        Faults {
            latency: Duration::from_millis(20),
            jitter: Duration::from_millis(5),
            p_http_502: 0.05,
            p_errcode_busy: 0.1,
            p_drop_after_commit: 0.03,
            p_slow_reply: 0.01,
            slow_reply_delay: Duration::from_secs(120),
            revoke_token_every: Some(100),
            quota_burst: Some(QuotaBurst {
                after: 10,
                length: 5
            }),
            seed: 42,
        }
    );
    assert!(
        !format!("{config:?}").contains("\"s\""),
        "the secret is not in Debug"
    );
}

fn the_defaults_are_loopback_port_0_and_no_faults() {
    let defaults = SimCli::try_parse_from(["sim"])
        .unwrap()
        .args
        .into_config()
        .unwrap();
    assert_eq!(defaults.listen.to_string(), "127.0.0.1:0");
    assert_eq!(
        (defaults.corpid.as_str(), defaults.users.clone()),
        ("sim-corp", None)
    );
    assert_eq!(defaults.faults, Faults::default());
}

fn bad_values_are_refused() {
    for bad in [
        ["sim", "--fail-busy", "1.5"],
        ["sim", "--latency", "fast"],
        ["sim", "--quota-burst", "10"],
        ["sim", "--now", "tomorrow"],
    ] {
        assert!(SimCli::try_parse_from(bad).is_err(), "{bad:?}");
    }
    let zero = SimCli::try_parse_from(["sim", "--per-minute", "0"]).unwrap();
    assert_eq!(
        zero.args.into_config().unwrap_err().to_string(),
        "the per-minute limit must be at least 1"
    );
}

#[test]
fn sim_help_snapshot() {
    let help = SimCli::command()
        .name("livesched sim")
        .about(None::<&str>)
        .term_width(100)
        .render_long_help()
        .to_string();
    // clap indents blank lines; trailing spaces would be invisible noise in the snapshot.
    let help: Vec<&str> = help.lines().map(str::trim_end).collect();
    insta::assert_snapshot!(help.join("\n"));
}
