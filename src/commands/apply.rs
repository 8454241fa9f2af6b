//! `livesched apply`: plan, confirm, carry the changes out, record every step.

use std::io::{BufRead, IsTerminal, Write};

use super::remote;
use crate::apply::{Summary, Task};
use crate::config::ApplyJob;
use crate::diagnostics;
use crate::exit_codes::ExitCode;
use crate::ledger::Event;
use crate::plan::changes::{self, Action};

pub fn run(job: &ApplyJob) -> ExitCode {
    try_run(job).unwrap_or_else(|code| code)
}

/// `Err` carries the exit code of a step that could not go on.
fn try_run(apply: &ApplyJob) -> Result<ExitCode, ExitCode> {
    let job = &apply.remote;
    let planned = super::plan_term(&job.file, apply.strict);
    diagnostics::report(&planned.problems, &planned.sources);
    let Some(plan) = planned.plan else {
        eprintln!(
            "`{}`: invalid ({}); nothing was sent",
            job.file.display(),
            diagnostics::tally(&planned.problems)
        );
        return Ok(ExitCode::INVALID_INPUT);
    };
    let places = remote::places(&job.file, job.ledger.as_deref(), job.sandbox);
    let ledger = remote::open_ledger(&places)?;
    let options = changes::Options {
        recreate_cancelled: apply.recreate_cancelled,
    };
    let all = changes::changes_with(&plan, ledger.state(), job.now, options);
    let mut summary = Summary::default();
    let (mut first, mut then) = (Vec::new(), Vec::new());
    let lives: std::collections::HashMap<&str, &crate::plan::PlannedLive> =
        plan.lives.iter().map(|l| (l.key.as_str(), l)).collect();
    let mut creates = 0usize;
    for change in &all {
        let held = ledger.state().get(&change.key);
        match change.action {
            Action::Unchanged => summary.unchanged += 1,
            Action::Drifted => summary.drifted += 1,
            Action::Replace => first.push(Task::Replace {
                live: Box::new(lives[change.key.as_str()].clone()),
                old: change.livingid.clone().unwrap_or_default(),
                pending: pending_create(held),
            }),
            Action::Past => summary.past += 1,
            Action::Create => {
                if apply.max_creates.is_some_and(|max| creates >= max) {
                    summary.deferred += 1;
                    continue;
                }
                creates += 1;
                first.push(Task::Create {
                    live: Box::new(lives[change.key.as_str()].clone()),
                    pending: pending_create(held),
                });
            }
            Action::Modify => first.push(Task::Modify {
                live: Box::new(lives[change.key.as_str()].clone()),
                livingid: change.livingid.clone().unwrap_or_default(),
                current: held.and_then(|k| k.request.clone()),
            }),
            Action::Cancel => then.push(Task::Cancel {
                key: change.key.clone(),
                livingid: change.livingid.clone().unwrap_or_default(),
            }),
        }
    }
    // A tombstone left by an earlier replace waits for the replace scheduled now:
    // cancelling it here as well would leave the session with no live if that failed.
    let replacing: std::collections::HashSet<String> = first
        .iter()
        .filter_map(|t| match t {
            Task::Replace { live, old, .. } => Some(changes::tombstone(&live.key, old)),
            _ => None,
        })
        .collect();
    then.retain(|t| !matches!(t, Task::Cancel { key, .. } if replacing.contains(key)));
    let tasks = first.len() + then.len();
    if tasks == 0 {
        eprintln!("{}", summary.render().trim_end());
        write_report(job.report.as_deref(), &summary);
        return Ok(ExitCode::SUCCESS);
    }
    // The sandbox touches nothing real: no need to ask.
    let ask = !job.yes && !job.sandbox;
    if ask && std::io::stdin().is_terminal() {
        // The person deciding sees what will change, as `plan` shows it.
        let tz = planned.schedule.as_ref().map(|s| s.term.tz.clone());
        if let Some(tz) = tz {
            let listing = crate::plan::render::Listing {
                verbose: false,
                creates: 20,
            };
            eprint!("{}", crate::plan::render::diff(&plan, &all, &tz, listing));
        }
    }
    eprintln!("{}", describe(&first, &then, &summary));
    if ask && !confirm() {
        return Ok(ExitCode::ERROR);
    }
    let runtime = remote::runtime()?;
    let pace = remote::Pace {
        rate: job.rate,
        concurrency: job.concurrency,
        quota_pause: apply.quota_pause,
    };
    let summary = runtime.block_on(async {
        let remote = remote::Remote::connect(job, &places).await?;
        let summary =
            remote::run_tasks(remote.client.clone(), ledger, pace, first, then, summary).await;
        remote.close().await;
        Ok::<_, ExitCode>(summary)
    })?;
    eprint!("{}", summary.render());
    write_report(job.report.as_deref(), &summary);
    Ok(remote::exit_code(&summary))
}

/// What an earlier call sent for a create that may have made the live: an intent
/// with no result (a killed run), or a failure that kept the body of a call that
/// may have acted (a lost reply, then a lookup that failed too). The next run
/// looks it up before creating.
fn pending_create(held: Option<&crate::ledger::KeyState>) -> Option<serde_json::Value> {
    held.map(|k| &k.last_record)
        .filter(|r| matches!(r.event, Event::Intent | Event::Failed))
        .filter(|r| matches!(r.action.as_deref(), Some("create" | "replace")))
        .and_then(|r| r.request.clone())
}

/// The changes about to be made, for the person (or log) deciding.
fn describe(first: &[Task], then: &[Task], summary: &Summary) -> String {
    let count = |pred: fn(&Task) -> bool| first.iter().chain(then).filter(|t| pred(t)).count();
    let creates = count(|t| matches!(t, Task::Create { .. }));
    let modifies = count(|t| matches!(t, Task::Modify { .. }));
    let replaces = count(|t| matches!(t, Task::Replace { .. }));
    let cancels = count(|t| matches!(t, Task::Cancel { .. }));
    let mut s = format!(
        "apply: {creates} to create, {modifies} to modify, {replaces} to replace, {cancels} to cancel"
    );
    if summary.unchanged + summary.past > 0 {
        s.push_str(&format!(
            "; {} unchanged, {} past",
            summary.unchanged, summary.past
        ));
    }
    if summary.deferred > 0 {
        s.push_str(&format!(
            "; {} left for a later run (--max-creates)",
            summary.deferred
        ));
    }
    s
}

/// Asks on the terminal; without one, refuses (CI passes `--yes`).
pub(super) fn confirm() -> bool {
    if !std::io::stdin().is_terminal() {
        eprintln!(
            "error: refusing to apply without confirmation\n  help: no terminal to ask on: pass `--yes`"
        );
        return false;
    }
    eprint!("go ahead? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    let yes = matches!(answer.trim().to_lowercase().as_str(), "y" | "yes");
    if !yes {
        eprintln!("nothing applied");
    }
    yes
}

pub fn write_report(path: Option<&std::path::Path>, summary: &Summary) {
    let Some(path) = path else { return };
    let body = serde_json::to_string_pretty(summary).unwrap_or_default() + "\n";
    if let Err(err) = std::fs::write(path, body) {
        eprintln!(
            "warning: failed to write the report `{}`: {err}",
            path.display()
        );
    }
}
