//! What the ledger says about each session: the fold of its records, key by key.
//!
//! Every field of a [`KeyState`] comes from the *last* record of its key that
//! matches one fixed test (see [`Role`]). Compaction relies on exactly that: it
//! keeps those few records per key and nothing else, and the fold of the kept
//! records is the same state.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::Value;

use super::record::{Actual, Event, Record};

/// What the ledger knows about one session.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyState {
    pub key: String,
    /// The last event that moved the session on. `refreshed` records only
    /// observe, so this is `refreshed` only when nothing else was recorded.
    pub last: Event,
    /// The record that set `last`; carries `errcode`/`error` when `last` is `failed`.
    pub last_record: Record,
    /// The last livingid any record carried: a later `failed` does not forget it.
    pub livingid: Option<String>,
    /// The body of the last `created`, `adopted` or `modified` record that had one.
    pub request: Option<Value>,
    /// An intent with no result after it: a run stopped between the two, so
    /// whether the call happened is unknown and must be looked up.
    pub pending_intent: Option<Record>,
    /// WeCom's status for the live, from the last `refreshed` record.
    pub status: Option<u8>,
    pub refreshed_at: Option<Timestamp>,
    /// When the live actually started and how long it ran, from the last `refreshed` record.
    pub actual: Option<Actual>,
    /// The live as the last `refreshed` record that carried a body saw it
    /// (theme, start, … in create-body form), to tell a live edited outside.
    pub observed: Option<Value>,
}

/// The tests that decide which record supplies which part of a [`KeyState`].
/// Adding a field to `KeyState` means adding its role here, or compaction loses it.
///
/// `foreign` and `duplicate` records need no role of their own: each is the
/// lifecycle record of a key of its own (`~foreign/ID`, `KEY~ID`), and what was
/// seen rides on it as `last_record.request` and `.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// `last`, `last_record`, `pending_intent`.
    Lifecycle,
    /// `status`, `refreshed_at`, `actual`, and `last` while there is no lifecycle record.
    Refresh,
    Livingid,
    Request,
    /// `observed`.
    Observed,
}

impl Role {
    pub(crate) const ALL: [Role; 5] = [
        Role::Lifecycle,
        Role::Refresh,
        Role::Livingid,
        Role::Request,
        Role::Observed,
    ];

    pub(crate) fn matches(self, record: &Record) -> bool {
        match self {
            Role::Lifecycle => record.event.is_lifecycle(),
            Role::Refresh => record.event == Event::Refreshed,
            Role::Livingid => record.livingid.is_some(),
            Role::Request => record.event.is_success() && record.request.is_some(),
            Role::Observed => record.event == Event::Refreshed && record.request.is_some(),
        }
    }
}

impl KeyState {
    fn new(record: &Record) -> KeyState {
        let mut state = KeyState {
            key: record.key.clone(),
            last: record.event,
            last_record: record.clone(),
            livingid: None,
            request: None,
            pending_intent: None,
            status: None,
            refreshed_at: None,
            actual: None,
            observed: None,
        };
        state.push(record);
        state
    }

    fn push(&mut self, record: &Record) {
        debug_assert_eq!(self.key, record.key);
        if Role::Lifecycle.matches(record) || !self.last.is_lifecycle() {
            self.last = record.event;
            self.last_record = record.clone();
            self.pending_intent = (record.event == Event::Intent).then(|| record.clone());
        }
        if Role::Refresh.matches(record) {
            self.status = record.status;
            self.refreshed_at = Some(record.at);
            self.actual = record.actual;
        }
        if Role::Livingid.matches(record) {
            self.livingid.clone_from(&record.livingid);
        }
        if Role::Request.matches(record) {
            self.request.clone_from(&record.request);
        }
        if Role::Observed.matches(record) {
            self.observed.clone_from(&record.request);
        }
    }
}

/// What the ledger knows about every session it has seen, sorted by key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LedgerState {
    keys: BTreeMap<String, KeyState>,
}

impl LedgerState {
    /// The state a sequence of records (in ledger order) leaves behind.
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a Record>) -> LedgerState {
        let mut state = LedgerState::default();
        for record in records {
            state.push(record);
        }
        state
    }

    pub(crate) fn push(&mut self, record: &Record) {
        match self.keys.get_mut(&record.key) {
            Some(key) => key.push(record),
            None => {
                self.keys.insert(record.key.clone(), KeyState::new(record));
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&KeyState> {
        self.keys.get(key)
    }

    /// Every session, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = &KeyState> {
        self.keys.values()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Every livingid the ledger names: its sessions', replaced and duplicate
    /// lives' (`KEY~ID`), and those remembered as not ours.
    pub fn livingids(&self) -> std::collections::HashSet<&str> {
        self.keys
            .values()
            .filter_map(|k| k.livingid.as_deref())
            .collect()
    }

    /// Intents with no result after them, sorted by key: the sessions a crashed
    /// run left in doubt, to be looked up before anything is created again.
    pub fn pending_intents(&self) -> impl Iterator<Item = &Record> {
        self.keys
            .values()
            .filter_map(|key| key.pending_intent.as_ref())
    }
}

impl<'a> IntoIterator for &'a LedgerState {
    type Item = &'a KeyState;
    type IntoIter = std::collections::btree_map::Values<'a, String, KeyState>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.values()
    }
}
