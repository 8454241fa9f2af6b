//! The report as one self-contained page, under the same rules as the calendar
//! page: no scripts, fonts, images or network (a Content-Security-Policy forbids
//! them), and it prints on A4. Per class a grid of learners × sessions: one cell per
//! learner and held session, coloured by the share watched and outlined when that
//! counts as attended; sessions not held are marked across the whole column.

use std::fmt::Write;

use crate::attendance::{ClassReport, Report, SessionReport, SessionState, percent};

const STYLE: &str = include_str!("html.css");

/// `under`: completions below this share are shown in red (`--fail-under`).
pub fn html(report: &Report, under: Option<f64>) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"generator\" content=\"livesched\">\n\
         <title>Attendance · {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        esc(&report.schedule)
    );
    let held: usize = report.classes.iter().map(|c| c.held).sum();
    let ended: usize = report.classes.iter().map(|c| c.sessions).sum();
    let _ = write!(
        out,
        "<header>\n<h1>Attendance</h1>\n<p class=\"meta\">{} · as of {} · {held} of {ended} sessions held · attended = watched {}</p>\n",
        esc(&report.schedule),
        esc(&report.now),
        esc(&report.rule.describe()),
    );
    out.push_str("<ul class=\"key\">");
    for (class, what) in [
        ("w0", "did not watch"),
        ("w1", "under 25%"),
        ("w2", "25–50%"),
        ("w3", "50–75%"),
        ("w4", "75% or more"),
        ("w4 att", "attended"),
    ] {
        let _ = write!(out, "<li><span class=\"swatch {class}\"></span>{what}</li>");
    }
    out.push_str("</ul>\n</header>\n");
    for c in &report.classes {
        class(&mut out, report, c, under);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn class(out: &mut String, report: &Report, c: &ClassReport, under: Option<f64>) {
    let sessions: Vec<&SessionReport> = c
        .session_indexes
        .iter()
        .map(|n| &report.sessions[*n])
        .collect();
    let _ = write!(
        out,
        "<section class=\"class\" id=\"class-{id}\">\n<h2>{id}</h2>\n<p class=\"meta\">{} of {} session{} held{} · {} learner{}</p>\n",
        c.held,
        c.sessions,
        if c.sessions == 1 { "" } else { "s" },
        if c.not_held > 0 {
            format!(" · {} not held", c.not_held)
        } else {
            String::new()
        },
        c.learners.len(),
        if c.learners.len() == 1 { "" } else { "s" },
        id = esc(&c.class),
    );
    if sessions.is_empty() {
        out.push_str("<p class=\"meta\">No session has ended yet.</p>\n</section>\n");
        return;
    }
    if c.learners.is_empty() {
        out.push_str(
            "<p class=\"meta\">No learners named (<code>learners:</code> in the schedule).</p>\n",
        );
    } else {
        grid(out, c, &sessions, under);
    }
    others(out, c);
    out.push_str("</section>\n");
}

fn grid(out: &mut String, c: &ClassReport, sessions: &[&SessionReport], under: Option<f64>) {
    out.push_str("<div class=\"scroll\"><table class=\"grid\">\n<thead><tr><th></th>");
    for s in sessions {
        let _ = write!(
            out,
            "<th{} title=\"{}\">{}<br>{}</th>",
            if s.held { "" } else { " class=\"no\"" },
            esc(&format!("{} · {}", s.key, s.theme)),
            s.local_start.strftime("%-m/%-d"),
            s.local_start.strftime("%H:%M"),
        );
    }
    out.push_str("<th>completion</th><th>minutes</th></tr></thead>\n<tbody>\n");
    let rows = c.learners.len();
    for (row, l) in c.learners.iter().enumerate() {
        let who = l.name.as_deref().unwrap_or(&l.userid);
        let small = match &l.department {
            Some(d) => format!("{} · {}", l.userid, d),
            None if l.name.is_some() => l.userid.clone(),
            None => String::new(),
        };
        let _ = write!(
            out,
            "<tr><th class=\"who\" scope=\"row\">{}{}</th>",
            esc(who),
            if small.is_empty() {
                String::new()
            } else {
                format!("<small>{}</small>", esc(&small))
            }
        );
        let mut held = 0;
        for s in sessions {
            if s.held {
                let watched = l.watched.get(held).copied().unwrap_or(0);
                held += 1;
                let attended = s.viewers.iter().any(|v| v.userid == l.userid && v.attended);
                cell(out, s, &l.userid, who, watched, attended);
            } else if row == 0 {
                let (class, word) = match s.state {
                    state if state.is_not_held() => ("not-held", state.name().replace('_', " ")),
                    SessionState::Running => ("pending", "running".to_string()),
                    state => ("pending", state.name().replace('_', " ")),
                };
                let _ = write!(
                    out,
                    "<td class=\"{class}\" rowspan=\"{rows}\" data-key=\"{}\">{word}</td>",
                    esc(&s.key)
                );
            }
        }
        let low = match (l.completion, under) {
            (Some(done), Some(under)) if done < under => " low",
            _ => "",
        };
        let _ = writeln!(
            out,
            "<td class=\"completion{low}\">{}</td><td class=\"minutes\">{:.0}</td></tr>",
            l.completion.map_or("–".to_string(), percent),
            l.watch_minutes
        );
    }
    out.push_str("</tbody></table></div>\n");
}

fn cell(
    out: &mut String,
    s: &SessionReport,
    userid: &str,
    who: &str,
    watched: i64,
    attended: bool,
) {
    let share = watched as f64 / s.scheduled_seconds.max(1) as f64;
    let band = match share {
        x if x <= 0.0 => "w0",
        x if x < 0.25 => "w1",
        x if x < 0.5 => "w2",
        x if x < 0.75 => "w3",
        _ => "w4",
    };
    let minutes = (watched as f64 / 60.0).round();
    let title = format!(
        "{who} · {} {}: {minutes:.0} of {} min{}",
        s.local_start.strftime("%Y-%m-%d"),
        s.local_start.strftime("%H:%M"),
        s.scheduled_seconds / 60,
        if attended { ", attended" } else { "" }
    );
    let _ = write!(
        out,
        "<td class=\"cell {band}{}\" data-key=\"{}\" data-learner=\"{}\" title=\"{}\">{}</td>",
        if attended { " att" } else { "" },
        esc(&s.key),
        esc(userid),
        esc(&title),
        if watched > 0 {
            format!("{minutes:.0}")
        } else {
            String::new()
        }
    );
}

fn others(out: &mut String, c: &ClassReport) {
    let mut parts = Vec::new();
    if !c.off_roster.is_empty() {
        let names: Vec<String> = c
            .off_roster
            .iter()
            .map(|o| {
                format!(
                    "{} ({} · {:.0} min)",
                    esc(&o.userid),
                    o.sessions,
                    o.watch_minutes
                )
            })
            .collect();
        parts.push(format!(
            "<b>Off the roster:</b> {}",
            super::first(&names, 12)
        ));
    }
    if c.external.viewers > 0 {
        parts.push(format!(
            "<b>From outside the corp:</b> {} viewer{} ({} WeChat, {} WeCom), {:.0} min",
            c.external.viewers,
            if c.external.viewers == 1 { "" } else { "s" },
            c.external.wechat,
            c.external.wecom,
            c.external.watch_minutes
        ));
    }
    if !parts.is_empty() {
        let _ = writeln!(out, "<p class=\"others\">{}</p>", parts.join(" · "));
    }
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
