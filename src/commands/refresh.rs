//! `livesched refresh`: read every live the ledger holds back from WeCom and
//! record what happened there: lives held, running or expired at their time
//! (their normal course), and what a person changed (drift), so that `plan`,
//! `status` and the calendar page can show it.

use jiff::tz::TimeZone;

use crate::apply::{Coursed, Target, read_back};
use crate::config::RemoteJob;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::plan::changes::{self, Course};
use crate::remote::Session;

pub fn run(job: &RemoteJob) -> Result<ExitCode, Error> {
    let session = Session::open(job)?;
    let targets: Vec<Target> = session
        .state()
        .iter()
        .filter(|k| changes::is_live(k))
        .filter_map(|k| Some((k.key.clone(), k.livingid.clone()?, k.request.clone())))
        .collect();
    if targets.is_empty() {
        eprintln!("nothing to refresh: the ledger holds no live");
        return Ok(ExitCode::SUCCESS);
    }
    // Times as the term reads them; a schedule that does not load still refreshes.
    let tz = crate::schedule::load(&job.file)
        .schedule
        .map_or_else(TimeZone::system, |s| s.term.tz);
    let report = session.with_remote(async |remote| {
        read_back(
            &remote.client,
            &remote.gate,
            &remote.ledger,
            remote.concurrency,
            targets,
        )
        .await
    })?;
    for line in &report.lines {
        eprintln!("{line}");
    }
    let mut courses = report.courses.clone();
    courses.sort_by(|a, b| a.key.cmp(&b.key));
    for c in &courses {
        eprintln!("{}", course_line(c, &tz));
    }
    let count = |course| courses.iter().filter(|c| c.course == course).count();
    let ran = if courses.is_empty() {
        String::new()
    } else {
        format!(
            "; {} held, {} running, {} expired at their time",
            count(Course::Held),
            count(Course::Running),
            count(Course::Expired)
        )
    };
    eprintln!(
        "refreshed {} lives: {} as recorded, {} drifted{ran}{}",
        report.same + report.drifted + courses.len(),
        report.same,
        report.drifted,
        if report.failed > 0 {
            format!(", {} could not be read", report.failed)
        } else {
            String::new()
        }
    );
    Ok(if report.failed > 0 {
        ExitCode::PARTIAL_FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `    held     `KEY` (ID): started 2027-03-01 19:01, ran 89 min`.
fn course_line(c: &Coursed, tz: &TimeZone) -> String {
    let when = match (c.course, c.actual) {
        (Course::Expired, _) => "never started".to_string(),
        (course, Some(a)) => {
            let start = jiff::Timestamp::from_second(a.living_start)
                .map(|t| {
                    t.to_zoned_datetime(tz.clone())
                        .strftime("%Y-%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            match course {
                Course::Held => format!("started {start}, ran {} min", a.living_duration / 60),
                _ => format!("started {start}"),
            }
        }
        (_, None) => String::new(),
    };
    format!(
        "    {:<8} `{}` ({}): {when}",
        c.course.name(),
        c.key,
        c.livingid
    )
}
