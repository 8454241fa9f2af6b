//! `livesched validate`: every problem of every file, nothing called.

use crate::config::ValidateJob;
use crate::diagnostics;
use crate::exit_codes::ExitCode;

/// Every file is checked, whatever the others hold; the code is the worst outcome.
pub fn run(job: &ValidateJob) -> ExitCode {
    let mut code = ExitCode::SUCCESS;
    for file in &job.files {
        if let Err(err) = super::readable(file) {
            eprint!(
                "{}",
                diagnostics::render_error(&err, diagnostics::use_color())
            );
            code = code.merge(err.exit_code());
            continue;
        }
        let planned = crate::plan::plan_within(file, job.strict, &job.input.limits());
        diagnostics::report(&planned.problems, &planned.sources);
        if planned.problems.has_errors() {
            eprintln!(
                "`{}`: invalid ({})",
                file.display(),
                diagnostics::tally(&planned.problems)
            );
            code = code.merge(ExitCode::INVALID_INPUT);
        } else {
            let sessions = planned.plan.as_ref().map_or(0, |p| p.lives.len());
            eprintln!(
                "`{}`: valid, {sessions} sessions ({})",
                file.display(),
                diagnostics::tally(&planned.problems)
            );
        }
    }
    code
}
