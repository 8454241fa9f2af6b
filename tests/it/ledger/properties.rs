//! Properties over random histories, checked against a model written without the fold.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;

const KEYS: [&str; 6] = [
    "ml-101/2027-03-01",
    "ml-101/2027-03-01#2",
    "ds-200/2027-03-02",
    "a",
    "a~lv1",
    "~foreign/lv2",
];

fn record() -> impl Strategy<Value = Record> {
    (
        0..KEYS.len(),
        0..Event::ALL.len(),
        proptest::option::of(0..3u8),
        proptest::option::of(0..3u8),
        proptest::option::of(0..4u8),
        proptest::option::of(any::<i64>()),
        0..1_000_000i64,
    )
        .prop_map(
            |(key, event, livingid, request, status, errcode, seconds)| {
                let event = Event::ALL[event];
                let mut record = Record::new(KEYS[key], event, at(seconds));
                if let Some(id) = livingid {
                    record = record.with_livingid(format!("lv{id}"));
                }
                if let Some(n) = request {
                    record = record
                        .with_request(json!({"theme": format!("ML {n}"), "living_duration": 5400}));
                }
                match event {
                    Event::Intent => {
                        record = record.with_action(["create", "modify", "cancel"][key % 3])
                    }
                    Event::Failed => record = record.with_error(errcode, "系统繁忙 \"busy\"\n"),
                    // What was seen rides on the record; it is no refresh of the key.
                    Event::Refreshed | Event::Foreign | Event::Duplicate => {
                        if let Some(status) = status {
                            record = record.with_status(status);
                        }
                    }
                    _ => {}
                }
                record
            },
        )
}

fn history() -> impl Strategy<Value = Vec<Record>> {
    proptest::collection::vec(record(), 0..24)
}

/// The state of `key` after `records`, answered by searching backwards.
fn check_against_model(state: &LedgerState, records: &[Record]) {
    let keys: BTreeSet<&str> = records.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(state.iter().map(|k| k.key()).collect::<BTreeSet<_>>(), keys);
    for key in keys {
        let mine: Vec<&Record> = records.iter().filter(|r| r.key == key).collect();
        let got = state.get(key).unwrap();
        let last_refresh = mine.iter().rev().find(|r| r.event == Event::Refreshed);
        let decisive = mine
            .iter()
            .rev()
            .find(|r| r.event != Event::Refreshed)
            .or(last_refresh)
            .unwrap();
        assert_eq!(got.last(), decisive.event, "{key}");
        assert_eq!(*got.last_record(), **decisive, "{key}");
        assert_eq!(
            got.livingid(),
            mine.iter().rev().find_map(|r| r.livingid.as_deref()),
            "{key}"
        );
        assert_eq!(
            got.request(),
            mine.iter()
                .rev()
                .filter(|r| matches!(r.event, Event::Created | Event::Adopted | Event::Modified))
                .find_map(|r| r.request.as_ref().map(Body::as_ref)),
            "{key}"
        );
        let pending = (decisive.event == Event::Intent).then_some(*decisive);
        assert_eq!(got.pending_intent().as_deref(), pending, "{key}");
        assert_eq!(got.status(), last_refresh.and_then(|r| r.status), "{key}");
        assert_eq!(got.refreshed_at(), last_refresh.map(|r| r.at), "{key}");
    }
    let pending: Vec<String> = state.pending_intents().map(|r| r.key.clone()).collect();
    let expected: Vec<&str> = state
        .iter()
        .filter(|k| k.last() == Event::Intent)
        .map(|k| k.key())
        .collect();
    assert_eq!(pending, expected);
}

fn write(path: &Path, records: &[Record]) {
    let mut ledger = Ledger::open(path).unwrap();
    for record in records {
        ledger.append(record).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn read_back_matches_the_model(records in history()) {
        let dir = tempfile::tempdir().unwrap();
        let path = ledger_in(&dir);
        write(&path, &records);
        let state = LedgerState::read(&path).unwrap();
        check_against_model(&state, &records);
        prop_assert_eq!(&LedgerState::from_records(&records), &state);
        let reopened = Ledger::open(&path).unwrap();
        prop_assert_eq!(reopened.state(), &state);
    }

    #[test]
    fn compaction_keeps_the_state_sorts_and_is_idempotent(records in history()) {
        let dir = tempfile::tempdir().unwrap();
        let path = ledger_in(&dir);
        write(&path, &records);
        let before = LedgerState::read(&path).unwrap();
        let lines_before = fs::read_to_string(&path).unwrap().lines().count();

        Ledger::open(&path).unwrap().compact().unwrap();
        let once = fs::read(&path).unwrap();
        let after = LedgerState::read(&path).unwrap();
        prop_assert_eq!(&after, &before);

        let text = String::from_utf8(once.clone()).unwrap();
        let keys: Vec<String> = text.lines().map(|l| serde_json::from_str::<Record>(l).unwrap().key).collect();
        prop_assert!(keys.is_sorted(), "{:?}", keys);
        prop_assert!(keys.len() <= lines_before);
        // At most one record per role per key survives.
        prop_assert!(keys.len() <= 4 * before.len());

        Ledger::open(&path).unwrap().compact().unwrap();
        prop_assert_eq!(fs::read(&path).unwrap(), once);
    }

    #[test]
    fn any_cut_reads_as_the_records_that_fit(records in history(), cut in any::<prop::sample::Index>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = ledger_in(&dir);
        write(&path, &records);
        let whole = fs::read(&path).unwrap();
        let cut = cut.index(whole.len() + 1);
        fs::write(&path, &whole[..cut]).unwrap();

        // A record counts once its JSON is whole, even if its newline was lost.
        let mut fits = 0;
        let mut end = 0;
        for line in whole.split_inclusive(|&b| b == b'\n') {
            if end + line.len() - 1 > cut {
                break;
            }
            end += line.len();
            fits += 1;
        }
        let expected = LedgerState::from_records(&records[..fits]);
        prop_assert_eq!(&LedgerState::read(&path).unwrap(), &expected);

        // A torn line's session, unless it still has a live, is left in doubt.
        let ledger = Ledger::open(&path).unwrap();
        let doubted = match ledger.repair() {
            Some(Repair::TornLine { key: Some(k), .. }) => Some(k.clone()),
            _ => None,
        }
        .filter(|k| expected.get(k).is_none_or(|s| s.livingid().is_none()));
        match &doubted {
            None => prop_assert_eq!(ledger.state(), &expected),
            Some(k) => {
                let s = ledger.state().get(k).unwrap();
                prop_assert_eq!(s.last(), Event::Intent);
                let intent = s.pending_intent().unwrap();
                prop_assert_eq!(intent.action.as_deref(), Some("create"));
                let added = usize::from(expected.get(k).is_none());
                prop_assert_eq!(ledger.state().len(), expected.len() + added);
            }
        }
        drop(ledger);
        let repaired = fs::read(&path).unwrap();
        let kept = &whole[..end.min(whole.len())];
        prop_assert!(repaired.starts_with(kept));
        if doubted.is_none() {
            prop_assert_eq!(&repaired[..], kept);
        }
    }
}
