//! The tree from events must be serde-saphyr's tree whenever it is given at all.

use std::path::Path;

use proptest::prelude::*;

use super::super::node::by_saphyr;
use super::tree;

/// The tree when the events path takes `text`, after checking that it is
/// exactly serde-saphyr's; `None` when it declines.
fn agreed(text: &str) -> Option<String> {
    let ours = tree(3, text)?;
    let theirs = by_saphyr(3, text)
        .unwrap_or_else(|e| panic!("the events tree took what saphyr refuses ({e:?}):\n{text}"));
    let (ours, theirs) = (format!("{ours:?}"), format!("{theirs:?}"));
    assert_eq!(ours, theirs, "trees differ for:\n{text}");
    Some(ours)
}

fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

#[test]
fn every_yaml_file_of_the_repository_reads_as_saphyr_reads_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["schedules", "examples", "tests"] {
        yaml_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 20, "found {files:?}");
    let mut taken = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        taken += usize::from(agreed(&text).is_some());
    }
    assert!(
        taken >= 5,
        "the events path took only {taken} of {} files",
        files.len()
    );
    let example = std::fs::read_to_string(root.join("schedules/spring-2027.yaml")).unwrap();
    assert!(
        agreed(&example).is_some(),
        "the example term is a plain document"
    );
}

#[test]
fn scalars_are_typed_as_saphyr_types_them() {
    let values = [
        "1",
        "-2",
        "0x1F",
        "1_000",
        "08:00",
        "2027-03-01",
        "yes",
        "Off",
        "~",
        "1.5",
        "45m",
        ".5",
        "+3",
        "010",
        "'010'",
        "\"true\"",
        "y",
        "99999999999999999999",
        "1e3",
        "NULL",
        "1:30",
        ".",
        "[1, a, {b: 2}]",
    ];
    let doc: String = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("k{i}: {v}\n"))
        .collect();
    let doc = doc.as_str();
    assert!(agreed(doc).is_some(), "declined:\n{doc}");
}

#[test]
fn declines_what_saphyr_must_judge() {
    for doc in [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: 1\na: 2\n",
        "a: 1\n\"a\": 2\n",
        "<<: {a: 1}\n",
        "1: a\n",
        "true: a\n",
        "? [a]\n: b\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: 1\n---\nb: 2\n",
        "a: [1, 2\n",
        "a: .inf\n",
        "a: ---\n",
    ] {
        assert!(tree(0, doc).is_none(), "took:\n{doc}");
    }
    let deep = format!("{}1{}", "[".repeat(60), "]".repeat(60));
    assert!(tree(0, &deep).is_none());
}

/// A scalar as YAML might write it, often one that looks like something else.
fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9+\\-.:_~ ]{0,8}",
        "(yes|No|ON|off|y|N|true|False|null|Null|~|inf|NaN|-.inf|\\.nan|0x1f|0o17|0b11|1_0|1e5|-0|00|\\+1)",
        "[0-9]{1,3}[:\\-][0-9]{1,2}",
        "'[^'\\n]{0,6}'",
        "\"[a-z\\\\ \"n]{0,6}\"",
        "[\\u{4e00}-\\u{4e10}]{1,4}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![4 => "[a-z]{1,3}", 1 => "(id|<<|1|true|'a'|\"b\"|~|x y)"]
}

/// A document: a block mapping of keys to scalars, flow lists, flow maps or
/// nested block mappings.
fn document() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        scalar(),
        prop::collection::vec(scalar(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
        prop::collection::vec((key(), scalar()), 0..3).prop_map(|v| {
            let entries: Vec<String> = v.iter().map(|(k, s)| format!("{k}: {s}")).collect();
            format!("{{{}}}", entries.join(", "))
        }),
        prop::collection::vec((key(), scalar()), 1..3).prop_map(|v| {
            v.iter()
                .map(|(k, s)| format!("\n  {k}: {s}"))
                .collect::<String>()
        }),
        prop::collection::vec(scalar(), 1..3)
            .prop_map(|v| v.iter().map(|s| format!("\n  - {s}")).collect::<String>()),
    ];
    prop::collection::vec((key(), value), 1..6).prop_map(|entries| {
        entries
            .iter()
            .map(|(k, v)| format!("{k}: {v}\n"))
            .collect::<String>()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_tree_given_is_saphyr_tree(doc in document()) {
        agreed(&doc);
    }

    #[test]
    fn a_scalar_given_is_saphyr_scalar(value in scalar()) {
        agreed(&format!("a: {value}\n"));
        agreed(&format!("- {value}\n"));
    }
}

/// The documents above exercise the events path, not only its declining.
#[test]
fn generated_documents_are_mostly_taken() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = document();
    let taken = (0..500)
        .filter(|_| {
            let doc = strategy.new_tree(&mut runner).unwrap().current();
            agreed(&doc).is_some()
        })
        .count();
    assert!(taken >= 150, "only {taken} of 500 taken");
}

#[test]
fn a_document_of_many_distinct_numbers_is_left_to_saphyr() {
    let many: String = (0..5000).map(|i| format!("- {i}\n")).collect();
    assert!(tree(0, &many).is_none());
    let some: String = (0..100).map(|i| format!("- {i}\n")).collect();
    assert!(agreed(&some).is_some());
}
