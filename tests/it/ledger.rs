//! Tests for the `ledger` module: real files in temp dirs, real locks, real fsync.

mod diagnostics;
mod properties;

use std::fs;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use livesched::ledger::{
    Body, BodyRef, Event, Ledger, LedgerError, LedgerState, LedgerWriter, Record, Repair,
    ledger_path_for,
};
use serde_json::json;

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_803_000_000 + seconds).unwrap()
}

fn ledger_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("spring.ledger.jsonl")
}

fn create_body(theme: &str) -> serde_json::Value {
    json!({"anchor_userid": "zhangsan", "theme": theme, "living_start": 1_803_000_000, "living_duration": 5400, "type": 0})
}

/// A created live, then a pending intent to modify it.
fn two_sessions(path: &Path) {
    let mut ledger = Ledger::open(path).unwrap();
    let key = "ml-101/2027-03-01";
    ledger
        .append(
            &Record::new(key, Event::Intent, at(0))
                .with_action("create")
                .with_request(create_body("ML 1")),
        )
        .unwrap();
    ledger
        .append(
            &Record::new(key, Event::Created, at(1))
                .with_livingid("lv1")
                .with_request(create_body("ML 1")),
        )
        .unwrap();
    ledger
        .append(
            &Record::new("ml-101/2027-03-08", Event::Intent, at(2))
                .with_action("create")
                .with_request(create_body("ML 2")),
        )
        .unwrap();
}

#[test]
fn ledger_path_sits_beside_the_schedule() {
    let cases = [
        ("spring.yaml", "spring.ledger.jsonl"),
        ("foo.csv", "foo.ledger.jsonl"),
        ("terms/2027/spring.yaml", "terms/2027/spring.ledger.jsonl"),
        ("/abs/ml.2027.yml", "/abs/ml.2027.ledger.jsonl"),
        ("schedule", "schedule.ledger.jsonl"),
        ("./a.b.c", "./a.b.ledger.jsonl"),
    ];
    for (schedule, ledger) in cases {
        assert_eq!(
            ledger_path_for(Path::new(schedule)),
            Path::new(ledger),
            "{schedule}"
        );
    }
}

#[test]
fn a_second_open_fails_at_once_while_the_first_is_alive() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    let first = Ledger::open(&path).unwrap();
    let err = Ledger::open(&path).unwrap_err();
    assert!(
        matches!(&err, LedgerError::Locked { path: p } if *p == path),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("ledger `{}` is locked", path.display())
    );
    let help = miette::Diagnostic::help(&err).unwrap().to_string();
    assert!(
        help.contains("another `livesched apply` is running on this ledger"),
        "{help}"
    );
    drop(first);
    Ledger::open(&path).unwrap();
}

#[test]
fn the_lock_survives_compaction_of_a_sibling_handle() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    two_sessions(&path);
    let ledger = Ledger::open(&path).unwrap();
    ledger.compact().unwrap();
    // The file was replaced by a rename; the new one must be lockable, and locked against a second.
    let _again = Ledger::open(&path).unwrap();
    assert!(matches!(
        Ledger::open(&path),
        Err(LedgerError::Locked { .. })
    ));
}

#[test]
fn missing_file_reads_empty_and_open_creates_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    assert!(LedgerState::read(&path).unwrap().is_empty());
    assert!(!path.exists());
    let ledger = Ledger::open(&path).unwrap();
    assert!(ledger.state().is_empty());
    assert_eq!(ledger.repair(), None);
    assert!(path.exists());
}

#[test]
fn appends_survive_a_drop_without_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    two_sessions(&path);
    let state = LedgerState::read(&path).unwrap();
    assert_eq!(state.len(), 2);
    let created = state.get("ml-101/2027-03-01").unwrap();
    assert_eq!(created.last(), Event::Created);
    assert_eq!(created.livingid(), Some("lv1"));
    assert_eq!(
        created.request().map(BodyRef::value),
        Some(create_body("ML 1"))
    );
    assert!(created.pending_intent().is_none());
    let pending: Vec<String> = state.pending_intents().map(|r| r.key.clone()).collect();
    assert_eq!(pending, ["ml-101/2027-03-08"]);
    assert_eq!(Ledger::open(&path).unwrap().state(), &state);
}

#[test]
fn lines_are_json_with_unset_fields_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    let mut ledger = Ledger::open(&path).unwrap();
    ledger
        .append(
            &Record::new(
                "ml-101/2027-03-01#2",
                Event::Failed,
                Timestamp::from_second(1_803_000_000).unwrap(),
            )
            .with_livingid("lv1")
            .with_error(Some(301_051), "living not exist"),
        )
        .unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{\"key\":\"ml-101/2027-03-01#2\",\"event\":\"failed\",\"livingid\":\"lv1\",\"errcode\":301051,\
         \"error\":\"living not exist\",\"at\":\"2027-02-19T01:20:00Z\"}\n"
    );
}

#[test]
fn a_failure_after_creation_keeps_the_livingid_and_request() {
    let key = "k";
    let records = [
        Record::new(key, Event::Created, at(0))
            .with_livingid("lv1")
            .with_request(create_body("A")),
        Record::new(key, Event::Intent, at(1))
            .with_action("modify")
            .with_livingid("lv1")
            .with_request(create_body("B")),
        Record::new(key, Event::Failed, at(2)).with_error(Some(40_058), "bad theme"),
    ];
    let state = LedgerState::from_records(&records);
    let key = state.get(key).unwrap();
    assert_eq!(key.last(), Event::Failed);
    assert_eq!(key.last_record().errcode, Some(40_058));
    assert_eq!(key.livingid(), Some("lv1"));
    assert_eq!(key.request().map(BodyRef::value), Some(create_body("A")));
    assert!(key.pending_intent().is_none());
}

#[test]
fn a_refresh_does_not_hide_a_pending_intent() {
    let records = [
        Record::new("k", Event::Created, at(0)).with_livingid("lv1"),
        Record::new("k", Event::Intent, at(1))
            .with_action("cancel")
            .with_livingid("lv1"),
        Record::new("k", Event::Refreshed, at(2))
            .with_livingid("lv1")
            .with_status(0),
    ];
    let state = LedgerState::from_records(&records);
    let key = state.get("k").unwrap();
    assert_eq!(key.last(), Event::Intent);
    assert_eq!(key.pending_intent().as_deref(), Some(&records[1]));
    assert_eq!(key.status(), Some(0));
    assert_eq!(key.refreshed_at(), Some(at(2)));
}

#[test]
fn keys_in_order_then_out_of_order_fold_as_records_do() {
    // In key order, as compaction leaves a ledger (the state finds keys without
    // its index), then a repeat of the last key, then an earlier key again.
    let records = [
        Record::new("a/1", Event::Created, at(0)).with_livingid("lv1"),
        Record::new("b/1", Event::Intent, at(1)).with_action("create"),
        Record::new("b/1", Event::Created, at(2)).with_livingid("lv2"),
        Record::new("c/1", Event::Created, at(3)).with_livingid("lv3"),
        Record::new("a/1", Event::Cancelled, at(4)),
        Record::new("d/1", Event::Created, at(5)).with_livingid("lv4"),
        Record::new("a/1", Event::Refreshed, at(6)).with_status(4),
    ];
    for count in 1..=records.len() {
        let dir = tempfile::tempdir().unwrap();
        let path = ledger_in(&dir);
        let lines: String = records[..count]
            .iter()
            .map(|r| serde_json::to_string(r).unwrap() + "\n")
            .collect();
        fs::write(&path, lines).unwrap();
        let state = LedgerState::read(&path).unwrap();
        let expected = LedgerState::from_records(&records[..count]);
        assert_eq!(state, expected, "{count} records");
        let keys: Vec<&str> = state.unordered().iter().map(|k| k.key()).collect();
        let mut unique: Vec<&str> = records[..count].iter().map(|r| r.key.as_str()).collect();
        unique.dedup();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(keys.len(), unique.len(), "{count} records: {keys:?}");
        if count == 3 {
            let b = state.get("b/1").unwrap();
            assert_eq!((b.last(), b.livingid()), (Event::Created, Some("lv2")));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    let lines: String = records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
    fs::write(&path, lines).unwrap();
    let state = LedgerState::read(&path).unwrap();
    let a = state.get("a/1").unwrap();
    assert_eq!(
        (a.last(), a.status(), a.livingid()),
        (Event::Cancelled, Some(4), Some("lv1"))
    );
    assert_eq!(state.get("b/1").unwrap().livingid(), Some("lv2"));
    assert!(state.get("e/1").is_none());
}

#[test]
fn a_ledger_that_is_not_all_text_reads_line_by_line() {
    // A torn last line cut inside a character, and a line with bytes that are
    // not text in a field this version does not know (serde takes it).
    let records = [
        Record::new("a/1", Event::Created, at(0)).with_livingid("lv1"),
        Record::new("b/1", Event::Created, at(1)).with_livingid("lv2"),
    ];
    let mut bytes = Vec::new();
    for record in &records {
        bytes.extend(serde_json::to_vec(record).unwrap());
        bytes.push(b'\n');
    }
    bytes.extend(
        b"{\"key\":\"c/1\",\"event\":\"intent\",\"at\":\"2027-03-01T00:00:00Z\",\"x\":\"\xff\"}\n",
    );
    // (Cut before its key is whole: a torn line that names a key leaves it in doubt.)
    bytes.extend("{\"key\":\"课".as_bytes());
    bytes.pop();
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    fs::write(&path, &bytes).unwrap();
    let state = LedgerState::read(&path).unwrap();
    let intent = Record::new("c/1", Event::Intent, at(0));
    let mut expected: Vec<Record> = records.to_vec();
    expected.push(Record {
        at: "2027-03-01T00:00:00Z".parse().unwrap(),
        ..intent
    });
    assert_eq!(state, LedgerState::from_records(&expected));
    let ledger = Ledger::open(&path).unwrap();
    assert_eq!(ledger.state(), &state);
}

#[test]
fn a_torn_last_line_is_ignored_on_read_and_cut_off_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    two_sessions(&path);
    let whole = fs::read(&path).unwrap();
    let torn_tail = br#"{"key":"ml-101/2027-03-15","event":"inte"#;
    let mut torn = whole.clone();
    torn.extend_from_slice(torn_tail);
    fs::write(&path, &torn).unwrap();

    let read = LedgerState::read(&path).unwrap();
    assert_eq!(read.len(), 2);
    assert_eq!(fs::read(&path).unwrap(), torn, "read must not repair");

    let ledger = Ledger::open(&path).unwrap();
    assert_eq!(
        ledger.repair(),
        Some(&Repair::TornLine {
            line: 4,
            bytes: torn_tail.len() as u64,
            key: Some("ml-101/2027-03-15".into()),
        })
    );
    // What the torn line said is unknown: its session is now in doubt.
    let doubt = ledger.state().get("ml-101/2027-03-15").unwrap();
    assert_eq!(doubt.last(), Event::Intent);
    let intent = doubt.pending_intent().unwrap();
    assert_eq!(intent.action.as_deref(), Some("create"));
    assert_eq!(ledger.state().len(), read.len() + 1);
    drop(ledger);
    assert!(
        fs::read(&path).unwrap().starts_with(&whole),
        "the torn bytes are gone"
    );
    assert_eq!(
        LedgerState::read(&path).unwrap().len(),
        3,
        "the doubt is on disk"
    );
}

#[test]
fn a_torn_line_of_a_session_that_has_a_live_adds_no_doubt() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    two_sessions(&path);
    let whole = fs::read(&path).unwrap();
    let mut torn = whole.clone();
    torn.extend_from_slice(br#"{"key":"ml-101/2027-03-01","event":"refreshed","livingid":"lv"#);
    fs::write(&path, &torn).unwrap();
    let ledger = Ledger::open(&path).unwrap();
    assert!(matches!(
        ledger.repair(),
        Some(Repair::TornLine { key: Some(_), .. })
    ));
    drop(ledger);
    assert_eq!(fs::read(&path).unwrap(), whole);
}

#[test]
fn a_whole_last_record_without_newline_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    two_sessions(&path);
    let whole = fs::read(&path).unwrap();
    fs::write(&path, &whole[..whole.len() - 1]).unwrap();
    assert_eq!(LedgerState::read(&path).unwrap().len(), 2);
    let mut ledger = Ledger::open(&path).unwrap();
    assert_eq!(ledger.repair(), Some(&Repair::AddedNewline));
    ledger
        .append(&Record::new("z", Event::Intent, at(9)))
        .unwrap();
    drop(ledger);
    assert_eq!(LedgerState::read(&path).unwrap().len(), 3);
}

#[test]
fn a_corrupt_middle_line_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    two_sessions(&path);
    let text = fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = r#"{"key":"ml-101/2027-03-01","event":"creat"#;
    // A torn tail too: repairing it would be a write, and there must be none.
    let corrupt = format!("{}\n{{\"key\":", lines.join("\n"));
    fs::write(&path, &corrupt).unwrap();

    for err in [
        Ledger::open(&path).unwrap_err(),
        LedgerState::read(&path).unwrap_err(),
    ] {
        assert!(
            matches!(err, LedgerError::Corrupt { line: 2, .. }),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "line 2 of `{}` is not a valid ledger record",
                path.display()
            )
        );
    }
    assert_eq!(fs::read_to_string(&path).unwrap(), corrupt);
}

#[test]
fn an_unknown_event_is_corruption_but_unknown_fields_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    let future = r#"{"key":"a","event":"created","livingid":"lv1","at":"2027-03-01T00:00:00Z","from_the_future":{"x":1}}"#;
    fs::write(&path, format!("{future}\n")).unwrap();
    assert_eq!(
        LedgerState::read(&path)
            .unwrap()
            .get("a")
            .unwrap()
            .livingid(),
        Some("lv1")
    );
    Ledger::open(&path).unwrap().compact().unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), format!("{future}\n"));

    fs::write(
        &path,
        format!("{future}\n{}\n", future.replace("created", "vanished")),
    )
    .unwrap();
    assert!(matches!(
        LedgerState::read(&path),
        Err(LedgerError::Corrupt { line: 2, .. })
    ));
}

#[test]
fn compaction_keeps_the_state_sorts_and_shrinks() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    let mut ledger = Ledger::open(&path).unwrap();
    for round in 0..5 {
        for key in ["b", "a", "c"] {
            let t = at(round * 10);
            ledger
                .append(&Record::new(key, Event::Intent, t).with_action("modify"))
                .unwrap();
            ledger
                .append(
                    &Record::new(key, Event::Modified, t)
                        .with_livingid(format!("{key}{round}"))
                        .with_request(json!({"round": round})),
                )
                .unwrap();
        }
    }
    ledger
        .append(&Record::new("a", Event::Intent, at(99)).with_action("cancel"))
        .unwrap();
    let before = ledger.state().clone();
    ledger.compact().unwrap();

    assert_eq!(LedgerState::read(&path).unwrap(), before);
    let text = fs::read_to_string(&path).unwrap();
    let keys: Vec<String> = text
        .lines()
        .map(|line| serde_json::from_str::<Record>(line).unwrap().key)
        .collect();
    assert_eq!(keys, ["a", "a", "b", "c"]);
    assert!(
        dir.path().read_dir().unwrap().count() == 1,
        "no temp file is left behind"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_writer_serialises_appends_from_many_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_in(&dir);
    let writer = LedgerWriter::spawn(Ledger::open(&path).unwrap());
    let mut tasks = Vec::new();
    for n in 0..20 {
        let writer = writer.clone();
        tasks.push(tokio::spawn(async move {
            let key = format!("s{n:02}");
            writer
                .append(Record::new(&key, Event::Intent, at(n)).with_action("create"))
                .await?;
            writer
                .append(Record::new(&key, Event::Created, at(n)).with_livingid(format!("lv{n}")))
                .await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    // Every append resolved only after its fsync: a reader sees all of them now.
    let on_disk = LedgerState::read(&path).unwrap();
    assert_eq!(on_disk.len(), 20);
    assert_eq!(on_disk.pending_intents().count(), 0);

    let late = writer.clone();
    let ledger = writer.close().await.unwrap();
    assert_eq!(ledger.state(), &on_disk);
    assert!(matches!(
        late.append(Record::new("x", Event::Intent, at(0))).await,
        Err(LedgerError::Closed)
    ));
    assert!(
        matches!(Ledger::open(&path), Err(LedgerError::Locked { .. })),
        "close keeps the lock"
    );
    ledger.compact().unwrap();
    assert_eq!(LedgerState::read(&path).unwrap(), on_disk);
    Ledger::open(&path).unwrap();
}
