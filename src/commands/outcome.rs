//! What a run over one schedule or many did: told to a person on stderr, written
//! to `--report`, and summed up in one exit code (the worst).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::apply::Summary;
use crate::error::Error;
use crate::exit_codes::ExitCode;

/// A run's outcome: each schedule's summary, and the schedules `--skip-invalid` left out.
pub(super) struct Outcome {
    pub parts: Vec<Part>,
    pub skipped: Vec<PathBuf>,
}

/// What the run did for one schedule.
pub(super) struct Part {
    pub file: PathBuf,
    pub ledger: PathBuf,
    pub summary: Summary,
}

impl Outcome {
    /// Whether the run named several schedules: then each is told apart, and totalled.
    fn is_many(&self) -> bool {
        self.parts.len() + self.skipped.len() > 1
    }

    /// Every schedule's counts together.
    pub fn total(&self) -> Summary {
        let mut total = Summary::default();
        for part in &self.parts {
            total.add(&part.summary);
        }
        total
    }

    /// The summary on stderr: as ever for one schedule; for several, a line (and
    /// the failures) per schedule, then the total.
    pub fn print(&self) {
        let total = self.total();
        if !self.is_many() {
            eprint!("{}", total.render());
            return;
        }
        for part in &self.parts {
            let s = &part.summary;
            eprint!(
                "`{}`: {}{}",
                part.file.display(),
                s.headline(),
                s.failures()
            );
        }
        for file in &self.skipped {
            eprintln!("`{}`: skipped, invalid", file.display());
        }
        eprint!("total: {}{}", total.headline(), total.ending());
    }

    /// `--report`: the summary for one schedule; for several, `{"files": [the
    /// summary with its `file` and `ledger`…], "total": …, "skipped": [FILE…]}`.
    pub fn write_report(&self, path: Option<&Path>) -> Result<(), Error> {
        let Some(path) = path else { return Ok(()) };
        let doc = if self.is_many() {
            let files: Vec<Value> = self
                .parts
                .iter()
                .map(|part| {
                    let mut v = json!(part.summary);
                    v["file"] = json!(part.file.display().to_string());
                    v["ledger"] = json!(part.ledger.display().to_string());
                    v
                })
                .collect();
            let skipped: Vec<String> = self
                .skipped
                .iter()
                .map(|f| f.display().to_string())
                .collect();
            json!({ "files": files, "total": self.total(), "skipped": skipped })
        } else {
            json!(self.total())
        };
        let body = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
        std::fs::write(path, body).map_err(|err| Error::io("write the report to", path, err))
    }

    /// The worst outcome of any schedule; 3 when one was skipped as invalid.
    pub fn exit_code(&self) -> ExitCode {
        let skipped = if self.skipped.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::INVALID_INPUT
        };
        self.total().exit_code().merge(skipped)
    }
}
