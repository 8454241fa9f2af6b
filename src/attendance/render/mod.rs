//! The report written out: a table for people, CSV for spreadsheets, the JSON
//! document, a self-contained HTML page, and an Excel workbook.

mod csv;
mod html;
mod table;
mod xlsx;

pub use csv::{csv, csv_detail};
pub use html::html;
pub use table::table;
pub use xlsx::xlsx;

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
