//! The one error type a command returns, and the exit code each kind maps to.
//!
//! Commands return `Result<ExitCode, Error>`: `Ok` for a run that went to its end
//! (whose code may still say that some sessions failed), `Err` for a step that
//! could not go on. `main` renders the error once and exits with [`Error::exit_code`].

use std::path::PathBuf;

use crate::exit_codes::ExitCode;
use crate::ledger::LedgerError;
use crate::sim::SimError;
use crate::wecom::ConfigError;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// The command line asks for something impossible.
    #[error("{0}")]
    Usage(String),

    /// Schedule files have errors; their problems were reported already.
    #[error("{}", invalid(.files, .outcome))]
    Invalid {
        /// Each invalid file, with its tally: `2 errors, 1 warning`.
        files: Vec<(PathBuf, String)>,
        /// What did not happen: `nothing was sent`, `nothing planned`, ….
        outcome: &'static str,
        /// `plan --detailed-exitcode` reports any error as 1, like Terraform.
        detailed_exitcode: bool,
        /// Set when the run named valid schedules too.
        #[help]
        skip_hint: Option<&'static str>,
    },

    /// FILE names no schedule (a directory without any).
    #[error("no schedule under `{}`", .path.display())]
    #[diagnostic(help(
        "a schedule is a `*.yaml` or `*.yml` file with a `term`; hidden folders and calendar files are not searched"
    ))]
    NoSchedules { path: PathBuf },

    #[error(transparent)]
    #[diagnostic(transparent)]
    Ledger(#[from] LedgerError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Client(#[from] ConfigError),

    /// The attendance readings kept beside the ledger.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Attendance(#[from] crate::attendance::StoreError),

    #[error("failed to write the workbook")]
    Workbook(#[source] rust_xlsxwriter::XlsxError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Sim(#[from] SimError),

    /// The run's first contact with WeCom failed: nothing was sent or recorded.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Connect(#[from] crate::wecom::ApiError),

    #[error("the ledger `{}` holds no session of `{}`", .ledger.display(), .schedule.display())]
    #[diagnostic(help(
        "it looks like another schedule's ledger, and planning against it would cancel all of its lives; \
         name this schedule's own with `--ledger`, or pass `--accept-ledger` if every class was renamed"
    ))]
    ForeignLedger { ledger: PathBuf, schedule: PathBuf },

    #[error("failed to find WeCom credentials")]
    #[diagnostic(help(
        "set `WECOM_CORPID` and `WECOM_CORPSECRET`, or try the flow with `--sandbox`"
    ))]
    NoCredentials,

    #[error("refusing to {action} without confirmation")]
    #[diagnostic(help("no terminal to ask on: pass `--yes`"))]
    NotConfirmed { action: &'static str },

    #[error("not confirmed: nothing {done}")]
    Declined { done: &'static str },

    #[error("failed to {what} `{}`", .path.display())]
    Io {
        /// A verb phrase: `create`, `write the report to`, ….
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("no man page for `{name}`")]
    #[diagnostic(help("pages exist for {pages}"))]
    NoManPage { name: String, pages: String },

    #[error("failed to render the man page")]
    ManPage(#[source] std::io::Error),

    #[error("failed to write to stdout")]
    Stdout(#[source] std::io::Error),

    #[error("failed to start the async runtime")]
    Runtime(#[source] std::io::Error),
}

/// `` `t.yaml`: invalid (1 error, 0 warnings); nothing was sent ``, or every file's tally.
fn invalid(files: &[(PathBuf, String)], outcome: &str) -> String {
    match files {
        [(file, tally)] => format!("`{}`: invalid ({tally}); {outcome}", file.display()),
        _ => {
            let each: Vec<String> = files
                .iter()
                .map(|(f, tally)| format!("`{}` ({tally})", f.display()))
                .collect();
            format!(
                "{} schedules are invalid: {}; {outcome}",
                files.len(),
                each.join(", ")
            )
        }
    }
}

impl Error {
    /// The documented exit code for this error (see `exit_codes`).
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Invalid {
                detailed_exitcode: false,
                ..
            } => ExitCode::INVALID_INPUT,
            _ => ExitCode::ERROR,
        }
    }

    pub fn io(what: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            what,
            path: path.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_input_is_3_except_under_detailed_exitcode() {
        let invalid = |detailed_exitcode| Error::Invalid {
            files: vec![("t.yaml".into(), "1 error, 0 warnings".into())],
            outcome: "nothing was sent",
            detailed_exitcode,
            skip_hint: None,
        };
        assert_eq!(invalid(false).exit_code(), ExitCode::INVALID_INPUT);
        assert_eq!(invalid(true).exit_code(), ExitCode::ERROR);
        assert_eq!(Error::NoCredentials.exit_code(), ExitCode::ERROR);
        assert_eq!(
            invalid(false).to_string(),
            "`t.yaml`: invalid (1 error, 0 warnings); nothing was sent"
        );
        let two = Error::Invalid {
            files: vec![
                ("a.yaml".into(), "1 error, 0 warnings".into()),
                ("b.yaml".into(), "2 errors, 1 warning".into()),
            ],
            outcome: "nothing was sent",
            detailed_exitcode: false,
            skip_hint: None,
        };
        assert_eq!(
            two.to_string(),
            "2 schedules are invalid: `a.yaml` (1 error, 0 warnings), `b.yaml` (2 errors, 1 warning); nothing was sent"
        );
    }
}
