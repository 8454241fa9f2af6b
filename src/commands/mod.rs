//! One module per command: each takes its plain job and returns an exit code.

mod apply;
mod completions;
mod destroy;
mod import;
mod plan;
mod refresh;
mod remote;
mod sim;
mod status;
mod validate;

use crate::config::Job;
use crate::exit_codes::ExitCode;

pub use plan::{PlannedTerm, plan_term};

pub fn run(job: Job) -> ExitCode {
    match job {
        Job::Validate(j) => validate::run(&j),
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
