//! `livesched destroy`: cancel every future live the ledger holds for a schedule.

use std::time::Duration;

use super::remote;
use crate::apply::{Summary, Task};
use crate::config::RemoteJob;
use crate::exit_codes::ExitCode;
use crate::plan::changes;

pub fn run(job: &RemoteJob) -> ExitCode {
    try_run(job).unwrap_or_else(|code| code)
}

/// `Err` carries the exit code of a step that could not go on.
fn try_run(job: &RemoteJob) -> Result<ExitCode, ExitCode> {
    let places = remote::places(&job.file, job.ledger.as_deref(), job.sandbox);
    let ledger = remote::open_ledger(&places)?;
    let mut summary = Summary::default();
    let mut cancels = Vec::new();
    for k in ledger.state().iter().filter(|k| changes::is_live(k)) {
        let start = changes::recorded_start(k);
        match &k.livingid {
            // A live that started is never touched.
            Some(_) if start <= job.now.as_second() => summary.past += 1,
            Some(id) => cancels.push(Task::Cancel {
                key: k.key.clone(),
                livingid: id.clone(),
            }),
            None => {}
        }
    }
    if cancels.is_empty() {
        eprintln!("{}", summary.render().trim_end());
        super::apply::write_report(job.report.as_deref(), &summary);
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "destroy: {} lives to cancel; {} past, not touched",
        cancels.len(),
        summary.past
    );
    if !job.yes && !job.sandbox && !super::apply::confirm() {
        return Ok(ExitCode::ERROR);
    }
    let runtime = remote::runtime()?;
    let pace = remote::Pace {
        rate: job.rate,
        concurrency: job.concurrency,
        quota_pause: Duration::from_secs(60),
    };
    let summary = runtime.block_on(async {
        let remote = remote::Remote::connect(job, &places).await?;
        let summary = remote::run_tasks(
            remote.client.clone(),
            ledger,
            pace,
            Vec::new(),
            cancels,
            summary,
        )
        .await;
        remote.close().await;
        Ok::<_, ExitCode>(summary)
    })?;
    eprint!("{}", summary.render());
    super::apply::write_report(job.report.as_deref(), &summary);
    Ok(remote::exit_code(&summary))
}
