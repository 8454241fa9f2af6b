//! One module per command: each is a short function from its plain job to an
//! exit code, over the library's pipeline (`plan`), tasks (`apply`) and
//! remote session (`remote`). Errors go back to `main`, which renders them.

mod apply;
mod completions;
mod destroy;
mod import;
mod plan;
mod refresh;
mod sim;
mod status;
mod validate;

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use crate::config::{ApplyJob, PlanJob, RemoteJob, Shell, StatusJob, ValidateJob};
use crate::diagnostics;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::plan::Plan;
use crate::schedule::Schedule;

/// What the user asked for: one command and its plain, validated arguments.
#[derive(Debug)]
pub enum Job {
    Validate(ValidateJob),
    Plan(PlanJob),
    Apply(Box<ApplyJob>),
    Refresh(Box<RemoteJob>),
    Destroy(Box<RemoteJob>),
    Import(Box<RemoteJob>),
    Status(StatusJob),
    Completions(Shell),
    Man(Option<String>),
    Sim(Box<crate::sim::SimConfig>),
}

pub fn run(job: Job) -> Result<ExitCode, Error> {
    match job {
        Job::Validate(j) => Ok(validate::run(&j)),
        Job::Plan(j) => plan::run(&j),
        Job::Apply(j) => apply::run(&j),
        Job::Refresh(j) => refresh::run(&j),
        Job::Destroy(j) => destroy::run(&j),
        Job::Import(j) => import::run(&j),
        Job::Sim(config) => sim::run(*config),
        Job::Status(j) => status::run(&j),
        Job::Completions(shell) => completions::completions(shell),
        Job::Man(page) => completions::man(page.as_deref()),
    }
}

/// The schedule and its plan, every problem reported on the way; an invalid
/// file is an error saying what did not happen (`outcome`).
fn planned(file: &Path, strict: bool, outcome: &'static str) -> Result<(Schedule, Plan), Error> {
    readable(file)?;
    let planned = crate::plan::plan_term(file, strict);
    diagnostics::report(&planned.problems, &planned.sources);
    let tally = diagnostics::tally(&planned.problems);
    planned.valid().ok_or_else(|| Error::Invalid {
        file: file.to_path_buf(),
        tally,
        outcome,
        detailed_exitcode: false,
    })
}

/// Lets go of what a command built, as its process is about to end: the system
/// takes the memory back at once, where freeing the allocations of a large plan
/// and ledger one by one would take a good part of a second.
fn leave<T>(built: T) {
    std::mem::forget(built);
}

/// A schedule named on the command line that cannot be read is an I/O error
/// (exit 1), not an invalid schedule (3).
fn readable(file: &Path) -> Result<(), Error> {
    std::fs::metadata(file)
        .map(drop)
        .map_err(|err| Error::io("read", file, err))
}

/// Refuses a `--report` that could not be written, before anything is sent.
fn check_report(path: Option<&Path>) -> Result<(), Error> {
    let Some(path) = path else { return Ok(()) };
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|err| Error::io("write the report to", path, err))?;
    if !existed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// Asks on the terminal before `action` (`apply`, `destroy`); without a
/// terminal, refuses (CI passes `--yes`).
fn confirm(action: &'static str, done: &'static str) -> Result<(), Error> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::NotConfirmed { action });
    }
    eprint!("go ahead? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Error::Declined { done })
    }
}

/// The run's summary as JSON at `--report`.
fn write_report(path: Option<&Path>, summary: &crate::apply::Summary) -> Result<(), Error> {
    let Some(path) = path else { return Ok(()) };
    let body = serde_json::to_string_pretty(summary).unwrap_or_default() + "\n";
    std::fs::write(path, body).map_err(|err| Error::io("write the report to", path, err))
}
