//! One module per command: each is a short function from its plain job to an
//! exit code, over the library's pipeline (`plan`), tasks (`apply`) and
//! remote session (`remote`). Errors go back to `main`, which renders them.
//!
//! Every command that takes FILE takes several, or a directory: `schedules`
//! finds and plans them (one `Term` each, with its places), `remote::Session`
//! opens one run over all their ledgers, and `outcome` sums the run up. A new
//! command over schedules (`attendance`, say) starts from `schedules::find`.

mod apply;
mod attendance;
mod completions;
mod destroy;
mod import;
mod outcome;
mod plan;
mod refresh;
mod schedules;
mod sim;
mod status;
mod validate;

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use crate::config::{ApplyJob, AttendanceJob, PlanJob, RemoteJob, Shell, StatusJob, ValidateJob};
use crate::error::Error;
use crate::exit_codes::ExitCode;

/// What the user asked for: one command and its plain, validated arguments.
#[derive(Debug)]
pub enum Job {
    Validate(ValidateJob),
    Plan(PlanJob),
    Apply(Box<ApplyJob>),
    Refresh(Box<RemoteJob>),
    Destroy(Box<RemoteJob>),
    Import(Box<RemoteJob>),
    Attendance(Box<AttendanceJob>),
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
        Job::Attendance(j) => attendance::run(&j),
        Job::Sim(config) => sim::run(*config),
        Job::Status(j) => status::run(&j),
        Job::Completions(shell) => completions::completions(shell),
        Job::Man(page) => completions::man(page.as_deref()),
    }
}

/// Lets go of what a command built, as its process is about to end: the system
/// takes the memory back at once, where freeing the allocations of a large plan
/// and ledger one by one would take a good part of a second.
fn leave<T>(built: T) {
    std::mem::forget(built);
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
