//! The plan as the stable JSON document described in the README.

use serde_json::{Value, json};

use crate::plan::changes::Change;
use crate::plan::{Plan, SkipReason};
use crate::schedule::{Severity, Sources};

pub fn json(plan: &Plan, changes: &[Change], sources: &Sources) -> String {
    let lives: Vec<Value> = plan
        .lives
        .iter()
        .map(|l| {
            json!({
                "key": l.key,
                "class": l.class_id(),
                "n": l.n,
                "start": l.start.timestamp().display_with_offset(l.start.offset()).to_string(),
                "week": l.week,
                "weekday": crate::schedule::values::weekday_short(l.weekday()),
                "notes": l.notes,
                "request": l.body(),
            })
        })
        .collect();
    let skipped: Vec<Value> = plan
        .skipped
        .iter()
        .map(|s| {
            let (reason, name) = match &s.reason {
                SkipReason::Holiday(n) => ("holiday", n.clone()),
                SkipReason::Skipped => ("skip", None),
                SkipReason::Cancelled => ("cancelled", None),
            };
            let mut v = json!({"class": &*s.class, "date": s.date.to_string(), "reason": reason});
            if let Some(n) = name {
                v["holiday"] = json!(n);
            }
            v
        })
        .collect();
    let warnings: Vec<Value> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .map(|p| {
            let mut v = json!({"message": p.message});
            if let Some(o) = p.origin {
                let (line, column) = o.line_col(sources);
                v["file"] = json!(sources.path(o.file).display().to_string());
                v["line"] = json!(line);
                v["column"] = json!(column);
            }
            v
        })
        .collect();
    let doc = json!({
        "lives": lives,
        "changes": changes,
        "skipped": skipped,
        "warnings": warnings,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
