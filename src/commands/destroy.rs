//! `livesched destroy`: cancel every future live the ledger holds for a schedule.

use crate::apply::Work;
use crate::config::RemoteJob;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::remote::Session;

pub fn run(job: &RemoteJob) -> Result<ExitCode, Error> {
    super::check_report(job.report.as_deref())?;
    let session = Session::open(job)?;
    let work = Work::cancel_all(session.state(), job.now);
    if work.is_empty() {
        eprintln!("{}", work.summary.render().trim_end());
        super::write_report(job.report.as_deref(), &work.summary)?;
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "destroy: {} lives to cancel; {} past, not touched",
        work.len(),
        work.summary.past
    );
    if !job.yes && !job.sandbox {
        super::confirm("destroy", "cancelled")?;
    }
    let summary = session.apply(work)?;
    eprint!("{}", summary.render());
    super::write_report(job.report.as_deref(), &summary)?;
    Ok(summary.exit_code())
}
