//! `livesched destroy`: cancel every future live the ledgers hold for the schedules named.

use super::outcome::{Outcome, Part};
use super::schedules;
use crate::apply::Work;
use crate::config::RemoteJob;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::remote::Session;

pub fn run(job: &RemoteJob) -> Result<ExitCode, Error> {
    super::check_report(job.report.as_deref())?;
    // What the ledgers hold is cancelled: the schedules need not be valid.
    let files = schedules::places(schedules::find(&job.inputs)?, &job.inputs);
    schedules::distinct_ledgers(&files)?;
    let session = Session::open(job, files.iter().map(|(_, p)| p.clone()).collect())?;
    let works: Vec<Work> = session
        .states()
        .map(|state| Work::cancel_all(state, job.now))
        .collect();
    let outcome = |summaries: Vec<_>| Outcome {
        parts: files
            .iter()
            .zip(summaries)
            .map(|((file, places), summary)| Part {
                file: file.clone(),
                ledger: places.ledger.clone(),
                summary,
            })
            .collect(),
        skipped: Vec::new(),
    };
    if works.iter().all(Work::is_empty) {
        let done = outcome(works.into_iter().map(|w| w.summary).collect());
        done.print();
        done.write_report(job.report.as_deref())?;
        return Ok(ExitCode::SUCCESS);
    }
    let line = |label: &str, cancels: usize, past: usize| {
        eprintln!("{label}: {cancels} lives to cancel; {past} past, not touched");
    };
    if files.len() > 1 {
        for ((file, _), work) in files.iter().zip(&works) {
            line(
                &format!("`{}`", file.display()),
                work.len(),
                work.summary.past,
            );
        }
    }
    line(
        if files.len() > 1 { "total" } else { "destroy" },
        works.iter().map(Work::len).sum(),
        works.iter().map(|w| w.summary.past).sum(),
    );
    if !job.yes && !job.inputs.sandbox {
        super::confirm("destroy", "cancelled")?;
    }
    let done = outcome(session.apply(works)?);
    done.print();
    done.write_report(job.report.as_deref())?;
    Ok(done.exit_code())
}
