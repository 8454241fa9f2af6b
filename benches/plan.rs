//! Benchmark (not a test): the built binary as whole processes on generated terms of
//! 100,000 and 1,000,000 sessions (2,000 weekly classes over a year in Asia/Shanghai,
//! and 10,000 over two years): `plan --format json` (output to /dev/null) and `validate`, with peak
//! memory; `plan` against a ledger that holds every session; `apply` run again on an
//! applied 10,000-session term; and python-dateutil's bare expansion of the same rules
//! when python3 has it. `cargo bench --bench plan`.
//!
//! Every figure is the median of `LIVESCHED_BENCH_RUNS` (default 5) runs, the cases taken
//! in turn so that a busy machine slows them alike, each run starting one case further on
//! (so that no case always comes after the 1,000,000-session ones, which leave the
//! kernel memory to take back). `LIVESCHED_BENCH_BASELINE=PATH` (or
//! `LABEL=PATH,LABEL=PATH…`) runs other builds of livesched on the 100,000-session cases
//! beside this one, for before and after figures from one run. It prints figures and the
//! aims; it asserts nothing but that the runs succeed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Every session is ahead of this: a plan creates them all.
#[path = "plan/inputs.rs"]
mod inputs;

use inputs::{DATEUTIL, Rerun, apply_rerun, dateutil_available, generated_term, write_full_ledger};

const NOW: &str = "2026-12-01T00:00:00+08:00";

fn main() {
    let runs: usize = env_number("LIVESCHED_BENCH_RUNS").unwrap_or(5).max(1);
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_livesched"));
    let dir = tempfile::tempdir().expect("temp dir");
    let at = |name: &str| dir.path().join(name);
    std::fs::write(at("big.yaml"), generated_term(2_000, 50)).expect("write term");
    std::fs::write(at("huge.yaml"), generated_term(10_000, 100)).expect("write term");
    write_full_ledger(&ours, &at("big.yaml"), &at("full.ledger.jsonl"));
    let mut binaries = vec![(String::new(), ours.clone())];
    binaries.extend(baselines());
    let mut cases = cases(&binaries, dir.path());
    let dateutil_inside = run_all(&mut cases, runs, dir.path());
    let apply = apply_rerun(&ours, dir.path(), runs);
    print_table(&cases, &apply);
    print_aims(&cases, dateutil_inside, &binaries);
}

/// Every case: each binary's on the 100,000-session term, ours on the
/// 1,000,000-session one, and dateutil's when python3 has it.
fn cases(binaries: &[(String, PathBuf)], dir: &Path) -> Vec<Case> {
    let ours = &binaries[0].1;
    let plan = |file: &str, format: &str, ledger: &str| {
        let mut args = args(&["plan", file, "--now", NOW]);
        if !format.is_empty() {
            args.extend(["--format".into(), format.into()]);
        }
        if !ledger.is_empty() {
            args.extend(["--ledger".into(), ledger.into()]);
        }
        args
    };
    let mut cases: Vec<Case> = Vec::new();
    for (label, binary) in binaries {
        let case = |name: &str, args: Vec<String>| Case {
            name: if label.is_empty() {
                name.to_string()
            } else {
                format!("{name} ({label})")
            },
            program: binary.clone(),
            args,
            samples: Vec::new(),
        };
        cases.push(case(JSON, plan("big.yaml", "json", "")));
        cases.push(case(
            JSON_LEDGER,
            plan("big.yaml", "json", "full.ledger.jsonl"),
        ));
        cases.push(case(AUTO, plan("big.yaml", "", "")));
        cases.push(case(AUTO_LEDGER, plan("big.yaml", "", "full.ledger.jsonl")));
        cases.push(case(VALIDATE, args(&["validate", "big.yaml"])));
    }
    cases.push(Case::new(JSON_1M, ours, plan("huge.yaml", "json", "")));
    cases.push(Case::new(
        VALIDATE_1M,
        ours,
        args(&["validate", "huge.yaml"]),
    ));
    let python = dateutil_available().then(|| {
        std::fs::write(dir.join("expand.py"), DATEUTIL).expect("write script");
        Case::new(
            DATEUTIL_CASE,
            Path::new("python3"),
            args(&["expand.py", "2000"]),
        )
    });
    cases.extend(python);
    cases
}

/// `runs` runs of every case, each run starting one case further on (so that no
/// case always comes after the 1,000,000-session ones, which leave the kernel
/// memory to take back); dateutil's own expansion times.
fn run_all(cases: &mut [Case], runs: usize, dir: &Path) -> Vec<f64> {
    println!("plan: {runs} runs of each, in turn; median wall and CPU time, highest peak RSS");
    let mut dateutil_inside = Vec::new();
    for run in 0..runs {
        let first = run % cases.len();
        let (after, before) = cases.split_at_mut(first);
        for case in before.iter_mut().chain(after) {
            let (sample, stdout) = case.run_once(dir);
            if case.program == Path::new("python3") {
                // The script prints the sessions it made and its own expansion time.
                let seconds = stdout
                    .split_whitespace()
                    .nth(1)
                    .and_then(|s| s.parse().ok());
                dateutil_inside.push(seconds.expect("the script prints its time"));
            }
            case.samples.push(sample);
        }
    }
    dateutil_inside
}

fn print_table(cases: &[Case], apply: &Rerun) {
    println!("{:<60} {:>9} {:>9} {:>10}", "", "wall", "cpu", "peak RSS");
    for case in cases {
        println!(
            "{:<60} {:>7.3} s {:>7.3} s {:>7.1} MB",
            case.name,
            case.median(|s| s.wall),
            case.median(|s| s.cpu),
            case.peak_mb()
        );
    }
    println!(
        "{:<60} {:>7.3} s {:>7.3} s {:>7.1} MB   ({} calls)",
        "apply again, applied 10k term (nothing to do)",
        median(apply.samples.iter().map(|s| s.wall)),
        median(apply.samples.iter().map(|s| s.cpu)),
        peak_mb(&apply.samples),
        apply.calls
    );
}

fn print_aims(cases: &[Case], dateutil_inside: Vec<f64>, binaries: &[(String, PathBuf)]) {
    let figure = |name: &str, pick: fn(&Sample) -> f64| {
        cases
            .iter()
            .find(|c| c.name == name)
            .map_or(f64::NAN, |c| c.median(pick))
    };
    let wall = |name: &str| figure(name, |s| s.wall);
    let cpu = |name: &str| figure(name, |s| s.cpu);
    let json = wall(JSON);
    println!();
    if !dateutil_inside.is_empty() {
        let inside = median(dateutil_inside.into_iter());
        let whole = wall(DATEUTIL_CASE);
        println!(
            "python-dateutil expands the 100,000 sessions in {inside:.3} s ({whole:.3} s with python's start): \
             `plan --format json` is {:.1}× faster than the bare expansion ({:.1}× the whole process); aim ≥ 3×",
            inside / json,
            whole / json
        );
    } else {
        println!("python3 with dateutil not found: no side-by-side figure");
    }
    // The two run one after the other in each run: the median of each run's own
    // ratio is less moved by the machine's load than the ratio of the medians.
    let paired = |a: &str, b: &str| {
        let samples = |name: &str| cases.iter().find(|c| c.name == name).map(|c| &c.samples);
        match (samples(a), samples(b)) {
            (Some(a), Some(b)) => median(a.iter().zip(b).map(|(a, b)| b.wall / a.wall)),
            _ => f64::NAN,
        }
    };
    println!(
        "plan --format json against a ledger of all 100,000 sessions: {:.2}× the empty ledger's time \
         (each run's own ratio: {:.2}×; {:.2}× its CPU time); aim ≤ 1.30×",
        wall(JSON_LEDGER) / json,
        paired(JSON, JSON_LEDGER),
        cpu(JSON_LEDGER) / cpu(JSON)
    );
    println!(
        "plan (the table, then the diff) against a ledger of all 100,000 sessions: {:.2}× the empty ledger's time",
        wall(AUTO_LEDGER) / wall(AUTO)
    );
    println!(
        "validate, 1M ÷ 100k: {:.1}×; aim ≤ 11×",
        wall(VALIDATE_1M) / wall(VALIDATE)
    );
    for (label, _) in binaries.iter().skip(1) {
        for name in [JSON, JSON_LEDGER, AUTO, VALIDATE] {
            println!(
                "{name}: {:.1}× faster than {label}",
                wall(&format!("{name} ({label})")) / wall(name)
            );
        }
    }
}

const JSON: &str = "plan --format json, 100k";
const JSON_LEDGER: &str = "plan --format json, 100k, ledger of all";
const AUTO: &str = "plan (a table), 100k";
const AUTO_LEDGER: &str = "plan (a diff), 100k, ledger of all";
const VALIDATE: &str = "validate, 100k";
const JSON_1M: &str = "plan --format json, 1M";
const VALIDATE_1M: &str = "validate, 1M";
const DATEUTIL_CASE: &str = "python-dateutil, 2,000 rules (whole process)";

/// Other builds to time beside this one: `LIVESCHED_BENCH_BASELINE` holds
/// `PATH` or `LABEL=PATH`, several separated by commas.
fn baselines() -> Vec<(String, PathBuf)> {
    let list = std::env::var("LIVESCHED_BENCH_BASELINE").unwrap_or_default();
    list.split(',')
        .filter(|item| !item.is_empty())
        .map(|item| match item.split_once('=') {
            Some((label, path)) => (label.to_string(), PathBuf::from(path)),
            None => ("baseline".to_string(), PathBuf::from(item)),
        })
        .collect()
}

pub(crate) fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn env_number(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

/// One command, timed several times.
struct Case {
    name: String,
    program: PathBuf,
    args: Vec<String>,
    samples: Vec<Sample>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    wall: f64,
    /// User and system time.
    cpu: f64,
    peak_kb: u64,
}

impl Case {
    fn new(name: &str, program: &Path, args: Vec<String>) -> Case {
        Case {
            name: name.to_string(),
            program: program.to_path_buf(),
            args,
            samples: Vec::new(),
        }
    }

    /// Runs the command once in `dir`, its output to /dev/null (python's kept: it is short).
    fn run_once(&self, dir: &Path) -> (Sample, String) {
        let keep = self.program == Path::new("python3");
        let out = dir.join("case.out");
        let stdout = if keep {
            Stdio::from(std::fs::File::create(&out).expect("output file"))
        } else {
            Stdio::null()
        };
        let (sample, ok) = measure(&self.program, &self.args, dir, &[], stdout);
        assert!(ok, "`{}` failed", self.name);
        let stdout = if keep {
            std::fs::read_to_string(&out).unwrap_or_default()
        } else {
            String::new()
        };
        (sample, stdout)
    }

    fn median(&self, pick: impl Fn(&Sample) -> f64) -> f64 {
        median(self.samples.iter().map(pick))
    }

    fn peak_mb(&self) -> f64 {
        peak_mb(&self.samples)
    }
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn peak_mb(samples: &[Sample]) -> f64 {
    samples.iter().map(|s| s.peak_kb).max().unwrap_or(0) as f64 / 1024.0
}

const TIME: &str = "/usr/bin/time";

/// Runs `program` in `dir` (stdin and stderr null) and measures it: the wall time from
/// spawn to exit here; CPU time and peak RSS as GNU time reports them, when it is there
/// (`wait4`'s own figures would count this process's memory, which the child is
/// forked from, until it execs).
pub(crate) fn measure(
    program: &Path,
    args: &[String],
    dir: &Path,
    env: &[(&str, &str)],
    stdout: Stdio,
) -> (Sample, bool) {
    let report = dir.join("time.out");
    let _ = std::fs::remove_file(&report);
    let mut command = if Path::new(TIME).exists() {
        let mut c = Command::new(TIME);
        c.args(["-f", "%U %S %M", "-o"]).arg(&report).arg(program);
        c
    } else {
        Command::new(program)
    };
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::null());
    let started = Instant::now();
    let status = command.status().expect("start the command");
    let wall = started.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    let figures: Vec<f64> = text
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let (cpu, peak_kb) = match figures[..] {
        [user, system, kb] => (user + system, kb as u64),
        _ => (f64::NAN, 0),
    };
    let sample = Sample { wall, cpu, peak_kb };
    (sample, status.success())
}
