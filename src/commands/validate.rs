//! `livesched validate`: every problem of every file, and across the files, nothing called.

use super::schedules;
use crate::config::{Inputs, ValidateJob};
use crate::diagnostics;
use crate::error::Error;
use crate::exit_codes::ExitCode;

/// Every file is checked, whatever the others hold, and against the others
/// (see `plan::plan_run`); the code is the worst outcome.
pub fn run(job: &ValidateJob) -> ExitCode {
    let mut code = ExitCode::SUCCESS;
    let mut files = Vec::new();
    let mut failed = |err: Error| {
        eprint!(
            "{}",
            diagnostics::render_error(&err, diagnostics::use_color())
        );
        code = code.merge(err.exit_code());
    };
    for path in &job.files {
        let inputs = Inputs {
            paths: vec![path.clone()],
            ..Inputs::default()
        };
        match schedules::find(&inputs) {
            Ok(found) => {
                for file in found {
                    match schedules::readable(&file) {
                        Ok(()) => files.push(file),
                        Err(err) => failed(err),
                    }
                }
            }
            Err(err) => failed(err),
        }
    }
    let inputs = Inputs::default();
    let runs = schedules::plan_all(schedules::places(files, &inputs), job.strict, &job.input);
    for (run, _) in &runs {
        let planned = &run.planned;
        diagnostics::report(&planned.problems, &planned.sources);
        if planned.problems.has_errors() {
            eprintln!(
                "`{}`: invalid ({})",
                run.file.display(),
                diagnostics::tally(&planned.problems)
            );
            code = code.merge(ExitCode::INVALID_INPUT);
        } else {
            let sessions = planned.plan.as_ref().map_or(0, |p| p.lives.len());
            eprintln!(
                "`{}`: valid, {sessions} sessions ({})",
                run.file.display(),
                diagnostics::tally(&planned.problems)
            );
        }
    }
    super::leave(runs);
    code
}
