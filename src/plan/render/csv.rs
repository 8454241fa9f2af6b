//! The plan as CSV, one row per session, for spreadsheets.

use crate::plan::Plan;
use crate::plan::changes::Change;
use crate::schedule::values::weekday_short;

pub fn csv(plan: &Plan, changes: &[Change]) -> String {
    let actions: std::collections::HashMap<&crate::plan::SessionKey, &str> = changes
        .iter()
        .filter_map(|c| Some((c.key.session()?, c.action.name())))
        .collect();
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "key",
        "class",
        "n",
        "start",
        "weekday",
        "week",
        "duration_minutes",
        "anchor",
        "type",
        "theme",
        "action",
    ]);
    for l in &plan.lives {
        let action = actions.get(&l.key).copied().unwrap_or("");
        let _ = w.write_record([
            &l.key.to_string(),
            l.class_id(),
            &l.n.to_string(),
            &l.start.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            weekday_short(l.weekday()),
            &l.week.to_string(),
            &(l.duration() / 60).to_string(),
            &l.anchor,
            l.kind().name(),
            &l.theme().to_string(),
            action,
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
