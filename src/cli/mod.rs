//! Command-line arguments (clap derive). Nothing outside this module sees clap types.

mod sim;
mod values;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands::Job;
use crate::config::{
    ApplyJob, AttendanceFormat, AttendanceJob, Credentials, Input, Inputs, OutputFormat, PlanJob,
    RemoteJob, Shell, StatusFormat, StatusJob, ValidateJob, parse_now,
};

pub use sim::SimArgs;

/// Turn a term's timetable into WeCom (企业微信) scheduled lives, declaratively.
#[derive(Debug, Parser)]
#[command(name = "livesched", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "\
Examples:
  livesched validate schedules/spring-2027.yaml
  livesched plan schedules/spring-2027.yaml --now 2027-01-04T09:00:00+08:00
  livesched plan schedules/spring-2027.yaml --format ics > spring.ics";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check schedule files and report every problem; calls nothing.
    #[command(
        after_help = "Examples:\n  livesched validate schedules/spring-2027.yaml\n  livesched validate --strict term.yaml other.yaml\n  livesched validate --strict schedules/        # every schedule under it, and across them"
    )]
    Validate(ValidateArgs),
    /// Show every session of a term and what `apply` would do.
    #[command(
        after_help = "Examples:\n  livesched plan spring.yaml\n  livesched plan spring.yaml --format json --now 2027-01-04T09:00:00+08:00\n  livesched plan spring.yaml --detailed-exitcode   # 0 no changes, 2 changes, 1 error\n  livesched plan schedules/ --format json         # {\"files\": [one document per schedule]}"
    )]
    Plan(PlanArgs),
    /// Create, modify, replace and cancel lives until WeCom matches the file.
    #[command(after_help = APPLY_EXAMPLES)]
    Apply(Box<ApplyArgs>),
    /// Read every live back from WeCom and record what changed there (drift).
    #[command(
        after_help = "Examples:\n  livesched refresh spring.yaml && livesched plan spring.yaml\n  livesched refresh schedules/\n\nA live cancelled in the WeCom app is then shown as drifted and left so;\n`apply --recreate-cancelled` creates it again."
    )]
    Refresh(Box<RemoteArgs>),
    /// Cancel every future live the ledger holds for FILE.
    #[command(
        after_help = "Examples:\n  livesched destroy spring.yaml            # asks first\n  livesched destroy spring.yaml --yes --report destroy.json\n  livesched destroy schedules/ --sandbox"
    )]
    Destroy(Box<RemoteArgs>),
    /// Adopt lives that already exist in WeCom (made by hand, or by a run whose
    /// ledger was lost) for the sessions they match, by anchor, theme and start.
    #[command(
        after_help = "Examples:\n  livesched import spring.yaml --yes && livesched apply spring.yaml --yes\n  livesched import schedules/ --yes"
    )]
    Import(Box<RemoteArgs>),
    /// Who came: read WeCom's watch statistics of the lives that ended and report
    /// per class and learner.
    #[command(after_help = ATTENDANCE_EXAMPLES)]
    Attendance(Box<AttendanceArgs>),
    /// Run the WeCom simulator on a loopback address.
    Sim(Box<SimArgs>),
    /// Count what the ledger holds against the plan, and show the sessions coming up next.
    #[command(
        after_help = "Examples:\n  livesched status spring.yaml\n  livesched status spring.yaml --format json --now 2027-03-01T00:00:00+08:00\n  livesched apply schedules/ --sandbox && livesched status schedules/ --sandbox"
    )]
    Status(StatusArgs),
    /// Print shell completions to stdout.
    #[command(
        after_help = "Examples:\n  livesched completions bash > ~/.local/share/bash-completion/completions/livesched\n  livesched completions zsh > ~/.zfunc/_livesched\n  livesched completions fish > ~/.config/fish/completions/livesched.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout.
    #[command(
        after_help = "Examples:\n  livesched man > livesched.1 && man ./livesched.1\n  livesched man plan > livesched-plan.1"
    )]
    Man(ManArgs),
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Schedule files, or directories to search for `*.yaml` and `*.yml`.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
    /// The ledger of the one FILE [default: beside each FILE, `NAME.ledger.jsonl`].
    #[arg(long, value_name = "PATH")]
    pub ledger: Option<PathBuf>,
    /// Read the ledgers `apply --sandbox` keeps (under `.livesched-sandbox/` beside each FILE).
    #[arg(long)]
    pub sandbox: bool,
    /// Go on with the valid schedules when some are invalid; the exit code is then 3.
    #[arg(long)]
    pub skip_invalid: bool,
    /// What "now" is (RFC 3339); sessions that start before it are past.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Table)]
    pub format: StatusFormat,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// A command's own page (e.g. `plan`) instead of the overview.
    pub command: Option<String>,
}

const APPLY_EXAMPLES: &str = "\
Examples:
  livesched apply schedules/spring-2027.yaml --sandbox        # try it on the built-in simulator
  WECOM_CORPID=ww… WECOM_CORPSECRET=… livesched apply spring.yaml --yes --report apply.json
  livesched apply schedules/ --yes    # every schedule under it: one plan, one quota, one report

Credentials come from WECOM_CORPID and WECOM_CORPSECRET; WECOM_API_BASE (or --api-base)
points at another host, e.g. a private deployment or `livesched sim`.";

#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// Create at most N lives in this run, all schedules together (WeCom allows
    /// 10,000 per app per day).
    #[arg(long, value_name = "N")]
    pub max_creates: Option<usize>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// Create again the sessions whose live a person cancelled in WeCom (found by `refresh`).
    #[arg(long)]
    pub recreate_cancelled: bool,
    /// How long the queue pauses after WeCom's quota error 45009 (tests shorten it).
    #[arg(long, value_name = "DURATION", default_value = QUOTA_PAUSE, hide = true)]
    pub quota_pause: String,
    /// What `--rate` counts calls over: WeCom's minute (tests shrink it to a second,
    /// a scale model of the minute quota).
    #[arg(long, value_name = "DURATION", default_value = "60s", hide = true)]
    pub rate_window: String,
}

/// What a schedule may make the tool do; on every command that reads one.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Let the schedule name files (classes_from, calendars, pictures) outside the
    /// current folder's tree.
    #[arg(long)]
    pub allow_outside: bool,
    /// Refuse a schedule that expands to more sessions than this.
    #[arg(long, value_name = "N", default_value_t = crate::plan::MAX_SESSIONS)]
    pub max_sessions: usize,
    /// Use the ledger even if it holds no session of the schedule's classes
    /// (every class renamed); otherwise such a ledger is taken for another schedule's.
    #[arg(long)]
    pub accept_ledger: bool,
}

impl InputArgs {
    fn input(&self) -> Input {
        Input {
            allow_outside: self.allow_outside,
            max_sessions: self.max_sessions,
            accept_ledger: self.accept_ledger,
        }
    }
}

/// Arguments of every command that calls WeCom.
#[derive(Debug, clap::Args)]
pub struct RemoteArgs {
    /// Schedule files, or directories to search for `*.yaml` and `*.yml`: one run,
    /// one quota, each schedule with its own ledger.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
    /// The ledger of the one FILE [default: beside each FILE, `NAME.ledger.jsonl`].
    #[arg(long, value_name = "PATH")]
    pub ledger: Option<PathBuf>,
    /// Go on with the valid schedules when some are invalid; the exit code is then 3.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Go ahead without asking (needed without a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// What "now" is (RFC 3339); sessions that start before it are never touched.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Calls per minute, all APIs together; 0 for no limit (simulators only)
    /// [default: 1000, or 6000 with --sandbox].
    #[arg(long, value_name = "N")]
    pub rate: Option<u32>,
    /// Calls in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: u32,
    /// The WeCom API base.
    #[arg(long, value_name = "URL", env = "WECOM_API_BASE", default_value = crate::wecom::DEFAULT_API_BASE)]
    pub api_base: String,
    /// Run against the built-in simulator, with its state and the ledgers under
    /// `.livesched-sandbox/` beside each FILE; no account needed.
    #[arg(long)]
    pub sandbox: bool,
    /// Write a JSON summary of the run to PATH (with several schedules: each, and the total).
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// How long a call may take before its reply counts as lost (tests shorten it).
    #[arg(long, value_name = "DURATION", default_value = "30s", hide = true)]
    pub request_timeout: String,
}

const ATTENDANCE_EXAMPLES: &str = "\
Examples:
  livesched attendance spring.yaml                          # a table per class
  livesched attendance spring.yaml --out attendance.xlsx    # the format from the extension
  livesched attendance spring.yaml --format csv --min-minutes 45 > attendance.csv
  livesched attendance spring.yaml --format html --out attendance.html --fail-under 80%
  livesched attendance schedules/ --format json             # {\"files\": [one report per schedule]}

Only lives that should have ended by now are read, each once a run; what was read is kept
in `NAME.attendance.jsonl` beside the ledger, so the next run reads only the lives that
ended since, and again those last read less than `--reread-days` after they ended
(replays add watch time for days).
Exit codes: 0 done, 4 some lives could not be read, 5 `--fail-under` not met, 130 Ctrl-C.";

/// Arguments of `attendance`.
#[derive(Debug, clap::Args)]
pub struct AttendanceArgs {
    /// Schedule files, or directories to search for `*.yaml` and `*.yml`: one run,
    /// one gate, a report per schedule.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
    /// The ledger of the one FILE [default: beside each FILE, `NAME.ledger.jsonl`].
    #[arg(long, value_name = "PATH")]
    pub ledger: Option<PathBuf>,
    /// Go on with the valid schedules when some are invalid; the exit code is then 3.
    #[arg(long)]
    pub skip_invalid: bool,
    /// What "now" is (RFC 3339); lives scheduled to end after it are not read yet.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// A learner attended a session by watching this share of its scheduled length.
    #[arg(long, value_name = "SHARE", default_value = "50%", value_parser = crate::attendance::parse_share, conflicts_with = "min_minutes")]
    pub threshold: f64,
    /// A learner attended a session by watching at least this many minutes of it.
    #[arg(long, value_name = "N")]
    pub min_minutes: Option<u32>,
    /// Output format [default: from `--out`'s extension, else table].
    #[arg(long, value_enum)]
    pub format: Option<AttendanceFormat>,
    /// Write to PATH instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Exit 5 when any rostered learner's completion is below SHARE, e.g. `80%`.
    #[arg(long, value_name = "SHARE", value_parser = crate::attendance::parse_share)]
    pub fail_under: Option<f64>,
    /// CSV: one row per session × learner instead of per class × learner.
    #[arg(long)]
    pub detail: bool,
    /// Read a live again until a reading taken N days after it ended is kept: replays
    /// add watch time.
    #[arg(long, value_name = "N", default_value_t = 7)]
    pub reread_days: u32,
    /// Calls per minute, all APIs together; 0 for no limit (simulators only)
    /// [default: 1000, or 6000 with --sandbox].
    #[arg(long, value_name = "N")]
    pub rate: Option<u32>,
    /// Calls in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: u32,
    /// The WeCom API base.
    #[arg(long, value_name = "URL", env = "WECOM_API_BASE", default_value = crate::wecom::DEFAULT_API_BASE)]
    pub api_base: String,
    /// Read from the built-in simulator that `apply --sandbox` used, its corp made of
    /// the schedule's anchors and learners; no account needed.
    #[arg(long)]
    pub sandbox: bool,
    /// How long a call may take before its reply counts as lost (tests shorten it).
    #[arg(long, value_name = "DURATION", default_value = "30s", hide = true)]
    pub request_timeout: String,
    /// How long the queue pauses after WeCom's quota error 45009 (tests shorten it).
    #[arg(long, value_name = "DURATION", default_value = QUOTA_PAUSE, hide = true)]
    pub quota_pause: String,
}

impl AttendanceArgs {
    fn into_job(self) -> Result<AttendanceJob, String> {
        let remote = RemoteArgs {
            files: self.files,
            input: self.input,
            skip_invalid: self.skip_invalid,
            ledger: self.ledger,
            yes: false,
            now: self.now,
            rate: self.rate,
            concurrency: self.concurrency,
            api_base: self.api_base,
            sandbox: self.sandbox,
            report: None,
            request_timeout: self.request_timeout,
        };
        Ok(AttendanceJob {
            remote: remote_job(remote, false, &self.quota_pause, "60s")?,
            rule: match self.min_minutes {
                Some(m) => crate::attendance::Rule::MinMinutes(m),
                None => crate::attendance::Rule::Threshold(self.threshold),
            },
            format: self.format,
            out: self.out,
            fail_under: self.fail_under,
            detail: self.detail,
            reread: jiff::SignedDuration::from_hours(24 * i64::from(self.reread_days)),
        })
    }
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Schedule files (YAML; CSV class files are checked through `classes_from`),
    /// or directories to search for `*.yaml` and `*.yml`.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Schedule files, or directories to search for `*.yaml` and `*.yml`.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
    /// The ledger of the one FILE [default: beside each FILE, `NAME.ledger.jsonl`].
    #[arg(long, value_name = "PATH")]
    pub ledger: Option<PathBuf>,
    /// Compare with the ledgers `apply --sandbox` keeps (under `.livesched-sandbox/` beside each FILE).
    #[arg(long)]
    pub sandbox: bool,
    /// Go on with the valid schedules when some are invalid; the exit code is then 3.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Auto)]
    pub format: OutputFormat,
    /// List unchanged and past sessions in the diff too.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// What "now" is (RFC 3339); sessions that start before it are past.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Exit 0 when there is nothing to do, 2 when any schedule has changes, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
}

impl Cli {
    /// The plain job this command line asks for.
    pub fn into_job(self) -> Result<Job, String> {
        Ok(match self.command {
            Command::Validate(a) => Job::Validate(ValidateJob {
                input: a.input.input(),
                files: a.files,
                strict: a.strict,
            }),
            Command::Plan(a) => Job::Plan(PlanJob {
                inputs: inputs(a.files, a.ledger, a.sandbox, a.strict, a.skip_invalid)?
                    .with(a.input.input()),
                format: a.format,
                now: parse_now(a.now.as_deref())?,
                detailed_exitcode: a.detailed_exitcode,
                verbose: a.verbose,
            }),
            Command::Apply(a) => Job::Apply(Box::new(ApplyJob {
                remote: remote_job(a.remote, a.strict, &a.quota_pause, &a.rate_window)?,
                max_creates: a.max_creates,
                recreate_cancelled: a.recreate_cancelled,
            })),
            Command::Status(a) => Job::Status(StatusJob {
                inputs: inputs(a.files, a.ledger, a.sandbox, false, a.skip_invalid)?
                    .with(a.input.input()),
                format: a.format,
                now: parse_now(a.now.as_deref())?,
            }),
            Command::Completions(a) => Job::Completions(a.shell),
            Command::Man(a) => Job::Man(a.command),
            Command::Refresh(a) => Job::Refresh(Box::new(reading_job(*a)?)),
            Command::Destroy(a) => Job::Destroy(Box::new(reading_job(*a)?)),
            Command::Import(a) => Job::Import(Box::new(reading_job(*a)?)),
            Command::Attendance(a) => Job::Attendance(Box::new(a.into_job()?)),
            Command::Sim(a) => Job::Sim(Box::new(a.into_config().map_err(|e| e.to_string())?)),
        })
    }
}

/// WeCom's minute quota, once exceeded, blocks for the rest of the minute.
const QUOTA_PAUSE: &str = "60s";

/// The schedules named, and how to read them. `--ledger` names one schedule's
/// ledger: with several FILEs it is refused here, with a directory once it is searched.
fn inputs(
    paths: Vec<PathBuf>,
    ledger: Option<PathBuf>,
    sandbox: bool,
    strict: bool,
    skip_invalid: bool,
) -> Result<Inputs, String> {
    if ledger.is_some() && paths.len() > 1 {
        return Err(LEDGER_OF_ONE.to_string());
    }
    Ok(Inputs {
        paths,
        ledger,
        sandbox,
        strict,
        skip_invalid,
        input: Input::default(),
    })
}

/// Why `--ledger` is refused with several schedules.
pub const LEDGER_OF_ONE: &str =
    "`--ledger` names the ledger of one schedule; with several, each keeps its own beside it";

/// `refresh`, `destroy` and `import`: no `--strict`, WeCom's own quota pause.
fn reading_job(a: RemoteArgs) -> Result<RemoteJob, String> {
    remote_job(a, false, QUOTA_PAUSE, "60s")
}

fn remote_job(
    a: RemoteArgs,
    strict: bool,
    quota_pause: &str,
    rate_window: &str,
) -> Result<RemoteJob, String> {
    Ok(RemoteJob {
        request_timeout: seconds(&a.request_timeout, "--request-timeout")?,
        quota_pause: seconds(quota_pause, "--quota-pause")?,
        rate_window: seconds(rate_window, "--rate-window")?,
        now: parse_now(a.now.as_deref())?,
        rate: match a.rate.unwrap_or(if a.sandbox { 6000 } else { 1000 }) {
            0 => None,
            n => Some(n),
        },
        concurrency: a.concurrency,
        credentials: if a.sandbox {
            None
        } else {
            credentials_from_env()
        },
        inputs: inputs(a.files, a.ledger, a.sandbox, strict, a.skip_invalid)?.with(a.input.input()),
        yes: a.yes,
        api_base: a.api_base,
        report: a.report,
    })
}

/// A duration option such as `60s` or `1m30s`.
fn seconds(value: &str, option: &str) -> Result<std::time::Duration, String> {
    crate::schedule::values::duration(value)
        .map(|s| std::time::Duration::from_secs(s.max(0) as u64))
        .map_err(|e| format!("invalid `{option}`: expected {e}"))
}

/// `WECOM_CORPID` and `WECOM_CORPSECRET`, when both are set and not empty.
fn credentials_from_env() -> Option<Credentials> {
    let corpid = std::env::var("WECOM_CORPID")
        .ok()
        .filter(|v| !v.is_empty())?;
    let secret = std::env::var("WECOM_CORPSECRET")
        .ok()
        .filter(|v| !v.is_empty())?;
    Some(Credentials {
        corpid,
        secret: crate::wecom::Secret::new(secret),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
