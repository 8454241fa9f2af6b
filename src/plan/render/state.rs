//! What the ledger says about one planned session, in words people read.

use crate::ledger::{Event, KeyState, LedgerState};

/// A session's standing in the ledger. `Planned` means the ledger has never heard of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SessionState {
    Planned,
    Created,
    Modified,
    Cancelled,
    Failed,
    /// An intent with no result: a run stopped mid-call, so the live may or may not exist.
    InDoubt,
}

impl SessionState {
    pub const ALL: [SessionState; 6] = [
        Self::Planned,
        Self::Created,
        Self::Modified,
        Self::Cancelled,
        Self::Failed,
        Self::InDoubt,
    ];

    pub fn of(key: &str, ledger: &LedgerState) -> SessionState {
        ledger.get(key).map_or(Self::Planned, Self::from_key)
    }

    fn from_key(k: &KeyState) -> SessionState {
        match k.last() {
            Event::Created | Event::Adopted => Self::Created,
            Event::Modified => Self::Modified,
            Event::Cancelled => Self::Cancelled,
            Event::Failed => Self::Failed,
            Event::Intent => Self::InDoubt,
            // Only observed, never acted on here: it exists if WeCom gave it an id.
            Event::Refreshed if k.livingid().is_some() => Self::Created,
            Event::Refreshed => Self::Planned,
            // A second live, to be cancelled: it exists until then.
            Event::Duplicate => Self::Created,
            // Not ours: no session of this schedule.
            Event::Foreign => Self::Planned,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Created => "created",
            Self::Modified => "modified",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
            Self::InDoubt => "in_doubt",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Record;
    use crate::plan::changes::{Course, course, drift};
    use jiff::Timestamp;

    fn state(records: &[Record]) -> LedgerState {
        LedgerState::from_records(records)
    }

    #[test]
    fn the_last_lifecycle_event_decides() {
        let t = Timestamp::UNIX_EPOCH;
        let l = state(&[
            Record::new("a", Event::Intent, t),
            Record::new("a", Event::Created, t).with_livingid("L"),
            Record::new("b", Event::Intent, t),
            Record::new("c", Event::Created, t).with_livingid("L2"),
            Record::new("c", Event::Failed, t).with_error(Some(92006), "x"),
            Record::new("d", Event::Created, t).with_livingid("L3"),
            Record::new("d", Event::Refreshed, t)
                .with_livingid("L3")
                .with_status(2),
        ]);
        assert_eq!(SessionState::of("a", &l), SessionState::Created);
        assert_eq!(SessionState::of("b", &l), SessionState::InDoubt);
        assert_eq!(SessionState::of("c", &l), SessionState::Failed);
        assert_eq!(SessionState::of("d", &l), SessionState::Created);
        assert_eq!(SessionState::of("z", &l), SessionState::Planned);
        // Ended at its time: held, its normal course, not drift.
        assert_eq!(drift(l.get("d").unwrap()), None);
        assert_eq!(course(l.get("d").unwrap()), Some(Course::Held));
        assert_eq!(drift(l.get("a").unwrap()), None);
    }
}
