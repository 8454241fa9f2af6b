//! One module per command: each takes its plain job and returns an exit code.

mod apply;
mod plan;
mod sim;
mod validate;

use crate::config::Job;
use crate::exit_codes::ExitCode;

pub use plan::{PlannedTerm, plan_term};

pub fn run(job: Job) -> ExitCode {
    match job {
        Job::Validate(j) => validate::run(&j),
        Job::Plan(j) => plan::run(&j),
        Job::Apply(j) => apply::run(&j),
        Job::Sim(config) => sim::run(*config),
    }
}
