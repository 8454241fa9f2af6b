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

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use livesched::sim::SimConfig;

/// Every session is ahead of this: a plan creates them all.
const NOW: &str = "2026-12-01T00:00:00+08:00";
const WEEKDAYS: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];

fn main() {
    let runs: usize = env_number("LIVESCHED_BENCH_RUNS").unwrap_or(5).max(1);
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_livesched"));
    let dir = tempfile::tempdir().expect("temp dir");
    let at = |name: &str| dir.path().join(name);
    std::fs::write(at("big.yaml"), generated_term(2_000, 50)).expect("write term");
    std::fs::write(at("huge.yaml"), generated_term(10_000, 100)).expect("write term");
    write_full_ledger(&ours, &at("big.yaml"), &at("full.ledger.jsonl"));

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
    let mut binaries = vec![(String::new(), ours.clone())];
    binaries.extend(baselines());
    for (label, binary) in &binaries {
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
    cases.push(Case::new(JSON_1M, &ours, plan("huge.yaml", "json", "")));
    cases.push(Case::new(
        VALIDATE_1M,
        &ours,
        args(&["validate", "huge.yaml"]),
    ));
    let python = dateutil_available().then(|| {
        std::fs::write(at("expand.py"), DATEUTIL).expect("write script");
        Case::new(
            DATEUTIL_CASE,
            Path::new("python3"),
            args(&["expand.py", "2000"]),
        )
    });
    cases.extend(python);

    println!("plan: {runs} runs of each, in turn; median wall and CPU time, highest peak RSS");
    let mut dateutil_inside = Vec::new();
    for run in 0..runs {
        let first = run % cases.len();
        let (after, before) = cases.split_at_mut(first);
        for case in before.iter_mut().chain(after) {
            let (sample, stdout) = case.run_once(dir.path());
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
    let apply = apply_rerun(&ours, dir.path(), runs);

    println!("{:<60} {:>9} {:>9} {:>10}", "", "wall", "cpu", "peak RSS");
    for case in &cases {
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

fn args(list: &[&str]) -> Vec<String> {
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
struct Sample {
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
fn measure(
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

/// `classes` classes, each once a week on a weekday at a whole hour from 8:00 to 19:00,
/// over `weeks` weeks from Monday 2027-01-04 (50 weeks end on 2027-12-19): `weeks`
/// sessions each.
fn generated_term(classes: usize, weeks: i64) -> String {
    let start = jiff::civil::date(2027, 1, 4);
    let end = start
        .checked_add(jiff::Span::new().days(weeks * 7 - 1))
        .expect("a date");
    let mut s = format!(
        "version: 1\nterm:\n  name: bench\n  timezone: Asia/Shanghai\n  start: {start}\n  end: {end}\n\
         defaults: {{ type: training, duration: 45m, remind: 10m }}\nclasses:\n",
    );
    for i in 0..classes {
        let _ = writeln!(
            s,
            "  - id: c{i}\n    theme: 课程{i} 第{{n}}讲\n    anchor: t{i}\n    weekly: {{ days: [{}], at: \"{:02}:00\" }}",
            WEEKDAYS[i % 5],
            8 + i % 12
        );
    }
    s
}

/// The same rules for python-dateutil: `python3 expand.py CLASSES` prints the number of
/// occurrences and the seconds the expansion took (no parsing, no output).
const DATEUTIL: &str = r#"import sys, time
from datetime import datetime
from dateutil import tz
from dateutil.rrule import rrule, WEEKLY, MO, TU, WE, TH, FR

classes = int(sys.argv[1])
zone = tz.gettz("Asia/Shanghai")
days = [MO, TU, WE, TH, FR]
until = datetime(2027, 12, 19, 23, 59, 59, tzinfo=zone)
started = time.perf_counter()
n = 0
for i in range(classes):
    start = datetime(2027, 1, 4, 8 + i % 12, 0, tzinfo=zone)
    n += sum(1 for _ in rrule(WEEKLY, byweekday=days[i % 5], dtstart=start, until=until))
elapsed = time.perf_counter() - started
assert n == classes * 50, n
print(n, elapsed)
"#;

fn dateutil_available() -> bool {
    Command::new("python3")
        .args(["-c", "import dateutil.rrule"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A ledger holding every session of `term` as `apply` leaves it once compacted: one
/// `created` line per session with the body it planned, taken from the JSON plan, in
/// the order compaction leaves them (by key, not the plan's order by time).
fn write_full_ledger(binary: &Path, term: &Path, ledger: &Path) {
    let mut plan = Command::new(binary)
        .args(["plan", "--format", "json", "--now", NOW])
        .arg(term)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run plan");
    let stdout = std::io::BufReader::new(plan.stdout.take().expect("stdout"));
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut write = |live: Live| {
        let line = format!(
            "{{\"key\":{},\"event\":\"created\",\"livingid\":\"lv{:08}\",\"at\":\"2026-11-30T00:00:00Z\",\"request\":{}}}",
            serde_json::Value::String(live.key.clone()),
            lines.len(),
            live.request
        );
        lines.push((live.key, line));
    };
    let mut de = serde_json::Deserializer::from_reader(stdout);
    serde::de::DeserializeSeed::deserialize(EachLive(&mut write), &mut de).expect("JSON plan");
    assert!(plan.wait().expect("plan").success(), "plan failed");
    lines.sort_unstable();
    let mut out = std::io::BufWriter::new(std::fs::File::create(ledger).expect("ledger"));
    for (_, line) in lines {
        writeln!(out, "{line}").expect("write ledger");
    }
    out.flush().expect("write ledger");
}

#[derive(serde::Deserialize)]
struct Live {
    key: String,
    request: serde_json::Value,
}

/// The JSON plan, calling a function with each of its `lives` rather than keeping them.
struct EachLive<'f, F>(&'f mut F);

impl<'de, F: FnMut(Live)> serde::de::DeserializeSeed<'de> for EachLive<'_, F> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(Live)> serde::de::Visitor<'de> for EachLive<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON plan")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(field) = map.next_key::<String>()? {
            if field == "lives" {
                map.next_value_seed(EachLive(&mut *self.0))?;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(live) = seq.next_element::<Live>()? {
            (self.0)(live);
        }
        Ok(())
    }
}

struct Rerun {
    samples: Vec<Sample>,
    /// Calls the simulator saw during the re-runs.
    calls: u64,
}

/// Applies a 10,000-session term to an in-process simulator, then times `apply` run
/// again `runs` times: nothing to do, so no call should be made.
fn apply_rerun(binary: &Path, dir: &Path, runs: usize) -> Rerun {
    std::fs::write(dir.join("applied.yaml"), generated_term(200, 50)).expect("write term");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let sim = runtime
        .block_on(livesched::sim::start(SimConfig {
            now: Some(NOW.parse().expect("now")),
            per_minute_limit: 1_000_000,
            creates_per_day: 1_000_000,
            ..SimConfig::default()
        }))
        .expect("simulator starts");
    let base = sim.base_url();
    let apply = |extra: &[&str]| {
        let mut args = args(&[
            "apply",
            "applied.yaml",
            "--yes",
            "--now",
            NOW,
            "--api-base",
            &base,
        ]);
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let env = [
        ("WECOM_CORPID", "sim-corp"),
        ("WECOM_CORPSECRET", "sim-secret"),
    ];
    let first = apply(&["--rate", "0", "--concurrency", "64"]);
    let (_, ok) = measure(binary, &first, dir, &env, Stdio::null());
    assert!(ok, "the first apply failed");
    let calls = |sim: &livesched::sim::SimServer| sim.stats().calls.values().sum::<u64>();
    let before = calls(&sim);
    let mut samples = Vec::new();
    for _ in 0..runs {
        let (sample, ok) = measure(binary, &apply(&[]), dir, &env, Stdio::null());
        assert!(ok, "apply again failed");
        samples.push(sample);
    }
    let made = calls(&sim) - before;
    runtime.block_on(sim.shutdown());
    runtime.shutdown_timeout(Duration::from_secs(1));
    Rerun {
        samples,
        calls: made,
    }
}
