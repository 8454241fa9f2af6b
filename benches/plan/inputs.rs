//! What the plan bench runs on: the generated terms, dateutil's script for the
//! same rules, the full ledger, and the applied term `apply` runs again.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use livesched::sim::SimConfig;

use super::{NOW, Sample, args, measure};

const WEEKDAYS: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];

/// `classes` classes, each once a week on a weekday at a whole hour from 8:00 to 19:00,
/// over `weeks` weeks from Monday 2027-01-04 (50 weeks end on 2027-12-19): `weeks`
/// sessions each.
pub(crate) fn generated_term(classes: usize, weeks: i64) -> String {
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
pub(crate) const DATEUTIL: &str = r#"import sys, time
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

pub(crate) fn dateutil_available() -> bool {
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
pub(crate) fn write_full_ledger(binary: &Path, term: &Path, ledger: &Path) {
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

pub(crate) struct Rerun {
    pub samples: Vec<Sample>,
    /// Calls the simulator saw during the re-runs.
    pub calls: u64,
}

/// Applies a 10,000-session term to an in-process simulator, then times `apply` run
/// again `runs` times: nothing to do, so no call should be made.
pub(crate) fn apply_rerun(binary: &Path, dir: &Path, runs: usize) -> Rerun {
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
