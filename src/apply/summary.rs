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
        for f in &self.failed {
            out.push_str(&format!(
                "  failed to {} `{}`: {}\n",
                f.action, f.key, f.error
            ));
        }
        if self.interrupted {
            out.push_str("interrupted: calls in flight were recorded; run again to finish\n");
        }
        if let Some(fatal) = &self.fatal {
            out.push_str(&format!("stopped: {fatal}\n"));
        }
        out
    }
}
