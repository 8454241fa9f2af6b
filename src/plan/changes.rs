//! What `apply` would do for each session: the diff of the plan against the ledger.

use jiff::Timestamp;
use serde::Serialize;

use super::live::Plan;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Modify,
    Cancel,
    Unchanged,
    Past,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Modify => "modify",
            Self::Cancel => "cancel",
            Self::Unchanged => "unchanged",
            Self::Past => "past",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub action: Action,
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub livingid: Option<String>,
}

/// Every session against `now`: one that starts before now is `past`, never touched.
pub fn changes(plan: &Plan, now: Timestamp) -> Vec<Change> {
    plan.lives
        .iter()
        .map(|l| Change {
            action: if l.start.timestamp() < now {
                Action::Past
            } else {
                Action::Create
            },
            key: l.key.clone(),
            livingid: None,
        })
        .collect()
}

/// Whether any change would call the API.
pub fn pending(changes: &[Change]) -> bool {
    changes
        .iter()
        .any(|c| matches!(c.action, Action::Create | Action::Modify | Action::Cancel))
}
