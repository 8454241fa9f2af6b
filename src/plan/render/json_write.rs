//! The hot parts of the JSON plan written by hand: each session's object and
//! each change's, byte for byte as `serde_json`'s pretty printer writes them
//! (tests below hold the two side by side). A plan of 100,000 sessions is
//! about 47 MB of this text; written field by field through `serde` it took
//! longer than planning the term.
//!
//! The `lives` array is written in chunks, each made into a buffer of its own
//! on one of a few threads and written out in order: never more than a few
//! chunks are held, and the output is the same however many threads there are.

use std::io::{self, Write as _};
use std::sync::mpsc;

use jiff::ZonedDateTime;
use serde::Serialize;

use super::json::Pretty;
use crate::plan::PlannedLive;
use crate::plan::changes::Change;
use crate::plan::create_body::BodyLayout;
use crate::plan::json_text::{escaped, int, text};
use crate::schedule::values::weekday_short;
use crate::wecom::types::ActivityDetail;

/// Sessions per chunk of the `lives` array.
const CHUNK: usize = 1024;

/// The `lives` array at `depth` (the indentation of the key it is the value
/// of), from `[` to `]`.
pub(super) fn lives(
    out: &mut impl io::Write,
    lives: &[PlannedLive],
    depth: usize,
) -> io::Result<()> {
    array(out, lives, depth, 512, lives_chunk)
}

/// The `changes` array at `depth`, from `[` to `]`: the plain ones (an action
/// and a key) by hand, any other through `serde`.
pub(super) fn changes(
    out: &mut impl io::Write,
    changes: &[Change],
    depth: usize,
) -> io::Result<()> {
    array(out, changes, depth, 96, changes_chunk)
}

/// Writes a run of an array's elements at a depth: the first of the array
/// after no comma.
type Chunk<T> = fn(&mut Vec<u8>, &[T], usize, bool);

/// An array at `depth`, from `[` to `]`, its elements made a chunk at a time
/// by `chunk`, on a few threads when there are several chunks. `size` is about
/// the bytes an element takes.
fn array<T: Sync>(
    out: &mut impl io::Write,
    items: &[T],
    depth: usize,
    size: usize,
    chunk: Chunk<T>,
) -> io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let chunks: Vec<&[T]> = items.chunks(CHUNK).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4)
        .min(chunks.len());
    if threads == 1 {
        let mut buf = Vec::with_capacity(CHUNK * size);
        for (i, items) in chunks.iter().enumerate() {
            buf.clear();
            chunk(&mut buf, items, depth + 1, i == 0);
            out.write_all(&buf)?;
        }
    } else {
        in_parallel(out, &chunks, depth + 1, threads, size, chunk)?;
    }
    line(out, depth)?;
    out.write_all(b"]")
}

/// Each thread makes every `threads`-th chunk; they are written in order. A
/// failed write drops the receivers, which stops the threads at their next send.
fn in_parallel<T: Sync>(
    out: &mut impl io::Write,
    chunks: &[&[T]],
    depth: usize,
    threads: usize,
    size: usize,
    chunk: Chunk<T>,
) -> io::Result<()> {
    std::thread::scope(|scope| {
        let receivers: Vec<mpsc::Receiver<Vec<u8>>> = (0..threads)
            .map(|t| {
                let (send, receive) = mpsc::sync_channel(2);
                scope.spawn(move || {
                    for i in (t..chunks.len()).step_by(threads) {
                        let mut buf = Vec::with_capacity(chunks[i].len() * size);
                        chunk(&mut buf, chunks[i], depth, i == 0);
                        if send.send(buf).is_err() {
                            return;
                        }
                    }
                });
                receive
            })
            .collect();
        for i in 0..chunks.len() {
            let buf = receivers[i % threads]
                .recv()
                .map_err(|_| io::Error::other("a thread writing the plan stopped"))?;
            out.write_all(&buf)?;
        }
        Ok(())
    })
}

/// A run of sessions' objects as array elements at `depth`.
fn lives_chunk(buf: &mut Vec<u8>, lives: &[PlannedLive], depth: usize, first: bool) {
    for (i, l) in lives.iter().enumerate() {
        if !(first && i == 0) {
            buf.push(b',');
        }
        newline(buf, depth);
        live(buf, l, depth);
    }
}

/// One session's object, its members at `depth + 1`.
fn live(buf: &mut Vec<u8>, l: &PlannedLive, depth: usize) {
    let inner = depth + 1;
    buf.push(b'{');
    key(buf, inner, "class", true);
    text(buf, l.class_id());
    key(buf, inner, "key", false);
    buf.push(b'"');
    l.key.write_text(buf);
    buf.push(b'"');
    key(buf, inner, "n", false);
    int(buf, i64::from(l.n));
    key(buf, inner, "notes", false);
    strings(buf, &l.notes, inner);
    key(buf, inner, "request", false);
    request(buf, l, inner);
    key(buf, inner, "start", false);
    start(buf, &l.start);
    key(buf, inner, "week", false);
    int(buf, i64::from(l.week));
    key(buf, inner, "weekday", false);
    text(buf, weekday_short(l.weekday()));
    newline(buf, depth);
    buf.push(b'}');
}

/// The `living/create` body, as `CreateBody` serializes it, its members at `depth + 1`.
fn request(buf: &mut Vec<u8>, l: &PlannedLive, depth: usize) {
    l.body()
        .write_with(buf, &mut Members { depth, first: true });
}

/// A body's members laid out as the pretty printer lays them out, one a line.
struct Members {
    /// The object's own depth.
    depth: usize,
    first: bool,
}

impl BodyLayout for Members {
    fn member(&mut self, buf: &mut Vec<u8>, name: &str) {
        key(
            buf,
            self.depth + 1,
            name,
            std::mem::replace(&mut self.first, false),
        );
    }

    fn detail(&mut self, buf: &mut Vec<u8>, detail: &ActivityDetail) {
        nested(buf, detail, self.depth + 1);
    }

    fn close(&mut self, buf: &mut Vec<u8>) {
        newline(buf, self.depth);
        buf.push(b'}');
    }
}

/// A run of changes' objects as array elements at `depth`: the plain ones (an
/// action and a key) by hand, any other through `serde`.
fn changes_chunk(buf: &mut Vec<u8>, changes: &[Change], depth: usize, first: bool) {
    for (i, c) in changes.iter().enumerate() {
        if !(first && i == 0) {
            buf.push(b',');
        }
        newline(buf, depth);
        if c.drift.is_some() || !c.fields.is_empty() {
            nested(buf, c, depth);
            continue;
        }
        buf.push(b'{');
        key(buf, depth + 1, "action", true);
        text(buf, c.action.name());
        key(buf, depth + 1, "key", false);
        buf.push(b'"');
        match c.key.session() {
            Some(session) => session.write_text(buf),
            None => escaped(buf, &c.key.to_string()),
        }
        buf.push(b'"');
        if let Some(livingid) = &c.livingid {
            key(buf, depth + 1, "livingid", false);
            text(buf, livingid);
        }
        newline(buf, depth);
        buf.push(b'}');
    }
}

/// A value through `serde`, laid out as if it were at `depth` of the document.
fn nested(buf: &mut Vec<u8>, value: &impl Serialize, depth: usize) {
    let pretty = Pretty::at(depth);
    let mut serializer = serde_json::Serializer::with_formatter(&mut *buf, pretty);
    // Writing to a `Vec` fails only for a value that cannot be JSON, and the
    // plan's values all can.
    let _ = value.serialize(&mut serializer);
}

/// `,` unless `first`, a line break, the indentation, `"name": `.
pub(super) fn key(buf: &mut Vec<u8>, depth: usize, name: &str, first: bool) {
    buf.reserve(2 * depth + name.len() + 6);
    if !first {
        buf.push(b',');
    }
    newline(buf, depth);
    buf.push(b'"');
    buf.extend_from_slice(name.as_bytes());
    buf.extend_from_slice(b"\": ");
}

fn newline(buf: &mut Vec<u8>, depth: usize) {
    const SPACES: &[u8; 32] = b"                                ";
    buf.push(b'\n');
    match SPACES.get(..2 * depth) {
        Some(indent) => buf.extend_from_slice(indent),
        None => buf.resize(buf.len() + 2 * depth, b' '),
    }
}

/// A line break and the indentation of `depth`, as the pretty layout writes them.
pub(super) fn line(out: &mut impl io::Write, depth: usize) -> io::Result<()> {
    Pretty::at(depth).line(out, false)
}

/// A list of strings: `[]`, or one a line at `depth + 1`.
fn strings(buf: &mut Vec<u8>, list: &[String], depth: usize) {
    if list.is_empty() {
        buf.extend_from_slice(b"[]");
        return;
    }
    buf.push(b'[');
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        newline(buf, depth + 1);
        text(buf, s);
    }
    newline(buf, depth);
    buf.push(b']');
}

/// The start as `Timestamp::display_with_offset` writes it: by hand for whole
/// seconds of the years 0 to 9999 at a whole-minute offset, else by jiff.
fn start(buf: &mut Vec<u8>, at: &ZonedDateTime) {
    let offset = at.offset().seconds();
    let local = at.datetime();
    let plain =
        (0..=9999).contains(&local.year()) && local.subsec_nanosecond() == 0 && offset % 60 == 0;
    buf.push(b'"');
    if plain {
        let two = |buf: &mut Vec<u8>, n: i32| {
            buf.push(b'0' + (n / 10) as u8);
            buf.push(b'0' + (n % 10) as u8);
        };
        let year = i32::from(local.year());
        two(buf, year / 100);
        two(buf, year % 100);
        buf.push(b'-');
        two(buf, local.month().into());
        buf.push(b'-');
        two(buf, local.day().into());
        buf.push(b'T');
        two(buf, local.hour().into());
        buf.push(b':');
        two(buf, local.minute().into());
        buf.push(b':');
        two(buf, local.second().into());
        buf.push(if offset < 0 { b'-' } else { b'+' });
        let minutes = offset.abs() / 60;
        two(buf, minutes / 60);
        buf.push(b':');
        two(buf, minutes % 60);
    } else {
        let _ = write!(buf, "{}", at.timestamp().display_with_offset(at.offset()));
    }
    buf.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text to escape, optional fields, notes, another zone.
    const ODD: &str = r#"version: 1
term: { name: odd, timezone: America/New_York, start: 2027-03-01, end: 2027-03-31 }
defaults: { anchor: "a\"b", duration: 1h }
classes:
  - id: q
    theme: "say \"hi\" \\ {n}\t{date} {week}"
    description: "line one\nline two"
    agentid: 1000002
    remind: 5m
    weekly: { days: [mon, sun], at: "02:30" }
changes:
  - { class: q, date: 2027-03-08, move_to: 2027-03-09T10:00, anchor: z }
"#;

    /// Each session of a term as the JSON plan showed it when it was a
    /// `serde_json::Value` printed pretty.
    fn as_values(file: &str) -> Vec<(String, String)> {
        let planned = crate::plan::plan_term(std::path::Path::new(file), false);
        let plan = planned
            .plan
            .unwrap_or_else(|| panic!("{file}: {:?}", planned.problems));
        assert!(!plan.lives.is_empty());
        plan.lives
            .iter()
            .map(|l| {
                let value = serde_json::json!({
                    "key": l.key.to_string(),
                    "class": l.class_id(),
                    "n": l.n,
                    "start": l.start.timestamp().display_with_offset(l.start.offset()).to_string(),
                    "week": l.week,
                    "weekday": weekday_short(l.weekday()),
                    "notes": l.notes,
                    "request": l.request(),
                });
                let mut ours = Vec::new();
                live(&mut ours, l, 0);
                (
                    String::from_utf8(ours).unwrap(),
                    serde_json::to_string_pretty(&value).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn each_session_and_body_is_written_as_serde_json_writes_it() {
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join("odd.yaml");
        std::fs::write(&odd, ODD).unwrap();
        let odd = odd.to_string_lossy().to_string();
        for file in ["schedules/spring-2027.yaml", &odd] {
            for (ours, theirs) in as_values(file) {
                assert_eq!(ours, theirs);
            }
            let planned = crate::plan::plan_term(std::path::Path::new(file), false);
            for l in &planned.plan.unwrap().lives {
                let mut compact = Vec::new();
                l.body().write_compact(&mut compact);
                assert_eq!(compact, serde_json::to_vec(&l.body()).unwrap(), "{}", l.key);
            }
        }
    }

    #[test]
    fn starts_are_written_as_jiff_writes_them() {
        let instants = [
            "2027-03-01T08:00:00+08:00[Asia/Shanghai]",
            "2027-03-14T03:30:00-04:00[America/New_York]",
            "2027-01-01T00:00:00+00:00[UTC]",
            "2027-06-01T09:00:00+05:45[Asia/Kathmandu]",
            "2027-06-01T09:00:00-09:30[Pacific/Marquesas]",
            "0999-06-01T09:00:00+00:00[UTC]",
            "2027-06-01T09:00:00.5+08:00[Asia/Shanghai]",
            "1900-01-01T09:00:00+08:05:43[Asia/Shanghai]",
        ];
        for text in instants {
            let at: ZonedDateTime = text.parse().unwrap();
            let mut buf = Vec::new();
            start(&mut buf, &at);
            let jiff = at.timestamp().display_with_offset(at.offset()).to_string();
            assert_eq!(
                String::from_utf8(buf).unwrap(),
                format!("\"{jiff}\""),
                "{text}"
            );
        }
    }
}
