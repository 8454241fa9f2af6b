//! Benchmark (not a test): a generated 2,000-class term (~100,000 sessions), in this
//! process: load + expand + lint, then `plan::expand` alone, then the weekly recurrence
//! walk at its core alone, each in sessions per second, and peak memory.
//! `cargo bench --bench expand`.

use std::fmt::Write;
use std::time::Instant;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, generated_term(2_000)).expect("write term");
    let before = peak_rss_kib();
    // One warm-up run, then the measured ones.
    let _ = livesched::plan::plan_term(&path, false);
    let runs = 5;
    let mut best = f64::MAX;
    let mut sessions = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let planned = livesched::plan::plan_term(&path, false);
        let elapsed = start.elapsed().as_secs_f64();
        let Some(plan) = planned.plan else {
            eprint!(
                "{}",
                livesched::diagnostics::render(&planned.problems, &planned.sources, false)
            );
            panic!("the generated term is invalid");
        };
        sessions = plan.lives.len();
        best = best.min(elapsed);
    }
    let peak = peak_rss_kib();
    println!("expand: 2000 classes, {sessions} sessions (load + expand + lint)");
    println!(
        "expand: best of {runs}: {:.3} s, {:.0} sessions/s",
        best,
        sessions as f64 / best
    );
    println!(
        "expand: peak RSS {:.1} MiB (before: {:.1} MiB)",
        peak as f64 / 1024.0,
        before as f64 / 1024.0
    );

    let schedule = livesched::schedule::load(&path)
        .schedule
        .expect("the generated term loads");
    let (expand, lives) = best_of(runs, || livesched::plan::expand(&schedule).lives.len());
    println!(
        "expand: plan::expand alone (sessions made, keyed, sorted): best of {runs}: {:.1} ms, {:.1} M sessions/s",
        expand * 1e3,
        lives as f64 / expand / 1e6
    );
    let (walk, occurrences) = best_of(runs * 4, || livesched::plan::occurrence_count(&schedule));
    println!(
        "expand: the weekly walk at its core (occurrences after holidays and skips): best of {}: {:.2} ms, {:.1} M weekly occurrences/s",
        runs * 4,
        walk * 1e3,
        occurrences as f64 / walk / 1e6
    );
}

/// The shortest of `runs` runs of `f`, in seconds, and what it gave.
fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut out = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = std::hint::black_box(f());
        best = best.min(start.elapsed().as_secs_f64());
        out = Some(value);
    }
    (best, out.expect("at least one run"))
}

/// 2,000 classes over an 18-week term, two or three sessions a week each.
fn generated_term(classes: usize) -> String {
    let mut s = String::from(
        "version: 1\nterm:\n  name: bench\n  start: 2027-02-22\n  end: 2027-06-27\n  holidays:\n    - { from: 2027-05-01, to: 2027-05-05, name: 劳动节 }\n  workdays:\n    - { date: 2027-05-08, as: fri }\ndefaults: { type: training, duration: 45m, remind: 10m }\nclasses:\n",
    );
    let days = ["mon", "tue", "wed", "thu", "fri"];
    for i in 0..classes {
        let d1 = days[i % 5];
        let d2 = days[(i + 2) % 5];
        let d3 = days[(i + 4) % 5];
        let hour = 8 + (i % 12);
        let _ = writeln!(
            s,
            "  - id: c{i}\n    theme: 课程{i} 第{{n}}讲\n    anchor: t{i}\n    weekly: {{ days: [{d1}, {d2}, {d3}], at: \"{hour:02}:00\" }}\n    weeks: 1-18"
        );
    }
    s
}

/// Peak resident set size of this process, from /proc (Linux); 0 elsewhere.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
