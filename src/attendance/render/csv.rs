//! CSV for spreadsheets: UTF-8 with a BOM, so that Excel in a Chinese locale reads
//! the names right. One row per class × learner, or with `--detail` one row per
//! held or not-held session × learner.

use super::completion;
use crate::attendance::Report;

/// `class,userid,name,department,held,attended,completion,watch_minutes`.
pub fn csv(report: &Report) -> Vec<u8> {
    let mut w = writer();
    let _ = w.write_record([
        "class",
        "userid",
        "name",
        "department",
        "held",
        "attended",
        "completion",
        "watch_minutes",
    ]);
    for c in &report.classes {
        for l in &c.learners {
            let _ = w.write_record([
                c.class.as_str(),
                &l.userid,
                l.name.as_deref().unwrap_or(""),
                l.department.as_deref().unwrap_or(""),
                &l.held.to_string(),
                &l.attended.to_string(),
                &completion(l.completion),
                &format!("{:.1}", l.watch_minutes),
            ]);
        }
    }
    finish(w)
}

/// `class,userid,name,department,session,start,state,attended,watch_minutes`: one
/// row per session that should have ended by now × learner of its class.
pub fn csv_detail(report: &Report) -> Vec<u8> {
    let mut w = writer();
    let _ = w.write_record([
        "class",
        "userid",
        "name",
        "department",
        "session",
        "start",
        "state",
        "attended",
        "watch_minutes",
    ]);
    for c in &report.classes {
        for l in &c.learners {
            for n in &c.session_indexes {
                let s = &report.sessions[*n];
                let seen = s.viewers.iter().find(|v| v.userid == l.userid);
                let attended = match (s.held, seen) {
                    (false, _) => "",
                    (true, Some(v)) if v.attended => "1",
                    (true, _) => "0",
                };
                let watched = seen.map_or(0, |v| v.watch_seconds);
                let _ = w.write_record([
                    c.class.as_str(),
                    &l.userid,
                    l.name.as_deref().unwrap_or(""),
                    l.department.as_deref().unwrap_or(""),
                    &s.key,
                    &s.start,
                    s.state.name(),
                    attended,
                    &format!("{:.1}", crate::attendance::minutes(watched)),
                ]);
            }
        }
    }
    finish(w)
}

fn writer() -> ::csv::Writer<Vec<u8>> {
    // The BOM first: Excel takes a CSV without one for the locale's code page.
    ::csv::Writer::from_writer("\u{feff}".as_bytes().to_vec())
}

fn finish(w: ::csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().unwrap_or_default()
}
