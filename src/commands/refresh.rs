//! `livesched refresh`: read every live the ledgers hold back from WeCom and
//! record what happened there: lives held, running or expired at their time
//! (their normal course), what a person changed (drift), so that `plan`,
//! `status` and the calendar page can show it; and second lives of held
//! sessions that another runner made.

use std::path::Path;

use jiff::tz::TimeZone;

use super::schedules;
use crate::apply::{Coursed, Duplicates, ReadBack, Target, find_duplicates, read_back};
use crate::config::RemoteJob;
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::{BodyRef, LedgerState};
use crate::plan::changes::{self, Course};
use crate::remote::Session;

pub fn run(job: &RemoteJob) -> Result<ExitCode, Error> {
    // What the ledgers hold is read back: the schedules need not be valid.
    let files = schedules::places(schedules::find(&job.inputs)?, &job.inputs);
    schedules::distinct_ledgers(&files)?;
    let session = Session::open(job, files.iter().map(|(_, p)| p.clone()).collect())?;
    let states: Vec<LedgerState> = session.states().cloned().collect();
    let targets: Vec<Vec<Target>> = states.iter().map(targets).collect();
    if targets.iter().all(Vec::is_empty) {
        let held = if files.len() > 1 {
            "the ledgers hold"
        } else {
            "the ledger holds"
        };
        eprintln!("nothing to refresh: {held} no live");
        return Ok(ExitCode::SUCCESS);
    }
    let found = session.with_remote(async |remote| {
        let mut found = Vec::new();
        for (i, (targets, state)) in targets.into_iter().zip(&states).enumerate() {
            let report = read_back(
                &remote.client,
                &remote.gate,
                &remote.ledgers[i],
                remote.concurrency,
                targets,
            )
            .await;
            let seconds = find_duplicates(&remote.lookup(i), state, &report.statuses).await;
            found.push((report, seconds));
        }
        found
    })?;
    let mut total = ReadBack::default();
    for ((file, _), (report, seconds)) in files.iter().zip(found) {
        let seconds = seconds?;
        for line in report.lines.iter().chain(&seconds.lines) {
            eprintln!("{line}");
        }
        say_courses(&report.courses, file);
        if files.len() > 1 {
            eprintln!("`{}`: {}", file.display(), counts(&report));
        }
        say_duplicates(&seconds);
        total.same += report.same;
        total.drifted += report.drifted;
        total.courses.extend(report.courses);
        total.failed += report.failed + seconds.failed;
    }
    let label = if files.len() > 1 { "total: " } else { "" };
    eprintln!("{label}{}", counts(&total));
    Ok(if total.failed > 0 {
        ExitCode::PARTIAL_FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The lives that ran their normal course, one line each, in the term's time.
fn say_courses(courses: &[Coursed], file: &Path) {
    if courses.is_empty() {
        return;
    }
    // Times as the term reads them; a schedule that does not load still refreshes.
    let tz = crate::schedule::load(file)
        .schedule
        .map_or_else(TimeZone::system, |s| s.term.tz);
    let mut courses = courses.to_vec();
    courses.sort_by(|a, b| a.key.cmp(&b.key));
    for c in &courses {
        eprintln!("{}", course_line(c, &tz));
    }
}

fn say_duplicates(seconds: &Duplicates) {
    if seconds.found > 0 {
        eprintln!(
            "found {} second live(s) of held sessions; the next apply cancels them",
            seconds.found
        );
    }
}

/// The lives a ledger holds: what there is to read back.
fn targets(state: &LedgerState) -> Vec<Target> {
    state
        .iter()
        .filter(|k| changes::is_live(k))
        .filter_map(|k| {
            let livingid = k.livingid()?.to_string();
            Some((
                k.key().to_string(),
                livingid,
                k.request().map(BodyRef::value),
            ))
        })
        .collect()
}

fn counts(report: &ReadBack) -> String {
    let count = |course| report.courses.iter().filter(|c| c.course == course).count();
    let ran = if report.courses.is_empty() {
        String::new()
    } else {
        format!(
            "; {} held, {} running, {} expired at their time",
            count(Course::Held),
            count(Course::Running),
            count(Course::Expired)
        )
    };
    format!(
        "refreshed {} lives: {} as recorded, {} drifted{ran}{}",
        report.same + report.drifted + report.courses.len(),
        report.same,
        report.drifted,
        if report.failed > 0 {
            format!(", {} could not be read", report.failed)
        } else {
            String::new()
        }
    )
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
