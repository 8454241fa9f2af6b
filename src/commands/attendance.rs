//! `livesched attendance`: read the lives that should have ended (each once, through
//! the gate), keep them beside the ledger, and report who came, per class and learner.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use crate::apply::call;
use crate::attendance::{self, Fetched, Inputs, Reader, Report, Store, render, store_path_for};
use crate::config::{AttendanceFormat, AttendanceJob};
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::remote::Session;

use super::schedules::{self, Term};
use crate::schedule::Schedule;

pub fn run(job: &AttendanceJob) -> Result<ExitCode, Error> {
    let remote = &job.remote;
    let format = job.format();
    check_output(job, format)?;
    let files = schedules::find(&remote.inputs)?;
    if files.len() != 1 {
        return Err(Error::Usage(
            "`attendance` reports on one schedule: run it once per file".to_string(),
        ));
    }
    let planned = schedules::planned(files, &remote.inputs, "nothing was read")?;
    let Some(Term {
        file,
        places,
        schedule,
        plan,
    }) = planned.terms.into_iter().next()
    else {
        return Ok(ExitCode::INVALID_INPUT);
    };
    let mut session = Session::open(remote, vec![places.clone()])?;
    if remote.inputs.sandbox {
        session = session.with_sandbox_users(sandbox_corp(&schedule));
    }
    let store = Store::open(&store_path_for(&places.ledger))?;
    if let Some(line) = store.repaired() {
        eprintln!(
            "note: repaired `{}`: line {line} was cut off mid-write; that live is read again",
            store.path().display()
        );
    }
    let ledger = session.states().next().cloned().unwrap_or_default();
    let targets = attendance::due(&plan, &ledger, store.readings(), remote.now, job.reread);
    let store = Mutex::new(store);
    let fetched = if targets.is_empty() {
        Fetched::default()
    } else {
        eprintln!("reading {} lives from WeCom…", targets.len());
        session.with_remote(async |c| {
            // Wrong credentials or no WeCom there: stop before reading anything.
            call(&c.gate, &[], || c.client.authenticate()).await?;
            let reader = Reader {
                client: &c.client,
                gate: &c.gate,
                concurrency: c.concurrency,
                ledger: &c.ledgers[0],
                now: remote.now,
            };
            let fetched = reader.fetch(&store, targets).await?;
            // Still under the ledger's lock.
            store.lock().expect("store lock").compact()?;
            Ok::<Fetched, Error>(fetched)
        })??
    };
    for line in fetched.lines() {
        eprintln!("{line}");
    }
    if fetched.interrupted {
        return Ok(ExitCode::INTERRUPTED);
    }
    let store = store.into_inner().expect("store lock");
    let report = attendance::report(&Inputs {
        schedule_path: &file,
        schedule: &schedule,
        plan: &plan,
        ledger: &ledger,
        readings: store.readings(),
        rule: job.rule,
        now: remote.now,
    });
    write(job, format, &report)?;
    let mut code = if fetched.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::PARTIAL_FAILURE
    };
    if let Some(bar) = job.fail_under
        && let Some(below) = render::below(&report, bar)
    {
        eprintln!("{below}");
        code = code.merge(ExitCode::FAIL_UNDER);
    }
    Ok(code)
}

/// The sandbox's simulated corp: the anchors and learners the schedule names,
/// and three guests who are on no roster.
fn sandbox_corp(schedule: &Schedule) -> Vec<String> {
    let mut users: Vec<String> = Vec::new();
    let names = schedule.classes.iter().flat_map(|c| {
        std::iter::once(c.anchor.clone()).chain(c.learners.iter().map(|l| l.userid.clone()))
    });
    for user in names.chain((1..=3).map(|n| format!("guest{n:02}"))) {
        if !users.contains(&user) {
            users.push(user);
        }
    }
    users
}

/// Refuses what cannot be written before anything is read.
fn check_output(job: &AttendanceJob, format: AttendanceFormat) -> Result<(), Error> {
    if job.detail && format != AttendanceFormat::Csv {
        return Err(Error::Usage(
            "`--detail` goes with `--format csv` (one row per session × learner)".into(),
        ));
    }
    match &job.out {
        Some(path) => super::check_report(Some(path)),
        None if format == AttendanceFormat::Xlsx && std::io::stdout().is_terminal() => {
            Err(Error::Usage(
                "a workbook is not for the terminal: give `--out FILE.xlsx`, or redirect stdout"
                    .into(),
            ))
        }
        None => Ok(()),
    }
}

fn write(job: &AttendanceJob, format: AttendanceFormat, report: &Report) -> Result<(), Error> {
    let bytes = match format {
        AttendanceFormat::Table => render::table(report).into_bytes(),
        AttendanceFormat::Csv if job.detail => render::csv_detail(report),
        AttendanceFormat::Csv => render::csv(report),
        AttendanceFormat::Json => render::json(report).into_bytes(),
        AttendanceFormat::Html => render::html(report, job.fail_under).into_bytes(),
        AttendanceFormat::Xlsx => render::xlsx(report).map_err(Error::Workbook)?,
    };
    match &job.out {
        Some(path) => {
            std::fs::write(path, &bytes).map_err(|err| Error::io("write to", path, err))?;
            eprintln!("wrote `{}`", path.display());
            Ok(())
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&bytes)
                .and_then(|()| stdout.flush())
                .map_err(Error::Stdout)
        }
    }
}
