//! The report written out: a table for people, CSV for spreadsheets, the JSON
//! document, a self-contained HTML page, and an Excel workbook.

mod csv;
mod html;
mod table;
mod xlsx;

pub use csv::{csv, csv_detail, csv_of_files};
pub use html::html;
pub use table::table;
pub use xlsx::xlsx;

/// `2 learners are below 80%: ml/ghost 0%, ds/b3 50%`, when any rostered learner's
/// completion is below `bar` (`--fail-under`).
pub fn below(report: &super::Report, bar: f64) -> Option<String> {
    let under = report.under(bar);
    if under.is_empty() {
        return None;
    }
    let names: Vec<String> = under
        .iter()
        .map(|(class, l)| {
            format!(
                "{class}/{} {}",
                l.userid,
                super::percent(l.completion.unwrap_or(0.0))
            )
        })
        .collect();
    let who = match under.len() {
        1 => "1 learner is".to_string(),
        n => format!("{n} learners are"),
    };
    Some(format!(
        "{who} below {}: {}",
        super::percent(bar),
        names.join(", ")
    ))
}

/// The report as its stable JSON document.
pub fn json(report: &super::Report) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
    s.push('\n');
    s
}

/// `0.75` → `75.0%`; nothing held → empty.
fn completion(c: Option<f64>) -> String {
    c.map_or(String::new(), |c| format!("{:.1}%", c * 100.0))
}

/// The first `n` of `names`, then how many more.
fn first(names: &[String], n: usize) -> String {
    if names.len() <= n {
        return names.join(", ");
    }
    format!("{} and {} more", names[..n].join(", "), names.len() - n)
}
