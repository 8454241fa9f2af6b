//! `livesched plan`: each term expanded, compared with its ledger, rendered; over
//! several schedules, one output grouped by file (JSON: `{"files": […]}`).

use std::collections::BTreeMap;
use std::path::Path;

use super::schedules::{self, Term};
use crate::config::{OutputFormat, PlanJob};
use crate::diagnostics;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::LedgerState;
use crate::plan::changes::{self, Action, Change};
use crate::plan::{lint_run_creates, lost_ledger_warning, render, review, review_started};
use crate::schedule::{Problems, Sources};

pub fn run(job: &PlanJob) -> Result<ExitCode, Error> {
    let files = schedules::find(&job.inputs)?;
    if files.len() > 1 && matches!(job.format, OutputFormat::Ics | OutputFormat::Html) {
        return Err(Error::Usage(
            "`--format ics` and `--format html` render one schedule: run `plan` once per file"
                .to_string(),
        ));
    }
    let planned =
        schedules::planned(files, &job.inputs, "nothing planned").map_err(|mut err| {
            if let Error::Invalid {
                detailed_exitcode, ..
            } = &mut err
            {
                *detailed_exitcode = job.detailed_exitcode;
            }
            err
        })?;
    let many = planned.is_many();
    let skipped = planned.exit_code();
    let mut pending = false;
    let mut outputs = Vec::new();
    let mut totals: BTreeMap<Action, usize> = BTreeMap::new();
    for term in planned.terms {
        let ledger = LedgerState::read(&term.places.ledger)?;
        schedules::own_ledger(&term, &ledger, &job.inputs.input)?;
        let changes = changes::changes(&term.plan, &ledger, job.now);
        let mut warnings = if many {
            review_started(&changes)
        } else {
            review(&changes)
        };
        let seen = crate::ledger::read_seen(&term.places.seen);
        let owner = &term.places.owner;
        if let Some(lost) = lost_ledger_warning(&term.plan, &ledger, &seen, owner, job.now) {
            warnings.push(lost);
        }
        diagnostics::report(&warnings, &term.schedule.sources);
        pending |= changes::pending(&changes);
        for c in &changes {
            *totals.entry(c.action).or_default() += 1;
        }
        outputs.push(render_one(job, term, &changes, &ledger, warnings));
    }
    let creates = totals.get(&Action::Create).copied().unwrap_or(0);
    if many && let Some(warning) = lint_run_creates(creates, outputs.len()) {
        let mut run = Problems::default();
        run.push(warning);
        diagnostics::report(&run, &Sources::default());
    }
    let out = match (many, job.format) {
        (false, _) => outputs.pop().map(|o| o.text).unwrap_or_default(),
        (true, OutputFormat::Json) => json_of_many(&outputs),
        (true, OutputFormat::Csv) => csv_of_many(&outputs),
        (true, _) => text_of_many(&outputs, &totals),
    };
    print!("{out}");
    let code = if job.detailed_exitcode && pending {
        ExitCode::CHANGES_PENDING
    } else {
        ExitCode::SUCCESS
    };
    Ok(if skipped != ExitCode::SUCCESS && job.detailed_exitcode {
        // Terraform's convention under `--detailed-exitcode`: any error is 1.
        ExitCode::ERROR
    } else {
        code.merge(skipped)
    })
}

/// One schedule's rendering, and the file it is of.
struct Rendered {
    file: String,
    text: String,
}

fn render_one(
    job: &PlanJob,
    mut term: Term,
    changes: &[Change],
    ledger: &LedgerState,
    warnings: Problems,
) -> Rendered {
    term.plan.problems.extend(warnings);
    let (schedule, plan) = (&term.schedule, &term.plan);
    let format = match job.format {
        OutputFormat::Auto if ledger.is_empty() => OutputFormat::Table,
        OutputFormat::Auto => OutputFormat::Diff,
        f => f,
    };
    let text = match format {
        OutputFormat::Auto | OutputFormat::Table => render::table(plan, changes),
        OutputFormat::Diff => render::diff(
            plan,
            changes,
            &schedule.term.tz,
            render::Listing {
                verbose: job.verbose,
                ..render::Listing::ALL
            },
        ),
        OutputFormat::Json => render::json(plan, changes, &schedule.sources),
        OutputFormat::Csv => render::csv(plan, changes),
        OutputFormat::Ics => render::ics(plan, &schedule.term, job.now),
        OutputFormat::Html => render::html(plan, &schedule.term, changes, ledger, job.now),
    };
    Rendered {
        file: display(&term.file),
        text,
    }
}

fn display(file: &Path) -> String {
    file.display().to_string()
}

/// `{"files": [...]}`: each element the single-file document, with its `file`.
fn json_of_many(outputs: &[Rendered]) -> String {
    let files: Vec<serde_json::Value> = outputs
        .iter()
        .map(|r| {
            let mut doc: serde_json::Value = serde_json::from_str(&r.text).unwrap_or_default();
            doc["file"] = serde_json::Value::String(r.file.clone());
            doc
        })
        .collect();
    let mut s =
        serde_json::to_string_pretty(&serde_json::json!({ "files": files })).unwrap_or_default();
    s.push('\n');
    s
}

/// One CSV with a `file` column first.
fn csv_of_many(outputs: &[Rendered]) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for (i, r) in outputs.iter().enumerate() {
        let mut rows = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(r.text.as_bytes());
        for (n, row) in rows.records().flatten().enumerate() {
            // The header once, from the first file.
            if n == 0 && i > 0 {
                continue;
            }
            let file = if n == 0 { "file" } else { r.file.as_str() };
            let _ = w.write_record(std::iter::once(file).chain(row.iter()));
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Each schedule's table or diff under a `==> FILE <==` header, then the run's total.
fn text_of_many(outputs: &[Rendered], totals: &BTreeMap<Action, usize>) -> String {
    let mut out = String::new();
    for r in outputs {
        out.push_str(&format!("==> {} <==\n{}\n", r.file, r.text));
    }
    let count = |a: Action| totals.get(&a).copied().unwrap_or(0);
    out.push_str(&format!(
        "Total over {} schedules: {} to create, {} to modify, {} to replace, {} to cancel; {} unchanged, {} past.\n",
        outputs.len(),
        count(Action::Create),
        count(Action::Modify),
        count(Action::Replace),
        count(Action::Cancel),
        count(Action::Unchanged),
        count(Action::Past),
    ));
    out
}
