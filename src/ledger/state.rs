//! What the ledger says about each session: the fold of its records, key by key.
//!
//! Every field of a [`KeyState`] comes from the *last* record of its key that
//! matches one fixed test (see [`Role`]). Compaction relies on exactly that: it
//! keeps those few records per key and nothing else, and the fold of the kept
//! records is the same state.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::sync::OnceLock;

use hashbrown::HashTable;
use jiff::Timestamp;

use super::body::BodyRef;
use super::held::Held;
use super::record::{Actual, Event, Record};

/// What the ledger knows about one session: its last record, and for each
/// other [`Role`] the last record of its key that plays it. For most keys one
/// record plays every role there is (a `created` line is at once the
/// lifecycle, the livingid and the request record), and it is the only one kept.
#[derive(Debug, Clone)]
pub struct KeyState {
    /// The last lifecycle record, or the last `refreshed` one while there is none.
    last: Held,
    /// The roles besides [`Role::Lifecycle`] that `last` plays for its key, a bit each.
    plays: u8,
    /// The records that play the other roles, by their place in [`Role::KEPT`],
    /// made only for a key that has some (one refreshed, or failed after it
    /// was created).
    others: Option<Box<[Option<Held>; 4]>>,
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

    /// The roles a key's state keeps a record for besides its last one.
    const KEPT: [Role; 4] = [Role::Refresh, Role::Livingid, Role::Request, Role::Observed];

    pub(crate) fn matches(self, record: &Record) -> bool {
        self.played_by(
            record.event,
            record.livingid.is_some(),
            record.request.is_some(),
        )
    }

    /// Whether a record of `event`, with a livingid or a request or not, plays the role.
    fn played_by(self, event: Event, livingid: bool, request: bool) -> bool {
        match self {
            Role::Lifecycle => event.is_lifecycle(),
            Role::Refresh => event == Event::Refreshed,
            Role::Livingid => livingid,
            Role::Request => event.is_success() && request,
            Role::Observed => event == Event::Refreshed && request,
        }
    }

    /// The bits of the kept roles `record` plays.
    fn kept_by(record: &Held) -> u8 {
        let (livingid, request) = (record.livingid().is_some(), record.request().is_some());
        Role::KEPT
            .iter()
            .enumerate()
            .filter(|(_, role)| role.played_by(record.event, livingid, request))
            .fold(0, |bits, (at, _)| bits | 1 << at)
    }
}

impl KeyState {
    /// The state after a key's first record, which is its last record whatever
    /// it is (a `refreshed` one stands in until a lifecycle record comes).
    fn new(record: Held) -> KeyState {
        KeyState {
            plays: Role::kept_by(&record),
            last: record,
            others: None,
        }
    }

    fn push(&mut self, record: Held) {
        debug_assert_eq!(self.key(), record.key());
        let plays = Role::kept_by(&record);
        fn others(state: &mut KeyState) -> &mut [Option<Held>; 4] {
            state.others.get_or_insert_default()
        }
        if record.event.is_lifecycle() || !self.last().is_lifecycle() {
            // The roles the last record keeps, no later one taking them, pass to it kept apart.
            let keeps = self.plays & !plays;
            let old = std::mem::replace(&mut self.last, record);
            if keeps != 0 {
                let slots = others(self);
                for at in bits(keeps) {
                    slots[at] = Some(old.clone());
                }
            }
            if let Some(slots) = &mut self.others {
                bits(plays).for_each(|at| slots[at] = None);
            }
            self.plays = plays;
        } else if plays != 0 {
            self.plays &= !plays;
            let slots = others(self);
            for at in bits(plays) {
                slots[at] = Some(record.clone());
            }
        }
    }

    /// The last record of the key that plays `role`, one of [`Role::KEPT`].
    fn role(&self, role: Role) -> Option<&Held> {
        let at = Role::KEPT.iter().position(|&r| r == role)?;
        if self.plays & 1 << at != 0 {
            return Some(&self.last);
        }
        self.others.as_ref()?[at].as_ref()
    }

    pub fn key(&self) -> &str {
        self.last.key()
    }

    /// The last event that moved the session on. `refreshed` records only
    /// observe, so this is `refreshed` only when nothing else was recorded.
    pub fn last(&self) -> Event {
        self.last.event
    }

    /// The record that set `last`; carries `errcode`/`error` when `last` is `failed`.
    pub fn last_record(&self) -> Cow<'_, Record> {
        self.last.record()
    }

    /// When the record that set `last` was made.
    pub fn last_at(&self) -> Timestamp {
        self.last.at()
    }

    /// The `action` of the record that set `last` (`create`, `replace`, …).
    pub fn last_action(&self) -> Option<&str> {
        self.last.action()
    }

    /// The last livingid any record carried: a later `failed` does not forget it.
    pub fn livingid(&self) -> Option<&str> {
        self.role(Role::Livingid)?.livingid()
    }

    /// Whether any record carried a livingid: [`KeyState::livingid`] without
    /// going to the text of the line for it.
    pub fn has_livingid(&self) -> bool {
        self.role(Role::Livingid).is_some()
    }

    /// The body of the last `created`, `adopted` or `modified` record that had one.
    pub fn request(&self) -> Option<BodyRef<'_>> {
        self.role(Role::Request)?.request()
    }

    /// An intent with no result after it: a run stopped between the two, so
    /// whether the call happened is unknown and must be looked up.
    pub fn pending_intent(&self) -> Option<Cow<'_, Record>> {
        (self.last() == Event::Intent).then(|| self.last_record())
    }

    /// WeCom's status for the live, from the last `refreshed` record.
    pub fn status(&self) -> Option<u8> {
        self.role(Role::Refresh)?.status
    }

    pub fn refreshed_at(&self) -> Option<Timestamp> {
        Some(self.role(Role::Refresh)?.at())
    }

    /// When the live actually started and how long it ran, from the last `refreshed` record.
    pub fn actual(&self) -> Option<Actual> {
        self.role(Role::Refresh)?.actual()
    }

    /// The live as the last `refreshed` record that carried a body saw it
    /// (theme, start, … in create-body form), to tell a live edited outside.
    pub fn observed(&self) -> Option<BodyRef<'_>> {
        self.role(Role::Observed)?.request()
    }
}

/// The places of the set bits of `bits`.
fn bits(bits: u8) -> impl Iterator<Item = usize> {
    (0..8).filter(move |at| bits & 1 << at != 0)
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
    /// Where each key is in `keys`. The table holds places only; a key is hashed
    /// and compared where its state has it. While the keys come in order (as a
    /// compacted ledger has them), each record's key is the last one or a new
    /// one, and the table is made only when first asked for (a plan finds its
    /// sessions by their keys, and never asks); from the first key out of
    /// order on, it is made and kept up as records come.
    index: OnceLock<HashTable<usize>>,
    /// std's keyed hash, as a ledger can come from a pull request: an unkeyed
    /// fast hash would let one be written whose keys all collide.
    hasher: RandomState,
}

impl LedgerState {
    /// The state a sequence of records (in ledger order) leaves behind.
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a Record>) -> LedgerState {
        let mut state = LedgerState::default();
        for record in records {
            state.push(record.clone());
        }
        state
    }

    /// Room for `keys` keys before the state grows.
    pub(crate) fn reserve(&mut self, keys: usize) {
        self.keys.reserve(keys);
    }

    /// Folds in the next record of the ledger.
    pub(crate) fn push(&mut self, record: Record) {
        self.push_held(Held::from_record(record));
    }

    /// Folds in the next record of the ledger, as read.
    pub(crate) fn push_held(&mut self, record: Held) {
        if self.index.get().is_none() {
            match self.keys.last().map(|last| last.key().cmp(record.key())) {
                None | Some(Ordering::Less) => return self.keys.push(KeyState::new(record)),
                Some(Ordering::Equal) => return self.keys.last_mut().expect("a last").push(record),
                Some(Ordering::Greater) => _ = self.index(),
            }
        }
        let index = self.index.get_mut().expect("made above");
        let (keys, hasher) = (&mut self.keys, &self.hasher);
        let hash = hasher.hash_one(record.key());
        match index.find(hash, |&at| keys[at].key() == record.key()) {
            Some(&at) => keys[at].push(record),
            None => {
                keys.push(KeyState::new(record));
                let at = keys.len() - 1;
                index.insert_unique(hash, at, |&at| hasher.hash_one(keys[at].key()));
            }
        }
    }

    /// The index of the keys, made now if it was not.
    fn index(&self) -> &HashTable<usize> {
        self.index.get_or_init(|| {
            // Room for as many keys as the state has room for: more may come.
            let mut index = HashTable::with_capacity(self.keys.capacity());
            for (at, k) in self.keys.iter().enumerate() {
                let hash = self.hasher.hash_one(k.key());
                index.insert_unique(hash, at, |&at| self.hasher.hash_one(self.keys[at].key()));
            }
            index
        })
    }

    pub fn get(&self, key: &str) -> Option<&KeyState> {
        let hash = self.hasher.hash_one(key);
        let at = self.index().find(hash, |&at| self.keys[at].key() == key)?;
        Some(&self.keys[*at])
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
    pub fn livingids(&self) -> HashSet<&str> {
        self.keys.iter().filter_map(KeyState::livingid).collect()
    }

    /// Intents with no result after them, sorted by key: the sessions a crashed
    /// run left in doubt, to be looked up before anything is created again.
    pub fn pending_intents(&self) -> impl Iterator<Item = Cow<'_, Record>> {
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
