//! What an apply did, for the closing summary and `--report`.

use serde::Serialize;

use crate::exit_codes::ExitCode;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub created: usize,
    pub adopted: usize,
    pub modified: usize,
    pub cancelled: usize,
    /// Created anew with the old live cancelled (anchor or pictures changed).
    pub replaced: usize,
    pub unchanged: usize,
    /// Cancelled in WeCom by a person and left so (see `--recreate-cancelled`).
    pub drifted: usize,
    pub past: usize,
    /// Sessions left for a later run by `--max-creates` or an interruption.
    pub deferred: usize,
    pub failed: Vec<Failure>,
    pub interrupted: bool,
    /// Set when a fatal error (bad credentials, wrong API base) stopped the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fatal: Option<String>,
    pub elapsed_seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub key: String,
    pub action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errcode: Option<i64>,
    pub error: String,
}

impl Summary {
    /// The exit code this run calls for: a fatal stop, then an interruption,
    /// then any failed session.
    pub fn exit_code(&self) -> ExitCode {
        if self.fatal.is_some() {
            ExitCode::ERROR
        } else if self.interrupted {
            ExitCode::INTERRUPTED
        } else if !self.failed.is_empty() {
            ExitCode::PARTIAL_FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }

    /// One paragraph for a person: the counts, then each failure on its own line.
    pub fn render(&self) -> String {
        self.headline() + &self.failures() + &self.ending()
    }

    /// The counts and the time taken, on one line.
    pub fn headline(&self) -> String {
        let mut parts = Vec::new();
        for (n, what) in [
            (self.created, "created"),
            (self.adopted, "adopted"),
            (self.modified, "modified"),
            (self.cancelled, "cancelled"),
            (self.replaced, "replaced"),
            (self.unchanged, "unchanged"),
            (self.drifted, "cancelled in WeCom, left so"),
            (self.past, "past (not touched)"),
            (self.deferred, "left for the next run"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        if !self.failed.is_empty() {
            parts.push(format!("{} failed", self.failed.len()));
        }
        let acted =
            self.created + self.adopted + self.modified + self.cancelled + self.failed.len();
        let mut out = match (acted, parts.is_empty()) {
            (_, true) => "nothing to do".to_string(),
            (0, false) => format!("nothing to do: {}", parts.join(", ")),
            _ => parts.join(", "),
        };
        out.push_str(&format!(" in {:.1}s\n", self.elapsed_seconds));
        out
    }

    /// Each failure on its own line.
    pub fn failures(&self) -> String {
        let mut out = String::new();
        for f in &self.failed {
            out.push_str(&format!(
                "  failed to {} `{}`: {}\n",
                f.action, f.key, f.error
            ));
        }
        out
    }

    /// Why the run ended early, if it did.
    pub fn ending(&self) -> String {
        let mut out = String::new();
        if self.interrupted {
            out.push_str("interrupted: calls in flight were recorded; run again to finish\n");
        }
        if let Some(fatal) = &self.fatal {
            out.push_str(&format!("stopped: {fatal}\n"));
        }
        out
    }

    /// Adds `other`'s counts, failures and time: the total of a run over many schedules.
    pub fn add(&mut self, other: &Summary) {
        self.created += other.created;
        self.adopted += other.adopted;
        self.modified += other.modified;
        self.cancelled += other.cancelled;
        self.replaced += other.replaced;
        self.unchanged += other.unchanged;
        self.drifted += other.drifted;
        self.past += other.past;
        self.deferred += other.deferred;
        self.failed.extend(other.failed.iter().cloned());
        self.interrupted |= other.interrupted;
        if self.fatal.is_none() {
            self.fatal.clone_from(&other.fatal);
        }
        self.elapsed_seconds += other.elapsed_seconds;
    }
}
