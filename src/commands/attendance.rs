//! `livesched attendance`: read the lives that should have ended (each once, through
//! the gate), keep them beside the ledger, and report who came, per class and learner.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use crate::apply::call;
use crate::attendance::{
    self, Fetched, Inputs, Reader, Report, Store, Target, render, store_path_for,
};
use crate::config::{AttendanceFormat, AttendanceJob};
use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::ledger::LedgerState;
use crate::remote::Session;

use super::schedules::{self, Term};
use crate::schedule::Schedule;

pub fn run(job: &AttendanceJob) -> Result<ExitCode, Error> {
    let remote = &job.remote;
    let format = job.format();
    check_output(job, format)?;
    let files = schedules::find(&remote.inputs)?;
    if files.len() > 1 && matches!(format, AttendanceFormat::Html | AttendanceFormat::Xlsx) {
        return Err(Error::Usage(
            "`--format html` and `--format xlsx` report on one schedule: run `attendance` once \
             per file, or use table, csv or json"
                .to_string(),
        ));
    }
    let planned = schedules::planned(files, &remote.inputs, "nothing was read")?;
    let (many, skipped) = (planned.is_many(), planned.exit_code());
    if planned.terms.is_empty() {
        return Ok(ExitCode::INVALID_INPUT);
    }
    let places = planned.terms.iter().map(|t| t.places.clone()).collect();
    let mut session = Session::open(remote, places)?;
    if remote.inputs.sandbox {
        session =
            session.with_sandbox_users(sandbox_corp(planned.terms.iter().map(|t| &t.schedule)));
    }
    let mut dues = planned
        .terms
        .iter()
        .enumerate()
        .map(|(i, term)| Due::of(job, &session, i, term))
        .collect::<Result<Vec<Due>, Error>>()?;
    let fetched = read(job, session, &mut dues, &planned.terms, many)?;
    let mut code = ExitCode::SUCCESS;
    let mut reports = Vec::new();
    for ((term, due), fetched) in planned.terms.iter().zip(dues).zip(&fetched) {
        for line in fetched.lines() {
            eprintln!("{line}");
        }
        if !fetched.failed.is_empty() {
            code = code.merge(ExitCode::PARTIAL_FAILURE);
        }
        let store = due.store.into_inner().expect("store lock");
        reports.push(attendance::report(&Inputs {
            schedule_path: &term.file,
            schedule: &term.schedule,
            plan: &term.plan,
            ledger: &due.ledger,
            readings: store.readings(),
            rule: job.rule,
            now: job.remote.now,
        }));
    }
    if fetched.iter().any(|f| f.interrupted) {
        return Ok(ExitCode::INTERRUPTED);
    }
    write(job, format, &reports, many)?;
    for report in &reports {
        if let Some(bar) = job.fail_under
            && let Some(below) = render::below(report, bar)
        {
            eprintln!("{below}");
            code = code.merge(ExitCode::FAIL_UNDER);
        }
    }
    Ok(code.merge(skipped))
}

/// One schedule's readings kept so far, its ledger, and the lives due to be read.
struct Due {
    store: Mutex<Store>,
    ledger: LedgerState,
    targets: Vec<Target>,
}

impl Due {
    fn of(job: &AttendanceJob, session: &Session, i: usize, term: &Term) -> Result<Due, Error> {
        let store = Store::open(&store_path_for(&term.places.ledger))?;
        if let Some(line) = store.repaired() {
            eprintln!(
                "note: repaired `{}`: line {line} was cut off mid-write; that live is read again",
                store.path().display()
            );
        }
        let ledger = session.states().nth(i).cloned().unwrap_or_default();
        let now = job.remote.now;
        let targets = attendance::due(&term.plan, &ledger, store.readings(), now, job.reread);
        Ok(Due {
            store: Mutex::new(store),
            ledger,
            targets,
        })
    }
}

/// Reads every schedule's due lives, one schedule after another through the
/// run's one gate; connects only when some are due. After a Ctrl-C nothing more
/// is read (what was read is kept).
fn read(
    job: &AttendanceJob,
    session: Session,
    dues: &mut [Due],
    terms: &[Term],
    many: bool,
) -> Result<Vec<Fetched>, Error> {
    if dues.iter().all(|d| d.targets.is_empty()) {
        return Ok(dues.iter().map(|_| Fetched::default()).collect());
    }
    session.with_remote(async |c| {
        // Wrong credentials or no WeCom there: stop before reading anything.
        call(&c.gate, &[], || c.client.authenticate()).await?;
        let mut all: Vec<Fetched> = Vec::new();
        for (i, due) in dues.iter_mut().enumerate() {
            let targets = std::mem::take(&mut due.targets);
            if targets.is_empty() || all.iter().any(|f| f.interrupted) {
                all.push(Fetched::default());
                continue;
            }
            let from = match many {
                true => format!(" for `{}`", terms[i].file.display()),
                false => String::new(),
            };
            eprintln!("reading {} lives from WeCom{from}…", targets.len());
            let reader = Reader {
                client: &c.client,
                gate: &c.gate,
                concurrency: c.concurrency,
                ledger: &c.ledgers[i],
                now: job.remote.now,
            };
            let fetched = reader.fetch(&due.store, targets).await?;
            // Still under the ledger's lock.
            due.store.lock().expect("store lock").compact()?;
            all.push(fetched);
        }
        Ok::<Vec<Fetched>, Error>(all)
    })?
}

/// The sandbox's simulated corp: the anchors and learners the schedules name,
/// and three guests who are on no roster.
fn sandbox_corp<'a>(schedules: impl Iterator<Item = &'a Schedule>) -> Vec<String> {
    let mut users: Vec<String> = Vec::new();
    let names = schedules.flat_map(|s| &s.classes).flat_map(|c| {
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

/// One report as asked; several (from several schedules) as a table per file
/// under its name, one CSV with a `file` column, or `{"files": [...]}`.
fn write(
    job: &AttendanceJob,
    format: AttendanceFormat,
    reports: &[Report],
    many: bool,
) -> Result<(), Error> {
    let bytes = match (many, reports) {
        (false, [report]) => one(job, format, report)?,
        _ => several(job, format, reports),
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

fn one(job: &AttendanceJob, format: AttendanceFormat, report: &Report) -> Result<Vec<u8>, Error> {
    Ok(match format {
        AttendanceFormat::Table => render::table(report).into_bytes(),
        AttendanceFormat::Csv if job.detail => render::csv_detail(report),
        AttendanceFormat::Csv => render::csv(report),
        AttendanceFormat::Json => render::json(report).into_bytes(),
        AttendanceFormat::Html => render::html(report, job.fail_under).into_bytes(),
        AttendanceFormat::Xlsx => render::xlsx(report).map_err(Error::Workbook)?,
    })
}

/// Several schedules' reports in one output (HTML and xlsx were refused before).
fn several(job: &AttendanceJob, format: AttendanceFormat, reports: &[Report]) -> Vec<u8> {
    match format {
        AttendanceFormat::Json => {
            #[derive(serde::Serialize)]
            struct Files<'a> {
                files: &'a [Report],
            }
            let mut s = serde_json::to_string_pretty(&Files { files: reports }).unwrap_or_default();
            s.push('\n');
            s.into_bytes()
        }
        AttendanceFormat::Csv => render::csv_of_files(reports, job.detail),
        _ => {
            let mut out = String::new();
            for report in reports {
                out.push_str(&format!(
                    "==> {} <==\n{}\n",
                    report.schedule,
                    render::table(report)
                ));
            }
            out.into_bytes()
        }
    }
}
