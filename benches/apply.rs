//! Benchmark (not a test): applies a generated 10,000-session term to the simulator
//! (in this process, 20 ms latency per call) with the built binary, and prints creates
//! per second, against `--rate 6000` (efficiency = achieved ÷ configured) and with no
//! limit at `--concurrency 64` (the client's own ceiling). `cargo bench --bench apply`.
//!
//! The rated run takes about 100 s (10,000 creates at 100 a second); set
//! `LIVESCHED_BENCH_SESSIONS` for a smaller term, `LIVESCHED_BENCH_LATENCY_MS` for
//! another latency (0 shows what the client and its ledger cost without waiting).

use std::fmt::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use livesched::sim::{Faults, SimConfig, SimStats};

const NOW: &str = "2027-01-04T09:00:00+08:00";
/// Sessions per class: Monday and Thursday through an 18-week term.
const PER_CLASS: usize = 36;

fn main() {
    let sessions: usize = std::env::var("LIVESCHED_BENCH_SESSIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let latency_ms: u64 = std::env::var("LIVESCHED_BENCH_LATENCY_MS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let classes = sessions.div_ceil(PER_CLASS);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "apply: {} sessions ({classes} classes), simulator latency {latency_ms} ms, release binary",
        classes * PER_CLASS
    );
    for (rate, concurrency) in [(6000, 16), (0, 64)] {
        let run = runtime.block_on(apply_once(classes, rate, concurrency, latency_ms));
        let per_second = run.created as f64 / run.executor_seconds;
        print!(
            "apply: --rate {rate} --concurrency {concurrency}: {} created in {:.1} s \
             ({:.1} s with planning and start-up): {per_second:.0} creates/s",
            run.created, run.executor_seconds, run.wall_seconds
        );
        if rate > 0 {
            let configured = f64::from(rate) / 60.0;
            print!(
                ", {:.1}% of the configured {configured:.0}/s",
                100.0 * per_second / configured
            );
        }
        println!(
            "; peak {} calls/s, {} calls in all",
            run.stats.peak_calls_per_second,
            run.stats.calls.values().sum::<u64>()
        );
    }
}

struct Run {
    created: u64,
    executor_seconds: f64,
    wall_seconds: f64,
    stats: SimStats,
}

async fn apply_once(classes: usize, rate: u32, concurrency: u32, latency_ms: u64) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("big.yaml"), generated_term(classes)).expect("write term");
    let sim = livesched::sim::start(SimConfig {
        now: Some(NOW.parse().unwrap()),
        // Quotas out of the way: this measures the client, not WeCom's limits.
        per_minute_limit: 1_000_000,
        creates_per_day: 1_000_000,
        faults: Faults {
            latency: Duration::from_millis(latency_ms),
            ..Faults::default()
        },
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let base = sim.base_url();
    let path = dir.path().to_path_buf();
    let started = Instant::now();
    let status = tokio::task::spawn_blocking(move || run_binary(&path, &base, rate, concurrency))
        .await
        .expect("the run finishes");
    let wall_seconds = started.elapsed().as_secs_f64();
    assert!(status.success(), "apply failed: {status}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).expect("report"))
            .expect("JSON report");
    let stats = sim.stats();
    sim.shutdown().await;
    assert_eq!(stats.duplicates, 0);
    Run {
        created: report["created"].as_u64().expect("created"),
        executor_seconds: report["elapsed_seconds"].as_f64().expect("elapsed"),
        wall_seconds,
        stats,
    }
}

fn run_binary(dir: &Path, base: &str, rate: u32, concurrency: u32) -> std::process::ExitStatus {
    let rate = rate.to_string();
    let concurrency = concurrency.to_string();
    Command::new(env!("CARGO_BIN_EXE_livesched"))
        .args([
            "apply",
            "big.yaml",
            "--yes",
            "--now",
            NOW,
            "--api-base",
            base,
            "--rate",
            &rate,
            "--concurrency",
            &concurrency,
            "--report",
            "report.json",
        ])
        .current_dir(dir)
        .env("WECOM_CORPID", "sim-corp")
        .env("WECOM_CORPSECRET", "sim-secret")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run livesched")
}

/// `classes` classes on Monday and Thursday, spread over 50 anchors and the day's hours.
fn generated_term(classes: usize) -> String {
    let mut s = String::from(
        "version: 1\nterm:\n  name: bench\n  start: 2027-02-22\n  end: 2027-06-27\ndefaults: { type: training, duration: 45m, remind: 10m }\nclasses:\n",
    );
    for i in 0..classes {
        let _ = writeln!(
            s,
            "  - id: c{i}\n    theme: 课程{i} 第{{n}}讲\n    anchor: t{}\n    weekly: {{ days: [mon, thu], at: \"{:02}:{:02}\" }}",
            i % 50,
            8 + (i / 4) % 12,
            (i % 4) * 15
        );
    }
    s
}
