//! What the ledger says about each session: the fold of its records, key by key.
//!
//! Every field of a [`KeyState`] comes from the *last* record of its key that
//! matches one fixed test (see [`Role`]). Compaction relies on exactly that: it
//! keeps those few records per key and nothing else, and the fold of the kept
//! records is the same state.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use jiff::Timestamp;

use super::body::Body;
use super::record::{Actual, Event, Record};

/// What the ledger knows about one session: for each [`Role`], the last record
/// of its key that plays it. Records are shared, not copied: a `created` line is
/// at once the lifecycle, the livingid and the request record of its key.
#[derive(Debug, Clone)]
pub struct KeyState {
    /// The last lifecycle record, or the last `refreshed` one while there is none.
    last_record: Arc<Record>,
    refresh: Option<Arc<Record>>,
    livingid: Option<Arc<Record>>,
    request: Option<Arc<Record>>,
    observed: Option<Arc<Record>>,
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
    /// The state after a key's first record, which is its last record whatever
    /// it is (a `refreshed` one stands in until a lifecycle record comes).
    fn new(record: Arc<Record>) -> KeyState {
        // Shared only where a role takes it: each share is an atomic increment
        // on a record just written, which waits for those writes.
        let role = |role: Role| role.matches(&record).then(|| Arc::clone(&record));
        KeyState {
            refresh: role(Role::Refresh),
            livingid: role(Role::Livingid),
            request: role(Role::Request),
            observed: role(Role::Observed),
            last_record: record,
        }
    }

    fn push(&mut self, record: Arc<Record>) {
        debug_assert_eq!(self.key(), record.key);
        for (role, slot) in [
            (Role::Refresh, &mut self.refresh),
            (Role::Livingid, &mut self.livingid),
            (Role::Request, &mut self.request),
            (Role::Observed, &mut self.observed),
        ] {
            if role.matches(&record) {
                *slot = Some(Arc::clone(&record));
            }
        }
        if Role::Lifecycle.matches(&record) || !self.last().is_lifecycle() {
            self.last_record = record;
        }
    }

    pub fn key(&self) -> &str {
        &self.last_record.key
    }

    /// The last event that moved the session on. `refreshed` records only
    /// observe, so this is `refreshed` only when nothing else was recorded.
    pub fn last(&self) -> Event {
        self.last_record.event
    }

    /// The record that set `last`; carries `errcode`/`error` when `last` is `failed`.
    pub fn last_record(&self) -> &Record {
        &self.last_record
    }

    /// The last livingid any record carried: a later `failed` does not forget it.
    pub fn livingid(&self) -> Option<&str> {
        self.livingid.as_ref()?.livingid.as_deref()
    }

    /// The body of the last `created`, `adopted` or `modified` record that had one.
    pub fn request(&self) -> Option<&Body> {
        self.request.as_ref()?.request.as_ref()
    }

    /// An intent with no result after it: a run stopped between the two, so
    /// whether the call happened is unknown and must be looked up.
    pub fn pending_intent(&self) -> Option<&Record> {
        (self.last() == Event::Intent).then_some(&*self.last_record)
    }

    /// WeCom's status for the live, from the last `refreshed` record.
    pub fn status(&self) -> Option<u8> {
        self.refresh.as_ref()?.status
    }

    pub fn refreshed_at(&self) -> Option<Timestamp> {
        Some(self.refresh.as_ref()?.at)
    }

    /// When the live actually started and how long it ran, from the last `refreshed` record.
    pub fn actual(&self) -> Option<Actual> {
        self.refresh.as_ref()?.actual
    }

    /// The live as the last `refreshed` record that carried a body saw it
    /// (theme, start, … in create-body form), to tell a live edited outside.
    pub fn observed(&self) -> Option<&Body> {
        self.observed.as_ref()?.request.as_ref()
    }
}

/// Equal when they say the same, whichever records said it.
impl PartialEq for KeyState {
    fn eq(&self, other: &KeyState) -> bool {
        self.key() == other.key()
            && self.last_record() == other.last_record()
            && self.livingid() == other.livingid()
            && self.request() == other.request()
            && self.status() == other.status()
            && self.refreshed_at() == other.refreshed_at()
            && self.actual() == other.actual()
            && self.observed() == other.observed()
    }
}

/// What the ledger knows about every session it has seen.
#[derive(Debug, Clone, Default)]
pub struct LedgerState {
    /// Every key's state, in the order the keys first came in the ledger (which,
    /// records being read in order, is about the order they lie in memory).
    keys: Vec<KeyState>,
    /// Where each key is in `keys`: a plan looks every session up. std's keyed
    /// hash, as a ledger can come from a pull request: an unkeyed fast hash would
    /// let one be written whose keys all collide.
    index: HashMap<KeyOf, usize>,
}

/// A key by the first record that had it, so the index holds no copy of its text.
#[derive(Debug, Clone)]
struct KeyOf(Arc<Record>);

impl Borrow<str> for KeyOf {
    fn borrow(&self) -> &str {
        &self.0.key
    }
}

impl Hash for KeyOf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.key.as_str().hash(state);
    }
}

impl PartialEq for KeyOf {
    fn eq(&self, other: &KeyOf) -> bool {
        self.0.key == other.0.key
    }
}

impl Eq for KeyOf {}

impl LedgerState {
    /// The state a sequence of records (in ledger order) leaves behind.
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a Record>) -> LedgerState {
        let mut state = LedgerState::default();
        for record in records {
            state.push(record.clone());
        }
        state
    }

    /// Room for `keys` keys before the index grows. (Growing it hashes every key
    /// again, each one a trip to its record in memory.)
    pub(crate) fn reserve(&mut self, keys: usize) {
        self.keys.reserve(keys);
        self.index.reserve(keys);
    }

    /// Folds in the next record of the ledger.
    pub(crate) fn push(&mut self, record: Record) {
        let record = Arc::new(record);
        match self.index.entry(KeyOf(Arc::clone(&record))) {
            Entry::Occupied(at) => self.keys[*at.get()].push(record),
            Entry::Vacant(slot) => {
                slot.insert(self.keys.len());
                self.keys.push(KeyState::new(record));
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&KeyState> {
        self.index.get(key).map(|&at| &self.keys[at])
    }

    /// Every session, sorted by key.
    pub fn iter(&self) -> std::vec::IntoIter<&KeyState> {
        let mut all: Vec<&KeyState> = self.keys.iter().collect();
        all.sort_unstable_by(|a, b| a.key().cmp(b.key()));
        all.into_iter()
    }

    /// Every session in the order the ledger first named it: for a pass over all
    /// of them that sorts what it keeps, if anything, or is split between
    /// threads. (Going through them in the order they were read goes through
    /// memory in order.)
    pub fn unordered(&self) -> &[KeyState] {
        &self.keys
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
        self.keys.iter().filter_map(KeyState::livingid).collect()
    }

    /// Intents with no result after them, sorted by key: the sessions a crashed
    /// run left in doubt, to be looked up before anything is created again.
    pub fn pending_intents(&self) -> impl Iterator<Item = &Record> {
        self.iter().filter_map(KeyState::pending_intent)
    }
}

/// Equal when they say the same about the same keys, in whatever order the
/// records came (a compacted ledger has them sorted by key).
impl PartialEq for LedgerState {
    fn eq(&self, other: &LedgerState) -> bool {
        self.len() == other.len()
            && self
                .keys
                .iter()
                .all(|k| other.get(k.key()).is_some_and(|o| o == k))
    }
}

impl<'a> IntoIterator for &'a LedgerState {
    type Item = &'a KeyState;
    type IntoIter = std::vec::IntoIter<&'a KeyState>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
