//! The report for a person: per class, the sessions held and not held, then each
//! learner with sessions attended of held, completion and minutes; viewers off the
//! roster and from outside the corp counted apart.

use std::fmt::Write;

use super::completion;
use crate::attendance::{ClassReport, Report, SessionState, percent};
use crate::plan::render::{display_width, pad};

/// Viewers off the roster named in full; the rest are counted (the JSON lists all).
const SHOWN: usize = 8;

pub fn table(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "attendance of `{}` at {}: attended = watched {}",
        report.schedule,
        report.now,
        report.rule.describe()
    );
    if report.classes.is_empty() {
        out.push_str("\nno classes\n");
    }
    for c in &report.classes {
        class(&mut out, report, c);
    }
    let lowest = report
        .classes
        .iter()
        .flat_map(|c| c.learners.iter().filter_map(|l| l.completion))
        .reduce(f64::min);
    if let Some(share) = lowest {
        let _ = writeln!(out, "\nlowest completion: {}", percent(share));
    }
    out
}

/// One class: its sessions held and not, its learners, and who watched from off the roster.
fn class(out: &mut String, report: &Report, c: &ClassReport) {
    let _ = writeln!(out, "\n{}", c.class);
    if c.sessions == 0 {
        out.push_str("  no session has ended yet\n");
        return;
    }
    let mut states: Vec<String> = Vec::new();
    for state in [
        SessionState::Expired,
        SessionState::Cancelled,
        SessionState::NoLive,
        SessionState::Running,
        SessionState::NotStarted,
        SessionState::Unread,
    ] {
        let n = report.not_held(c).filter(|s| s.state == state).count();
        if n > 0 {
            states.push(format!("{n} {}", state.name().replace('_', " ")));
        }
    }
    let _ = writeln!(
        out,
        "  {} of {} session{} held{}",
        c.held,
        c.sessions,
        if c.sessions == 1 { "" } else { "s" },
        if states.is_empty() {
            String::new()
        } else {
            format!(" ({})", states.join(", "))
        }
    );
    learners(out, c);
    if !c.off_roster.is_empty() {
        let names: Vec<String> = c
            .off_roster
            .iter()
            .map(|o| format!("{} ({})", o.userid, o.sessions))
            .collect();
        let _ = writeln!(
            out,
            "  off the roster: {} member{} watched: {}",
            c.off_roster.len(),
            if c.off_roster.len() == 1 { "" } else { "s" },
            super::first(&names, SHOWN)
        );
    }
    if c.external.viewers > 0 {
        let _ = writeln!(
            out,
            "  from outside the corp: {} viewer{} ({} WeChat, {} WeCom), {:.1} minutes",
            c.external.viewers,
            if c.external.viewers == 1 { "" } else { "s" },
            c.external.wechat,
            c.external.wecom,
            c.external.watch_minutes
        );
    }
}

/// The class's learners, a row each, or a line saying it names none.
fn learners(out: &mut String, c: &ClassReport) {
    if c.learners.is_empty() {
        out.push_str("  no learners named (`learners:` in the schedule)\n");
    } else {
        let rows: Vec<[String; 6]> = c
            .learners
            .iter()
            .map(|l| {
                [
                    l.userid.clone(),
                    l.name.clone().unwrap_or_default(),
                    l.department.clone().unwrap_or_default(),
                    format!("{}/{}", l.attended, l.held),
                    completion(l.completion),
                    format!("{:.1}", l.watch_minutes),
                ]
            })
            .collect();
        grid(
            out,
            [
                "LEARNER",
                "NAME",
                "DEPARTMENT",
                "ATTENDED",
                "COMPLETION",
                "MINUTES",
            ],
            &rows,
        );
    }
}

fn grid(out: &mut String, header: [&str; 6], rows: &[[String; 6]]) {
    let mut widths = header.map(display_width);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(display_width(cell));
        }
    }
    let mut line = |cells: [&str; 6]| {
        let mut l = String::from("  ");
        for (i, cell) in cells.iter().enumerate() {
            // Numbers line up on the right.
            if i >= 3 {
                let w = widths[i].saturating_sub(display_width(cell));
                l.push_str(&" ".repeat(w));
                l.push_str(cell);
            } else {
                l.push_str(&pad(cell, widths[i]));
            }
            l.push_str("  ");
        }
        let _ = writeln!(out, "{}", l.trim_end());
    };
    line(header);
    for r in rows {
        line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]);
    }
}
