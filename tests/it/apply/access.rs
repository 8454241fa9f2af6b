//! What apply needs before its first call (a yes, credentials, the right secret) and what it
//! never prints.

use livesched::sim::{Faults, SimConfig};

use super::term::{term, total_calls};
use crate::support::assert_nothing_leaks;

#[test]
fn without_yes_and_without_a_terminal_apply_refuses_and_calls_nothing() {
    let term = term(1, SimConfig::default());
    let out = term.run(&["apply", "t.yaml", "--rate", "0"]);
    out.assert_code(1);
    out.assert_stderr_contains("pass `--yes`");
    assert_eq!(total_calls(&term.sim().stats()), 0);
    assert!(!term.ledger_path().exists() || term.ledger().is_empty());
}

#[test]
fn missing_credentials_are_an_error_that_names_wecom_corpid() {
    let term = term(1, SimConfig::default());
    let out = term
        .apply_command(&[])
        .env_remove("WECOM_CORPID")
        .env_remove("WECOM_CORPSECRET")
        .output();
    out.assert_code(1);
    out.assert_stderr_contains("help:");
    out.assert_stderr_contains("WECOM_CORPID");
    assert_eq!(total_calls(&term.sim().stats()), 0);
}

#[test]
fn a_wrong_secret_is_fatal_after_exactly_one_gettoken() {
    let term = term(2, SimConfig::default());
    let out = term
        .apply_command(&["--concurrency", "8"])
        .env("WECOM_CORPSECRET", "not-the-secret")
        .output();
    out.assert_code(1);
    let stats = term.sim().stats();
    assert_eq!(stats.calls_to("gettoken"), 1, "{stats:?}");
    assert_eq!(total_calls(&stats), 1, "no business call: {stats:?}");
    assert!(term.sim().lives().is_empty());
    out.assert_stderr_contains("refused the credentials");
    assert!(
        term.ledger().is_empty(),
        "nothing was sent, so nothing is recorded as failed"
    );
}

#[test]
fn no_secret_or_token_appears_in_apply_output() {
    const SECRET_HERE: &str = "S3cret-that-must-not-leak";
    let term = term(
        2,
        SimConfig {
            secret: SECRET_HERE.into(),
            users: Some(vec!["t0".into()]),
            faults: Faults {
                revoke_token_every: Some(3),
                p_drop_after_commit: 0.1,
                ..Faults::default()
            },
            ..SimConfig::default()
        },
    );
    let good = term
        .apply_command(&["--report", "r.json"])
        .env("WECOM_CORPSECRET", SECRET_HERE)
        .output();
    assert_eq!(good.code, 4, "t1 does not exist: {}", good.stderr);
    let wrong_secret = format!("{SECRET_HERE}-wrong");
    let wrong = term
        .apply_command(&[])
        .env("WECOM_CORPSECRET", &wrong_secret)
        .output();
    wrong.assert_code(1);
    let tokens = term.sim().issued_tokens();
    assert!(tokens.len() > 3, "{tokens:?}");
    let texts = [
        good.stdout,
        good.stderr,
        wrong.stdout,
        wrong.stderr,
        term.read("r.json"),
        term.read("t.ledger.jsonl"),
    ];
    assert_nothing_leaks(&texts, SECRET_HERE, &tokens);
}
