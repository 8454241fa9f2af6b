//! Exit codes as documented: every argument error is 1 on every command (never
//! clap's 2, which `plan --detailed-exitcode` means as "changes pending"), an
//! unreadable FILE is an I/O error (1), and a refused option writes nothing.

use crate::support::{TERM, Test};

const NOW: &str = "--now=2027-01-04T09:00:00+08:00";

fn term() -> Test {
    Test::new().schedule(
        format!(
            "{TERM}defaults: {{ anchor: a, duration: 1h }}\nclasses:\n  - {{ id: x, theme: t, at: 2027-03-01T10:00 }}\n"
        ),
    )
}

#[test]
fn every_argument_error_exits_1() {
    let env = term();
    let cases: &[&[&str]] = &[
        &["plan", "t.yaml", "--detailed-exitcode", "--format", "bogus"],
        &["plan", "t.yaml", "--now", "yesterday"],
        &["validate"],
        &["validate", "t.yaml", "--bogus"],
        &["apply", "t.yaml", "--concurrency", "0", "--sandbox"],
        &["apply", "t.yaml", "--rate", "fast", "--sandbox"],
        &["refresh"],
        &[
            "destroy",
            "t.yaml",
            "--sandbox",
            "--request-timeout",
            "soon",
        ],
        &["import", "t.yaml", "--sandbox", "--now", "2027-13-01"],
        &["status", "t.yaml", "--format", "xml"],
        &["sim", "--listen", "nowhere"],
        &["completions", "tcsh"],
        &["man", "plan", "extra"],
        &["frobnicate"],
    ];
    for args in cases {
        let out = env.run(args);
        assert_eq!(out.code, 1, "{args:?}\n{}", out.stderr);
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
    assert!(
        !env.path(".livesched-sandbox").exists(),
        "a refused command line writes nothing"
    );
}

#[test]
fn help_and_version_exit_0() {
    let env = Test::new();
    for args in [&["--help"][..], &["--version"], &["plan", "--help"]] {
        let out = env.run(args);
        assert_eq!(out.code, 0, "{args:?}\n{}", out.stderr);
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn a_missing_file_is_an_io_error_not_an_invalid_schedule() {
    let env = term();
    for args in [
        &["plan", "gone.yaml", NOW][..],
        &["status", "gone.yaml", NOW],
        &["apply", "gone.yaml", "--sandbox", NOW],
        &["validate", "t.yaml", "gone.yaml"],
    ] {
        let out = env.run(args);
        assert_eq!(out.code, 1, "{args:?}\n{}", out.stderr);
        assert!(
            out.stderr.contains("failed to read `gone.yaml`"),
            "{args:?}\n{}",
            out.stderr
        );
    }
}

#[test]
fn a_refused_api_base_and_an_unwritable_report_write_nothing() {
    let env = term();
    let plain_http = env.run(&[
        "apply",
        "t.yaml",
        "--yes",
        NOW,
        "--api-base",
        "http://wecom.example.com/cgi-bin/",
    ]);
    assert_eq!(plain_http.code, 1, "{}", plain_http.stderr);
    assert!(plain_http.stderr.contains("refusing plain http"));
    assert!(!env.path("t.ledger.jsonl").exists(), "no empty ledger left");

    let report = env.run(&[
        "apply",
        "t.yaml",
        "--sandbox",
        NOW,
        "--report",
        "no/such/dir/r.json",
    ]);
    assert_eq!(report.code, 1, "{}", report.stderr);
    assert!(
        report
            .stderr
            .contains("failed to write the report to `no/such/dir/r.json`"),
        "{}",
        report.stderr
    );
    assert!(
        !env.path(".livesched-sandbox").exists(),
        "refused before the sandbox started"
    );
}

#[test]
fn the_sandbox_owns_its_folder_whatever_the_ledger() {
    let env = term();
    let out = env.run(&["apply", "t.yaml", "--sandbox", NOW, "--ledger", "l.jsonl"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("could not save"), "{}", out.stderr);
    assert!(env.path(".livesched-sandbox/t.sim.json").exists());
    assert!(env.path("l.jsonl").exists());
}

/// Could not talk to WeCom at all: one rule, exit 1, whether the host is
/// unreachable or the credentials are refused, and nothing is recorded.
#[test]
fn an_unreachable_wecom_is_an_error_and_records_nothing() {
    let env = term();
    // Nothing listens on a port just freed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = env
        .command(&[
            "apply",
            "t.yaml",
            "--yes",
            NOW,
            "--api-base",
            &format!("http://127.0.0.1:{port}/cgi-bin/"),
        ])
        .env("WECOM_CORPID", "corp")
        .env("WECOM_CORPSECRET", "secret")
        .output();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("could not reach WeCom"),
        "{}",
        out.stderr
    );
    let ledger = std::fs::read_to_string(env.path("t.ledger.jsonl")).unwrap_or_default();
    assert!(ledger.is_empty(), "{ledger}");
}
