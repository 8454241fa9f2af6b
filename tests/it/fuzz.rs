//! Fuzzing the two readers of untrusted bytes — the schedule loader and the
//! ledger reader — with proptest: arbitrary bytes, and arbitrary YAML trees
//! built from the schedule's own vocabulary so that they get past the parser.
//! No input may panic; each is answered with a plan or with problems. The case
//! count is bounded (`LIVESCHED_FUZZ_CASES`, 256 by default) so CI stays quick.

use std::fmt::Write;

use livesched::ledger::{Ledger, LedgerState};
use livesched::plan::plan_term;
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("LIVESCHED_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

/// Keys a schedule knows, so that trees reach the readers behind the parser.
const KEYS: &[&str] = &[
    "version",
    "term",
    "start",
    "end",
    "timezone",
    "holidays",
    "workdays",
    "date",
    "as",
    "from",
    "to",
    "defaults",
    "classes",
    "id",
    "theme",
    "anchor",
    "type",
    "duration",
    "remind",
    "weekly",
    "days",
    "at",
    "every",
    "weeks",
    "dates",
    "rrule",
    "count",
    "skip",
    "until",
    "activity",
    "cover",
    "images",
    "changes",
    "class",
    "move_to",
    "cancel",
    "classes_from",
    "calendar",
    "description",
    "agentid",
];

/// Scalars that are nearly right, or wrong in the ways people are wrong.
fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("2027-03-01".to_string()),
        Just("2027-02-30".to_string()),
        Just("19:00".to_string()),
        Just("mon".to_string()),
        Just("1h30m".to_string()),
        Just("FREQ=WEEKLY;BYDAY=MO,WE".to_string()),
        Just("FREQ=SECONDLY;COUNT=99999999".to_string()),
        Just("Asia/Shanghai".to_string()),
        Just("{n}{week}{date}".to_string()),
        Just("-1".to_string()),
        Just("99999999999999999999".to_string()),
        Just("".to_string()),
        Just("~".to_string()),
        "[a-z0-9:/_ -]{0,12}",
        "\\PC{0,8}",
    ]
}

#[derive(Debug, Clone)]
enum Tree {
    Scalar(String),
    Seq(Vec<Tree>),
    Map(Vec<(&'static str, Tree)>),
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = scalar().prop_map(Tree::Scalar);
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Tree::Seq),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(Tree::Map),
        ]
    })
}

/// As flow-style YAML, every scalar quoted (so any text is a valid scalar).
fn yaml(tree: &Tree, out: &mut String) {
    match tree {
        Tree::Scalar(s) => {
            let _ = write!(out, "{s:?}");
        }
        Tree::Seq(items) => {
            out.push('[');
            for (i, t) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                yaml(t, out);
            }
            out.push(']');
        }
        Tree::Map(entries) => {
            out.push('{');
            for (i, (k, t)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{k}: ");
                yaml(t, out);
            }
            out.push('}');
        }
    }
}

fn load(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    std::fs::write(&path, bytes).unwrap();
    let planned = plan_term(&path, false);
    // Either a plan, or at least one error saying why not.
    assert!(planned.plan.is_some() || planned.problems.has_errors());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn the_loader_survives_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        load(&bytes);
    }

    #[test]
    fn the_loader_survives_any_yaml_tree(t in tree(), term in any::<bool>()) {
        let mut text = String::new();
        if term {
            // A valid head, so that the tree is read as classes and defaults.
            text.push_str("version: 1\nterm: { start: 2027-02-22, end: 2027-03-28 }\n");
            text.push_str("classes: ");
        }
        yaml(&t, &mut text);
        text.push('\n');
        load(text.as_bytes());
    }

    #[test]
    fn the_ledger_reader_survives_any_bytes(
        lines in prop::collection::vec(
            prop_oneof![
                Just(r#"{"key":"a/2027-03-01","event":"created","livingid":"lv1","at":"2027-02-01T00:00:00Z"}"#.to_string()),
                Just(r#"{"key":"a/2027-03-01","event":"intent","action":"create","at":"2027-02-01T00:00:00Z"}"#.to_string()),
                "\\PC{0,40}",
            ],
            0..8,
        ),
        tail in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.ledger.jsonl");
        let mut bytes = lines.join("\n").into_bytes();
        bytes.extend(tail);
        std::fs::write(&path, &bytes).unwrap();
        let read = LedgerState::read(&path);
        match Ledger::open(&path) {
            // Open repairs a torn tail; what it keeps reads the same again.
            Ok(ledger) => {
                let state = ledger.state().clone();
                drop(ledger);
                prop_assert_eq!(LedgerState::read(&path).unwrap(), state);
            }
            Err(_) => prop_assert!(read.is_err()),
        }
    }
}
