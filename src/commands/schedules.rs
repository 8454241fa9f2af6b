//! The schedules of a run: named on the command line (files, or directories
//! searched), each with its places, planned and checked across the others, every
//! problem of every file reported; then the valid ones, or an error saying what
//! did not happen.

use std::path::{Path, PathBuf};

use crate::config::Input;
use crate::config::Inputs;
use crate::diagnostics;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::LedgerState;
use crate::plan::{Plan, RunTerm, plan_run};
use crate::remote::Places;
use crate::schedule::{Schedule, schedule_files};

/// One valid schedule of the run.
pub(super) struct Term {
    pub file: PathBuf,
    pub places: Places,
    pub schedule: Schedule,
    pub plan: Plan,
}

/// The valid schedules of a run, in the order named, and the invalid ones
/// `--skip-invalid` left out.
pub(super) struct Planned {
    pub terms: Vec<Term>,
    pub skipped: Vec<PathBuf>,
}

impl Planned {
    /// Whether the run named more than one schedule: its output is then grouped by file.
    pub fn is_many(&self) -> bool {
        self.terms.len() + self.skipped.len() > 1
    }

    /// 3 when `--skip-invalid` left a schedule out, so that CI still sees it.
    pub fn exit_code(&self) -> ExitCode {
        if self.skipped.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::INVALID_INPUT
        }
    }
}

/// The schedule files `inputs` names: files as given (read or not: `destroy`
/// needs only the ledger beside a schedule that is gone), directories searched.
pub(super) fn find(inputs: &Inputs) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for path in &inputs.paths {
        let found = schedule_files(std::slice::from_ref(path))
            .map_err(|(at, err)| Error::io("read", at, err))?;
        if found.is_empty() {
            return Err(Error::NoSchedules { path: path.clone() });
        }
        files.extend(found);
    }
    // The same file named twice (or found again under a directory) is one schedule.
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    if inputs.ledger.is_some() && files.len() > 1 {
        return Err(Error::Usage(crate::cli::LEDGER_OF_ONE.to_string()));
    }
    Ok(files)
}

/// A schedule named on the command line that cannot be read is an I/O error
/// (exit 1), not an invalid schedule (3).
pub(super) fn readable(file: &Path) -> Result<(), Error> {
    std::fs::metadata(file)
        .map(drop)
        .map_err(|err| Error::io("read", file, err))
}

/// Each file with its places (the ledger beside it, or the sandbox's).
pub(super) fn places(files: Vec<PathBuf>, inputs: &Inputs) -> Vec<(PathBuf, Places)> {
    files
        .into_iter()
        .map(|file| {
            let places = Places::new(&file, inputs.ledger.as_deref(), inputs.sandbox);
            (file, places)
        })
        .collect()
}

/// Refuses two schedules whose ledgers are one file (`a.yaml` and `a.yml`), for
/// commands that read ledgers without planning (`plan_run` reports it as a problem).
pub(super) fn distinct_ledgers(files: &[(PathBuf, Places)]) -> Result<(), Error> {
    for (j, (later, places)) in files.iter().enumerate() {
        if let Some((earlier, _)) = files[..j].iter().find(|(_, p)| p.ledger == places.ledger) {
            return Err(Error::Usage(format!(
                "`{}` and `{}` would share the ledger `{}`: rename one of them",
                earlier.display(),
                later.display(),
                places.ledger.display()
            )));
        }
    }
    Ok(())
}

/// Plans every file against the others (see `plan::plan_run`), keeping each one's places.
pub(super) fn plan_all(
    files: Vec<(PathBuf, Places)>,
    strict: bool,
    input: &Input,
) -> Vec<(RunTerm, Places)> {
    let (named, places): (Vec<_>, Vec<_>) = files
        .into_iter()
        .map(|(file, places)| ((file, places.ledger.clone()), places))
        .unzip();
    plan_run(named, strict, &input.limits())
        .into_iter()
        .zip(places)
        .collect()
}

/// Every schedule of `files` (from [`find`]), planned, every problem reported. Any invalid
/// one is an error saying what did not happen (`outcome`), unless
/// `--skip-invalid`: then it is named, left out, and the run goes on.
pub(super) fn planned(
    files: Vec<PathBuf>,
    inputs: &Inputs,
    outcome: &'static str,
) -> Result<Planned, Error> {
    for file in &files {
        readable(file)?;
    }
    let files = places(files, inputs);
    let mut terms = Vec::new();
    let mut invalid = Vec::new();
    let named = files.len();
    for (run, places) in plan_all(files, inputs.strict, &inputs.input) {
        diagnostics::report(&run.planned.problems, &run.planned.sources);
        let tally = diagnostics::tally(&run.planned.problems);
        match run.planned.valid() {
            Some((schedule, plan)) => terms.push(Term {
                file: run.file,
                places,
                schedule,
                plan,
            }),
            None => invalid.push((run.file, tally)),
        }
    }
    if invalid.is_empty() {
        return Ok(Planned {
            terms,
            skipped: Vec::new(),
        });
    }
    if !inputs.skip_invalid || terms.is_empty() {
        return Err(Error::Invalid {
            files: invalid,
            outcome,
            detailed_exitcode: false,
            skip_hint: (named > 1 && !terms.is_empty())
                .then_some("pass `--skip-invalid` to go on with the valid schedules"),
        });
    }
    for (file, tally) in &invalid {
        eprintln!(
            "`{}`: invalid ({tally}); skipped (--skip-invalid)",
            file.display()
        );
    }
    Ok(Planned {
        terms,
        skipped: invalid.into_iter().map(|(f, _)| f).collect(),
    })
}

/// Refuses a ledger that holds lives of none of the schedule's classes: another
/// schedule's, named by mistake (see `plan::changes::foreign_ledger`).
pub(super) fn own_ledger(term: &Term, ledger: &LedgerState, input: &Input) -> Result<(), Error> {
    if !input.accept_ledger && crate::plan::changes::foreign_ledger(&term.plan, ledger) {
        return Err(Error::ForeignLedger {
            ledger: term.places.ledger.clone(),
            schedule: term.file.clone(),
        });
    }
    Ok(())
}
