//! The fast path against serde over random records and random damage: it may
//! leave a line to serde, but what it reads, serde reads the same.

use jiff::Timestamp;
use proptest::prelude::*;
use proptest::{collection, option, sample};
use serde_json::{Value, json};

use super::tests::checked;
use super::*;

/// Text with what JSON must escape or check: quotes, backslashes, control
/// characters, DEL, non-ASCII of every width; or any text at all.
fn text() -> impl Strategy<Value = String> {
    let tricky = sample::select(vec![
        '"', '\\', '\0', '\n', '\u{1f}', '\u{7f}', 'a', '/', ' ', 'é', '课', '😀',
    ]);
    prop_oneof![
        "[a-z0-9/#~._-]{0,16}",
        collection::vec(tricky, 0..8).prop_map(String::from_iter),
        any::<String>(),
    ]
}

/// Text that needs no escape, as keys, livingids and themes usually are.
fn plain() -> impl Strategy<Value = String> {
    "[^\"\\\\\\p{Cc}]{0,12}"
}

/// Any JSON value a body could hold, nested.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
    ];
    leaf.prop_recursive(6, 48, 5, |inner| {
        prop_oneof![
            collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            collection::btree_map(text(), inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A `living/create` body as a plan makes one, sometimes an activity's.
fn create_body() -> impl Strategy<Value = Value> {
    let numbers = (any::<i64>(), any::<i64>(), option::of(any::<i64>()), 0..5u8);
    let activity = option::of((plain(), collection::vec(plain(), 0..3)));
    (plain(), plain(), option::of(plain()), numbers, activity).prop_map(
        |(anchor, theme, description, (start, duration, remind, kind), activity)| {
            let mut body = json!({
                "anchor_userid": anchor, "theme": theme, "type": kind,
                "living_start": start, "living_duration": duration,
            });
            if let Some(description) = description {
                body["description"] = json!(description);
            }
            if let Some(remind) = remind {
                body["remind_time"] = json!(remind);
            }
            if let Some((description, images)) = activity {
                body["activity_detail"] = json!({"description": description, "image_list": images});
            }
            body
        },
    )
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    let seconds = Timestamp::MIN.as_second()..=Timestamp::MAX.as_second();
    prop_oneof![
        (seconds, 0..1_000_000_000i32)
            .prop_filter_map("in range", |(s, n)| Timestamp::new(s, n).ok()),
        (0..4_000_000_000i64).prop_filter_map("in range", |s| Timestamp::from_second(s).ok()),
    ]
}

/// Any record, its strings and body anything at all.
fn record() -> impl Strategy<Value = Record> {
    record_of(text, prop_oneof![json_value(), create_body()])
}

/// A record as `apply`, `refresh` and `attendance` write them: text that needs
/// no escape, a body of a plan's.
fn written() -> impl Strategy<Value = Record> {
    record_of(plain, create_body())
}

/// Records of every event, each optional field present or not, with strings
/// and bodies of the strategies given.
fn record_of<S: Strategy<Value = String>>(
    string: fn() -> S,
    body: impl Strategy<Value = Value>,
) -> impl Strategy<Value = Record> {
    let strings = (
        string(),
        option::of(string()),
        option::of(string()),
        option::of(string()),
    );
    let numbers = (
        option::of(any::<u8>()),
        option::of(any::<i64>()),
        option::of(any::<(i64, i64)>()),
    );
    let event = sample::select(&Event::ALL[..]);
    (strings, event, numbers, timestamp(), option::of(body)).prop_map(
        |((key, action, livingid, error), event, (status, errcode, actual), at, body)| Record {
            key,
            event,
            action,
            livingid,
            status,
            errcode,
            error,
            actual: actual.map(|(living_start, living_duration)| Actual {
                living_start,
                living_duration,
            }),
            at,
            request: body.as_ref().map(Body::new),
        },
    )
}

/// The record's line as `each_record` is given it: no newline.
fn line_of(record: &Record) -> Vec<u8> {
    let mut line = record.to_line().unwrap();
    line.pop();
    line
}

/// One small damage to a line.
#[derive(Debug, Clone)]
enum Damage {
    Cut(usize),
    Replace(usize, u8),
    Insert(usize, u8),
    Remove(usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    let byte = prop_oneof![sample::select(tests::DAMAGE), any::<u8>()];
    prop_oneof![
        any::<usize>().prop_map(Damage::Cut),
        (any::<usize>(), byte.clone()).prop_map(|(at, b)| Damage::Replace(at, b)),
        (any::<usize>(), byte).prop_map(|(at, b)| Damage::Insert(at, b)),
        any::<usize>().prop_map(Damage::Remove),
    ]
}

impl Damage {
    fn apply(&self, line: &mut Vec<u8>) {
        let at = |at: usize, len: usize| at % (len + 1);
        match *self {
            Damage::Cut(n) => line.truncate(at(n, line.len())),
            Damage::Insert(n, byte) => line.insert(at(n, line.len()), byte),
            Damage::Replace(n, byte) if !line.is_empty() => {
                let n = at(n, line.len() - 1);
                line[n] = byte;
            }
            Damage::Remove(n) if !line.is_empty() => {
                line.remove(at(n, line.len() - 1));
            }
            Damage::Replace(..) | Damage::Remove(_) => {}
        }
    }
}

proptest! {
    #[test]
    fn any_record_reads_as_serde_reads_it_or_is_left_to_serde(record in record()) {
        checked(&line_of(&record));
    }

    #[test]
    fn a_written_record_is_read_by_the_fast_path(record in written()) {
        let line = line_of(&record);
        let read = checked(&line);
        prop_assert!(read.is_some(), "left to serde: {}", String::from_utf8_lossy(&line));
        prop_assert_eq!(read.unwrap(), record);
    }

    #[test]
    fn a_damaged_line_reads_as_serde_reads_it_or_is_left_to_serde(
        record in prop_oneof![written(), record()],
        damages in collection::vec(damage(), 1..4),
    ) {
        let mut line = line_of(&record);
        for damage in &damages {
            damage.apply(&mut line);
        }
        checked(&line);
    }

    /// `at` is read by the parser serde's `Deserialize` for `Timestamp` uses:
    /// the same text gives the same timestamp or the same refusal.
    #[test]
    fn the_written_form_of_a_timestamp_reads_as_jiff_reads_it(
        at in prop_oneof![
            timestamp().prop_map(|at| at.to_string()),
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,10})?Z",
            "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-4]):[0-5][0-9]:[0-6][0-9](\\.[0-9]{1,9})?Z",
        ],
    ) {
        let jiff = TIMESTAMPS.parse_timestamp(&at).ok();
        if let Some(mine) = written_timestamp(&at) {
            prop_assert_eq!(Some(mine), jiff);
        }
        prop_assert_eq!(super::timestamp(&at), jiff);
    }

    #[test]
    fn at_reads_as_serde_reads_it(
        at in prop_oneof![
            "[+-]?[0-9]{4,6}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}(:?[0-9]{2}(:?[0-9]{2}([.,][0-9]{0,10})?)?)?([Zz]|[+-][0-9]{2}(:?[0-9]{2}(:?[0-9]{2})?)?)?(\\[!?[A-Za-z/_+-]{1,20}\\])?",
            timestamp().prop_map(|at| at.to_string()),
            any::<String>(),
        ],
    ) {
        let serde = serde_json::from_str::<Timestamp>(&serde_json::to_string(&at).unwrap()).ok();
        prop_assert_eq!(TIMESTAMPS.parse_timestamp(&at).ok(), serde);
        let line = format!(r#"{{"key":"a","event":"intent","at":{}}}"#, serde_json::to_string(&at).unwrap());
        let fast = checked(line.as_bytes()).map(|record| record.at);
        if !at.contains(|c: char| c == '"' || c == '\\' || c.is_control()) {
            prop_assert_eq!(fast, serde);
        }
    }
}
