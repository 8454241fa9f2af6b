//! Progress of an apply: an indicatif bar on a terminal, a plain line every few
//! seconds otherwise (CI logs), and messages printed above the bar without tearing.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often a plain progress line is printed when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    terminal: bool,
    done: Arc<AtomicU64>,
    failed: Arc<AtomicUsize>,
    /// Failures of the schedules already done, in a run over several.
    failed_before: Arc<AtomicUsize>,
    total: Arc<AtomicU64>,
    started: Instant,
    /// What the plain lines say is under way: `apply`, `attendance`.
    label: &'static str,
}

impl Progress {
    pub fn new(total: u64) -> Progress {
        Progress::labelled(total, "apply")
    }

    /// A progress whose plain lines begin with `label`.
    pub fn labelled(total: u64, label: &'static str) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let bar = if terminal {
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {rate} ETA {eta} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.1}/s", state.per_sec());
                },
            ),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        if terminal {
            crate::logging::set_bar(&bar);
        }
        Progress {
            bar,
            terminal,
            done: Arc::new(AtomicU64::new(0)),
            failed: Arc::new(AtomicUsize::new(0)),
            failed_before: Arc::new(AtomicUsize::new(0)),
            total: Arc::new(AtomicU64::new(total)),
            started: Instant::now(),
            label,
        }
    }

    /// One task done; `failed` counts the failures of the current schedule's tasks.
    pub fn inc(&self, failed: usize) {
        let failed = failed + self.failed_before.load(Ordering::Relaxed);
        self.done.fetch_add(1, Ordering::Relaxed);
        self.failed.store(failed, Ordering::Relaxed);
        self.bar.inc(1);
        if failed > 0 {
            self.bar.set_message(format!("({failed} failed)"));
        }
    }

    /// The next schedule of the run starts: its failures add to `failed` of those before.
    pub fn next_schedule(&self, failed: usize) {
        self.failed_before.fetch_add(failed, Ordering::Relaxed);
    }

    /// The number of tasks, once the lookup before the creates has settled it.
    pub fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        self.bar.set_length(total);
    }

    /// A line above the bar (or on its own without one).
    pub fn println(&self, line: &str) {
        if self.terminal {
            self.bar.println(line);
        } else {
            eprintln!("{line}");
        }
    }

    /// On a non-terminal, prints a line every few seconds until the returned task is aborted.
    pub fn spawn_plain_lines(&self) -> Option<tokio::task::JoinHandle<()>> {
        if self.terminal || self.total.load(Ordering::Relaxed) == 0 {
            return None;
        }
        let me = self.clone();
        Some(tokio::spawn(async move {
            let mut tick = tokio::time::interval(PLAIN_EVERY);
            tick.tick().await;
            loop {
                tick.tick().await;
                let done = me.done.load(Ordering::Relaxed);
                let secs = me.started.elapsed().as_secs_f64().max(0.001);
                eprintln!(
                    "{}: {done}/{} done, {} failed, {:.1}/s",
                    me.label,
                    me.total.load(Ordering::Relaxed),
                    me.failed.load(Ordering::Relaxed),
                    done as f64 / secs
                );
            }
        }))
    }

    pub fn finish(&self) {
        crate::logging::forget_bar();
        self.bar.finish_and_clear();
    }
}
