//! The fast path on lines written by hand: what it takes, what it leaves to
//! serde, and every small damage to the lines it takes.

use super::*;

/// What serde reads of `line`, as `each_record` would without the fast path.
fn serde(line: &[u8]) -> Result<Record, serde_json::Error> {
    serde_json::from_slice(line)
}

/// The fast path's reading of `line`, after checking that, when it has one,
/// serde reads the same: equal records, down to each body's text.
pub(super) fn checked(line: &[u8]) -> Option<Record> {
    let fast = parse(line)?;
    let shown = String::from_utf8_lossy(line);
    let slow = serde(line).unwrap_or_else(|err| panic!("serde refuses {shown:?}: {err}"));
    assert_eq!(fast, slow, "{shown:?}");
    // Bodies are equal by value; the text must be the same too.
    assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{shown:?}");
    Some(fast)
}

/// One line of each shape `apply`, `refresh` and `attendance` write.
pub(super) const WRITTEN: [&str; 7] = [
    r#"{"key":"c0/2027-01-04","event":"created","livingid":"lv00000000","at":"2026-11-30T00:00:00Z","request":{"anchor_userid":"t0","living_duration":2700,"living_start":1799020800,"remind_time":600,"theme":"课程0 第1讲","type":3}}"#,
    r#"{"key":"ml-101/2027-03-01#2","event":"intent","action":"create","at":"2027-02-01T09:30:01.123456789Z","request":{"agentid":1000002,"anchor_userid":"zhang.san","description":"第一周","living_duration":5400,"living_start":1803087000,"theme":"机器学习 第2讲","type":0}}"#,
    r#"{"key":"ml-101/2027-03-01","event":"failed","errcode":-1,"error":"系统繁忙","at":"2027-02-01T09:30:02.5Z"}"#,
    r#"{"key":"ml-101/2027-03-01","event":"refreshed","livingid":"lvAbC_9-","status":2,"actual":{"living_start":1803087010,"living_duration":5377},"at":"2027-03-01T12:00:00Z","request":{"anchor_userid":"zhang.san","living_duration":5400,"living_start":1803087000,"theme":"ML","type":0}}"#,
    r#"{"key":"art-1/2027-03-02","event":"adopted","livingid":"lv1","at":"2027-02-01T00:00:00Z","request":{"activity_cover_mediaid":"m1","activity_detail":{"description":"画","image_list":["i1","i2"]},"anchor_userid":"li","living_duration":60,"living_start":0,"theme":"A","type":4}}"#,
    r#"{"key":"~foreign/lv9","event":"foreign","livingid":"lv9","status":0,"at":"2027-02-01T00:00:00Z","request":{"anchor_userid":"x","living_duration":1,"living_start":-5,"theme":"","type":3}}"#,
    r#"{"key":"a~lv2","event":"cancelled","livingid":"lv2","errcode":9223372036854775807,"at":"1970-01-01T00:00:00Z"}"#,
];

#[test]
fn takes_every_shape_this_program_writes() {
    for line in WRITTEN {
        let record = checked(line.as_bytes()).unwrap_or_else(|| panic!("left to serde: {line}"));
        assert_eq!(record.to_line().unwrap(), format!("{line}\n").into_bytes());
    }
}

#[test]
fn leaves_to_serde_what_it_does_not_cover() {
    let base = r#"{"key":"a","event":"intent","at":"2027-03-01T00:00:00Z"}"#;
    let valid_elsewise = [
        r#"{"key":"a\"b","event":"intent","at":"2027-03-01T00:00:00Z"}"#,
        r#"{"key":"\u0061","event":"intent","at":"2027-03-01T00:00:00Z"}"#,
        r#"{"event":"intent","key":"a","at":"2027-03-01T00:00:00Z"}"#,
        r#"{"key":"a","event":"intent","at":"2027-03-01T00:00:00Z","future":1}"#,
        r#"{"key": "a","event":"intent","at":"2027-03-01T00:00:00Z"}"#,
        r#"{"key":"a","event":"intent","action":null,"at":"2027-03-01T00:00:00Z"}"#,
        r#"{"key":"a","event":"intent","at":"2027-03-01T00:00:00Z","request":null}"#,
        r#"{"key":"a","event":"intent","at":"2027-03-01T00:00:00Z","request":{"a":true}}"#,
        r#"{"key":"a","event":"intent","at":"2027-03-01T00:00:00Z","request":{"a":1.5}}"#,
        r#"{"key":"a","event":"intent","at":"2027-03-01T00:00:00Z","request":[[[[[1]]]]]}"#,
        r#"{"key":"a","event":"intent","at":"2027-03-01T00:00:00Z","request":{"a":"\n"}}"#,
        r#"{"key":"a","event":"refreshed","actual":{"living_duration":1,"living_start":2},"at":"2027-03-01T00:00:00Z"}"#,
    ];
    let refused = [
        r#"{"key":"a","event":"intent","status":1,"status":2,"at":"2027-03-01T00:00:00Z"}"#,
        r#"{"key":"a","event":"intent","status":256,"at":"2027-03-01T00:00:00Z"}"#,
        r#"{"key":"a","event":"intent","status":-1,"at":"2027-03-01T00:00:00Z"}"#,
        r#"{"key":"a","event":"intent","status":01,"at":"2027-03-01T00:00:00Z"}"#,
        r#"{"key":"a","event":"intent","errcode":-0,"at":"2027-03-01T00:00:00Z"}"#,
        r#"{"key":"a","event":"intent","errcode":1.0,"at":"2027-03-01T00:00:00Z"}"#,
        r#"{"key":"a","event":"intent","errcode":9223372036854775808,"at":"2027-03-01T00:00:00Z"}"#,
        r#"{"key":"a","event":"intent","errcode":-9223372036854775809,"at":"2027-03-01T00:00:00Z"}"#,
        r#"{"key":"a","event":"exploded","at":"2027-03-01T00:00:00Z"}"#,
        r#"{"key":"a","event":"intent","at":"2027-02-30T00:00:00Z"}"#,
        r#"{"key":"a","event":"intent","at":"2027-03-01T00:00:00Z"}}"#,
        r#"{"key":"a","event":"intent","at":"2027-03-01T00:00:00Z","request":{"a":1,}}"#,
        r#"{"key":"a","event":"intent","at":"2027-03-01T00:00:00Z","request":{"a":01}}"#,
        "{\"key\":\"a\t\",\"event\":\"intent\",\"at\":\"2027-03-01T00:00:00Z\"}",
        r#"{"key":"a","event":"intent"}"#,
    ];
    assert!(parse(base.as_bytes()).is_some());
    for line in valid_elsewise {
        assert!(serde(line.as_bytes()).is_ok(), "{line}");
        assert!(parse(line.as_bytes()).is_none(), "{line}");
    }
    for line in refused {
        assert!(serde(line.as_bytes()).is_err(), "{line}");
        assert!(parse(line.as_bytes()).is_none(), "{line}");
    }
    let mut invalid_utf8 = base.as_bytes().to_vec();
    invalid_utf8[10] = 0xff;
    assert!(parse(&invalid_utf8).is_none());
}

#[test]
fn integers_at_their_edges_read_as_serde_reads_them() {
    let texts = [
        "0",
        "1",
        "255",
        "256",
        "-0",
        "-1",
        "00",
        "01",
        "-01",
        "1.0",
        "1e3",
        "-",
        "+1",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999",
    ];
    for text in texts {
        // Every integer serde takes in these fields, the fast path takes too.
        for line in [
            format!(
                r#"{{"key":"a","event":"refreshed","status":{text},"at":"2027-03-01T00:00:00Z"}}"#
            ),
            format!(
                r#"{{"key":"a","event":"failed","errcode":{text},"at":"2027-03-01T00:00:00Z"}}"#
            ),
            format!(
                r#"{{"key":"a","event":"refreshed","actual":{{"living_start":{text},"living_duration":{text}}},"at":"2027-03-01T00:00:00Z"}}"#
            ),
        ] {
            let fast = checked(line.as_bytes()).is_some();
            assert_eq!(fast, serde(line.as_bytes()).is_ok(), "{line}");
        }
        // In a body it leaves fractions and exponents to serde.
        let body = format!(
            r#"{{"key":"a","event":"created","at":"2027-03-01T00:00:00Z","request":{{"n":{text}}}}}"#
        );
        let fast = checked(body.as_bytes()).is_some();
        let plain = !text.contains(['.', 'e']);
        assert_eq!(fast, plain && serde(body.as_bytes()).is_ok(), "{body}");
    }
}

/// Bytes that mean something to JSON or to UTF-8, to damage a line with.
pub(super) const DAMAGE: &[u8] = b"\"\\{}[],:-+.0159eEZT tnu\x00\x1f\x7f\x80\xbf\xe8\xff";

#[test]
fn no_small_damage_to_a_written_line_makes_it_read_otherwise() {
    for line in WRITTEN {
        let line = line.as_bytes();
        for at in 0..=line.len() {
            checked(&line[..at]);
            checked(&line[at..]);
            for &byte in DAMAGE {
                let mut inserted = line.to_vec();
                inserted.insert(at, byte);
                checked(&inserted);
                if at < line.len() {
                    let mut replaced = line.to_vec();
                    replaced[at] = byte;
                    checked(&replaced);
                }
            }
            if at < line.len() {
                let mut removed = line.to_vec();
                removed.remove(at);
                checked(&removed);
            }
        }
    }
}

#[test]
fn the_written_form_of_a_timestamp_is_read_by_hand() {
    for (text, second, nanos) in [
        ("2026-11-30T00:00:00Z", 1_795_996_800, 0),
        ("1970-01-01T00:00:00.5Z", 0, 500_000_000),
        ("2024-02-29T23:59:59.000000001Z", 1_709_251_199, 1),
        ("1969-12-31T23:59:59.999999999Z", -1, 999_999_999),
        ("0000-03-01T00:00:00Z", -62_162_035_200, 0),
    ] {
        let expected = Timestamp::new(second, nanos).unwrap();
        assert_eq!(written_timestamp(text), Some(expected), "{text}");
        assert_eq!(
            TIMESTAMPS.parse_timestamp(text).ok(),
            Some(expected),
            "{text}"
        );
    }
    // Left to jiff, which reads some of them and refuses the rest.
    for text in [
        "2023-02-29T00:00:00Z",
        "2026-11-30T24:00:00Z",
        "2016-12-31T23:59:60Z",
        "2026-11-30t00:00:00z",
        "2026-11-30T00:00:00.Z",
        "2026-11-30T00:00:00.1234567891Z",
        "2026-11-30T00:00:00+00:00",
        "+2026-11-30T00:00:00Z",
    ] {
        assert_eq!(written_timestamp(text), None, "{text}");
        assert_eq!(
            timestamp(text),
            TIMESTAMPS.parse_timestamp(text).ok(),
            "{text}"
        );
    }
}
