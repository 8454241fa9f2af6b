//! CSV for spreadsheets: UTF-8 with a BOM, so that Excel in a Chinese locale reads
//! the names right. One row per class × learner, or with `--detail` one row per
//! held or not-held session × learner.

use super::completion;
use crate::attendance::Report;

/// `class,userid,name,department,held,attended,completion,watch_minutes`.
pub fn csv(report: &Report) -> Vec<u8> {
    let mut w = writer();
    class_rows(&mut w, report, None, true);
    finish(w)
}

/// One row per session that should have ended by now × learner of its class.
pub fn csv_detail(report: &Report) -> Vec<u8> {
    let mut w = writer();
    detail_rows(&mut w, report, None, true);
    finish(w)
}

/// Several schedules' reports in one CSV, each row with its schedule first
/// (a `file` column), the header once; `detail` as for `csv_detail`.
pub fn csv_of_files(reports: &[Report], detail: bool) -> Vec<u8> {
    let mut w = writer();
    for (i, report) in reports.iter().enumerate() {
        let file = Some(report.schedule.as_str());
        match detail {
            true => detail_rows(&mut w, report, file, i == 0),
            false => class_rows(&mut w, report, file, i == 0),
        }
    }
    finish(w)
}

/// One row per class × learner, after the header when `header`; with `file`
/// first when there is one.
fn class_rows(w: &mut Writer, report: &Report, file: Option<&str>, header: bool) {
    let first = file.map(|_| "file");
    if header {
        let _ = w.write_record(first.into_iter().chain([
            "class",
            "userid",
            "name",
            "department",
            "held",
            "attended",
            "completion",
            "watch_minutes",
        ]));
    }
    for c in &report.classes {
        for l in &c.learners {
            let _ = w.write_record(file.into_iter().chain([
                c.class.as_str(),
                &l.userid,
                l.name.as_deref().unwrap_or(""),
                l.department.as_deref().unwrap_or(""),
                &l.held.to_string(),
                &l.attended.to_string(),
                &completion(l.completion),
                &format!("{:.1}", l.watch_minutes),
            ]));
        }
    }
}

/// `class,userid,name,department,session,start,state,attended,watch_minutes`: one
/// row per session that should have ended by now × learner of its class (with
/// `file` first when there is one).
fn detail_rows(w: &mut Writer, report: &Report, file: Option<&str>, header: bool) {
    let first = file.map(|_| "file");
    if header {
        let _ = w.write_record(first.into_iter().chain([
            "class",
            "userid",
            "name",
            "department",
            "session",
            "start",
            "state",
            "attended",
            "watch_minutes",
        ]));
    }
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
                let _ = w.write_record(file.into_iter().chain([
                    c.class.as_str(),
                    &l.userid,
                    l.name.as_deref().unwrap_or(""),
                    l.department.as_deref().unwrap_or(""),
                    &s.key,
                    &s.start,
                    s.state.name(),
                    attended,
                    &format!("{:.1}", crate::attendance::minutes(watched)),
                ]));
            }
        }
    }
}

type Writer = ::csv::Writer<Vec<u8>>;

fn writer() -> Writer {
    // The BOM first: Excel takes a CSV without one for the locale's code page.
    ::csv::Writer::from_writer("\u{feff}".as_bytes().to_vec())
}

fn finish(w: Writer) -> Vec<u8> {
    w.into_inner().unwrap_or_default()
}
