//! What the user asked for, as plain validated data: the engine's only input.
//! It knows nothing of clap (see `cli`) nor of the simulator.

use std::path::PathBuf;

use jiff::Timestamp;

#[derive(Debug)]
pub struct ValidateJob {
    pub files: Vec<PathBuf>,
    pub strict: bool,
    pub input: Input,
}

/// How far a schedule may take the tool: which files it may name, how many
/// sessions it may expand to. A schedule from a pull request is untrusted.
#[derive(Debug, Clone, Copy)]
pub struct Input {
    /// Files the schedule names may be outside the current folder's tree.
    pub allow_outside: bool,
    pub max_sessions: usize,
    /// Use a ledger even when it holds no session of the schedule's classes.
    pub accept_ledger: bool,
}

impl Default for Input {
    fn default() -> Self {
        Input {
            allow_outside: false,
            max_sessions: crate::plan::MAX_SESSIONS,
            accept_ledger: false,
        }
    }
}

impl Input {
    pub fn limits(&self) -> crate::plan::Limits {
        crate::plan::Limits {
            reach: if self.allow_outside {
                crate::schedule::Reach::Anywhere
            } else {
                crate::schedule::Reach::current_dir()
            },
            max_sessions: self.max_sessions,
        }
    }
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

/// The schedules a command runs over, as the command line names them, and how
/// they are read: every command that takes FILE takes several, or a directory.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Schedule files, and directories to search for `*.yaml` and `*.yml`.
    pub paths: Vec<PathBuf>,
    /// `--ledger`: the ledger of the one schedule named. `None`: beside each schedule.
    pub ledger: Option<PathBuf>,
    /// `--sandbox`: the ledgers the sandbox keeps, and for commands that call
    /// WeCom, the built-in simulator in its place.
    pub sandbox: bool,
    /// Warnings are errors, across files too.
    pub strict: bool,
    /// Go on with the valid schedules when some are invalid (the exit code is then 3).
    pub skip_invalid: bool,
    pub input: Input,
}

impl Inputs {
    /// These inputs, read within `input`'s limits.
    pub fn with(self, input: Input) -> Inputs {
        Inputs { input, ..self }
    }
}

#[derive(Debug)]
pub struct PlanJob {
    pub inputs: Inputs,
    pub format: OutputFormat,
    pub now: Timestamp,
    pub detailed_exitcode: bool,
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFormat {
    Table,
    Json,
}

#[derive(Debug)]
pub struct StatusJob {
    pub inputs: Inputs,
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
    /// Across the whole run, not per schedule.
    pub max_creates: Option<usize>,
    pub recreate_cancelled: bool,
}

/// Schedules, their ledgers, and how to reach WeCom: what every command that calls it needs.
#[derive(Debug)]
pub struct RemoteJob {
    pub inputs: Inputs,
    pub yes: bool,
    pub now: Timestamp,
    /// Calls per `rate_window` (a minute); `None`: no limit.
    pub rate: Option<u32>,
    pub rate_window: std::time::Duration,
    pub concurrency: u32,
    pub api_base: String,
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
