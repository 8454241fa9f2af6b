//! Command-line arguments (clap derive). Nothing outside this module sees clap types.

mod sim;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
        after_help = "Examples:\n  livesched validate schedules/spring-2027.yaml\n  livesched validate --strict term.yaml other.yaml"
    )]
    Validate(ValidateArgs),
    /// Show every session of a term and what `apply` would do.
    #[command(
        after_help = "Examples:\n  livesched plan spring.yaml\n  livesched plan spring.yaml --format json --now 2027-01-04T09:00:00+08:00\n  livesched plan spring.yaml --detailed-exitcode   # 0 no changes, 2 changes, 1 error"
    )]
    Plan(PlanArgs),
    /// Run the WeCom simulator on a loopback address.
    Sim(Box<SimArgs>),
    /// Count what the ledger holds against the plan, and show the sessions coming up next.
    #[command(
        after_help = "Examples:\n  livesched status spring.yaml\n  livesched status spring.yaml --format json --now 2027-03-01T00:00:00+08:00"
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
    /// The schedule file.
    pub file: PathBuf,
    /// The ledger [default: beside FILE, `NAME.ledger.jsonl`].
    #[arg(long, value_name = "PATH")]
    pub ledger: Option<PathBuf>,
    /// What "now" is (RFC 3339); sessions that start before it are past.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormatArg::Table)]
    pub format: StatusFormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormatArg {
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: ShellArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// A command's own page (e.g. `plan`) instead of the overview.
    pub command: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Schedule files (YAML; CSV class files are checked through `classes_from`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The schedule file.
    pub file: PathBuf,
    /// The ledger [default: beside FILE, `NAME.ledger.jsonl`].
    #[arg(long, value_name = "PATH")]
    pub ledger: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// What "now" is (RFC 3339); sessions that start before it are past.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Exit 0 when there is nothing to do, 2 when there are changes, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Ics,
    Html,
}

impl Cli {
    /// The plain job this command line asks for.
    pub fn into_job(self) -> Result<crate::config::Job, String> {
        use crate::config::{Job, OutputFormat, PlanJob, ValidateJob, parse_now};
        use crate::ledger::ledger_path_for;
        Ok(match self.command {
            Command::Validate(a) => Job::Validate(ValidateJob {
                files: a.files,
                strict: a.strict,
            }),
            Command::Plan(a) => Job::Plan(PlanJob {
                ledger: a.ledger.unwrap_or_else(|| ledger_path_for(&a.file)),
                file: a.file,
                format: match a.format {
                    Format::Table => OutputFormat::Table,
                    Format::Json => OutputFormat::Json,
                    Format::Csv => OutputFormat::Csv,
                    Format::Ics => OutputFormat::Ics,
                    Format::Html => OutputFormat::Html,
                },
                now: parse_now(a.now.as_deref())?,
                detailed_exitcode: a.detailed_exitcode,
                strict: a.strict,
            }),
            Command::Status(a) => Job::Status(crate::config::StatusJob {
                ledger: a.ledger.unwrap_or_else(|| ledger_path_for(&a.file)),
                file: a.file,
                format: match a.format {
                    StatusFormatArg::Table => crate::config::StatusFormat::Table,
                    StatusFormatArg::Json => crate::config::StatusFormat::Json,
                },
                now: parse_now(a.now.as_deref())?,
            }),
            Command::Completions(a) => Job::Completions(match a.shell {
                ShellArg::Bash => crate::config::Shell::Bash,
                ShellArg::Zsh => crate::config::Shell::Zsh,
                ShellArg::Fish => crate::config::Shell::Fish,
            }),
            Command::Man(a) => Job::Man(a.command),
            Command::Sim(a) => Job::Sim(Box::new(a.into_config().map_err(|e| e.to_string())?)),
        })
    }
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
