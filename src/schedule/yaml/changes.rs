//! The `changes` of a YAML schedule: one session moved, handed over or cancelled.

use super::reader::Reader;
use crate::schedule::model::{Change, ChangeAction};
use crate::schedule::node::{Kind, Node};
use crate::schedule::values;

const CHANGE_FIELDS: &[&str] = &["class", "date", "move_to", "cancel", "anchor"];

impl Reader<'_> {
    pub(super) fn changes(&mut self, node: &Node) -> Vec<Change> {
        let Kind::Seq(items) = &node.kind else {
            self.type_error(node, "changes", "a list of changes");
            return Vec::new();
        };
        let mut out: Vec<Change> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("changes[{i}]");
            let Some(f) = self.fields(item, &path, "a change", CHANGE_FIELDS) else {
                continue;
            };
            let class = self.required(&f, "class", &path, |s| Ok(s.trim().to_string()));
            let date = self.required(&f, "date", &path, values::date);
            let cancel = f
                .get("cancel")
                .and_then(|n| self.bool(n, &format!("{path}.cancel")))
                .unwrap_or(false);
            let move_to_node = f.get("move_to");
            let move_to = move_to_node
                .and_then(|n| self.value(n, &format!("{path}.move_to"), values::datetime));
            if move_to_node.is_some() && move_to.is_none() {
                continue;
            }
            let anchor = f
                .get("anchor")
                .and_then(|n| self.text(n, &format!("{path}.anchor")));
            let move_to_at = move_to.as_ref().map(|m| m.origin);
            let action = match (cancel, move_to, anchor) {
                (true, None, None) => ChangeAction::Cancel,
                (true, _, _) => {
                    self.error(
                        format!("`{path}` cancels the session and also edits it"),
                        item.origin,
                    )
                    .help = Some("keep either `cancel: true` or `move_to`/`anchor`".into());
                    self.last().label = Some("expected a cancel or an edit, not both".into());
                    continue;
                }
                (false, None, None) => {
                    self.error(format!("`{path}` changes nothing"), item.origin)
                        .help = Some("give `move_to`, `anchor` or `cancel: true`".into());
                    self.last().label = Some("expected `move_to`, `anchor` or `cancel`".into());
                    continue;
                }
                (false, move_to, anchor) => ChangeAction::Edit {
                    move_to: move_to.map(|m| m.value),
                    anchor: anchor.map(|a| a.value),
                },
            };
            if let (Some(class), Some(date)) = (class, date) {
                // Two entries for one session: which applies would depend on their order.
                if let Some(first) = out
                    .iter()
                    .find(|c| c.class == class.value && c.date == date.value)
                {
                    let other = self.place(first.origin);
                    self.error(
                        format!(
                            "`{path}` changes the session of `{}` on `{}` again",
                            class.value, date.value
                        ),
                        item.origin,
                    )
                    .help = Some(format!(
                        "it is changed at {other} too; give one entry per session"
                    ));
                    self.last().label = Some("expected one change per session".into());
                    continue;
                }
                out.push(Change {
                    class: class.value,
                    date: date.value,
                    action,
                    origin: class.origin,
                    move_to_at,
                });
            }
        }
        out
    }
}
