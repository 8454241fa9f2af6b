//! What the user asked for, as plain validated data: the engine's only input.
//! It knows nothing of clap (see `cli`) nor of the simulator.

use std::path::PathBuf;

use jiff::Timestamp;

#[derive(Debug)]
pub struct ValidateJob {
    pub files: Vec<PathBuf>,
    pub strict: bool,
}

/// What `plan` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// The session table before anything is applied, the diff after.
    Auto,
    Table,
    /// What `apply` would change, Terraform-style.
    Diff,
    Json,
    Csv,
    Ics,
    Html,
}

#[derive(Debug)]
pub struct PlanJob {
    pub file: PathBuf,
    /// `None`: beside the schedule.
    pub ledger: Option<PathBuf>,
    pub format: OutputFormat,
    pub now: Timestamp,
    pub detailed_exitcode: bool,
    pub verbose: bool,
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFormat {
    Table,
    Json,
}

#[derive(Debug)]
pub struct StatusJob {
    pub file: PathBuf,
    /// `None`: beside the schedule.
    pub ledger: Option<PathBuf>,
    pub format: StatusFormat,
    pub now: Timestamp,
}

/// The shells `livesched completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// `--now`: RFC 3339 with an offset, e.g. `2027-01-04T09:00:00+08:00`.
pub fn parse_now(s: Option<&str>) -> Result<Timestamp, String> {
    match s {
        None => Ok(Timestamp::now()),
        Some(s) => s.parse().map_err(|_| {
            format!("invalid `--now` value `{s}`: expected an RFC 3339 time like `2027-01-04T09:00:00+08:00`")
        }),
    }
}

/// Credentials for WeCom, from `WECOM_CORPID` and `WECOM_CORPSECRET`.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub corpid: String,
    pub secret: crate::wecom::Secret,
}

#[derive(Debug)]
pub struct ApplyJob {
    pub remote: RemoteJob,
    pub max_creates: Option<usize>,
    pub strict: bool,
    pub recreate_cancelled: bool,
}

/// A schedule, its ledger, and how to reach WeCom: what every command that calls it needs.
#[derive(Debug)]
pub struct RemoteJob {
    pub file: std::path::PathBuf,
    pub ledger: Option<std::path::PathBuf>,
    pub yes: bool,
    pub now: Timestamp,
    pub rate: Option<u32>,
    pub concurrency: u32,
    pub api_base: String,
    pub sandbox: bool,
    pub report: Option<std::path::PathBuf>,
    pub credentials: Option<Credentials>,
    /// How long a call may take before its reply counts as lost.
    pub request_timeout: std::time::Duration,
    /// How long the queue pauses after WeCom's quota error 45009.
    pub quota_pause: std::time::Duration,
}

/// What `attendance` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendanceFormat {
    Table,
    Csv,
    Json,
    Html,
    Xlsx,
}

impl AttendanceFormat {
    /// The format a file name's extension asks for (`report.xlsx`), if any.
    pub fn of_path(path: &std::path::Path) -> Option<AttendanceFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => Self::Csv,
            "json" => Self::Json,
            "html" | "htm" => Self::Html,
            "xlsx" => Self::Xlsx,
            "txt" => Self::Table,
            _ => return None,
        })
    }
}

#[derive(Debug)]
pub struct AttendanceJob {
    pub remote: RemoteJob,
    /// When a learner counts as having attended a session.
    pub rule: crate::attendance::Rule,
    /// As asked; `None`: from `--out`'s extension, else a table.
    pub format: Option<AttendanceFormat>,
    /// Where to write it; `None`: stdout.
    pub out: Option<PathBuf>,
    /// Exit 5 when a rostered learner's completion is below this share.
    pub fail_under: Option<f64>,
    /// CSV: one row per session × learner.
    pub detail: bool,
    /// A live is read again until a reading taken this long after it ended is kept
    /// (replays add watch time).
    pub reread: jiff::SignedDuration,
}

impl AttendanceJob {
    /// The format to write.
    pub fn format(&self) -> AttendanceFormat {
        self.format
            .or_else(|| self.out.as_deref().and_then(AttendanceFormat::of_path))
            .unwrap_or(AttendanceFormat::Table)
    }
}
