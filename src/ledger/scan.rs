//! Parsing a ledger file's bytes into records, telling a torn last line from corruption.
//!
//! Appends write a whole line and its newline in one call, so a power cut can
//! only leave the *last* line short, and only when it lacks its newline. Any
//! bad line that does end in a newline was written that way, and is corruption.

use std::path::Path;
use std::sync::Arc;

use super::error::LedgerError;
use super::fast_line;
use super::held::Held;
use super::record::Record;

/// One parsed line.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// The line as written, without surrounding whitespace or its newline; kept
    /// so that compaction does not drop fields this version does not know.
    pub raw: Vec<u8>,
    pub record: Record,
}

/// How the file ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tail {
    /// Empty, or ends with a newline.
    Clean,
    /// The last line is a whole record that lacks only its newline (an editor
    /// may strip it); the record counts.
    MissingNewline,
    /// The last line lacks its newline and is not a record: a torn append.
    /// Everything from `offset` on is to be ignored, or cut off when repairing.
    Torn { offset: u64, line: usize },
}

#[derive(Debug)]
pub(crate) struct Scan {
    pub lines: Vec<Line>,
    pub tail: Tail,
}

/// Every line of a ledger held in memory, as compaction needs them.
pub(crate) fn scan(bytes: &[u8], path: &Path) -> Result<Scan, LedgerError> {
    let mut lines = Vec::new();
    let end = each_record(bytes, path, |raw, record| {
        lines.push(Line {
            raw: raw.to_vec(),
            record,
        });
    })?;
    Ok(Scan {
        lines,
        tail: end.tail,
    })
}

/// What reading a ledger to its end found after the last record.
#[derive(Debug)]
pub(crate) struct End {
    pub tail: Tail,
    /// Bytes read, the torn tail included.
    pub len: u64,
    /// The torn last line as it was read, when [`Tail::Torn`].
    pub torn: Vec<u8>,
}

/// Reads the ledger in `bytes` a line at a time, giving each record (and the
/// line it was read from) to `each` as it comes.
pub(crate) fn each_record(
    bytes: &[u8],
    path: &Path,
    mut each: impl FnMut(&[u8], Record),
) -> Result<End, LedgerError> {
    each_line(bytes, path, |text, _| {
        // serde only for lines the fast path does not read: their errors are serde's.
        let record = fast_line::parse(text).map_or_else(|| serde_json::from_slice(text), Ok)?;
        each(text, record);
        Ok(())
    })
}

/// The records the ledger of `bytes` holds, as its state keeps them (see
/// [`Held`]), given to `each` in the order read. The text is kept as it is,
/// each fast-path line's parts spans of it (one allocation, the file's size).
pub(crate) fn each_held(
    bytes: Vec<u8>,
    path: &Path,
    mut each: impl FnMut(Held),
) -> Result<End, LedgerError> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => Arc::new(text),
        // Some line is not text (a torn last one cut inside a character, or
        // bytes in a field this version does not know): every record kept as one.
        Err(err) => {
            return each_record(err.as_bytes(), path, |_, record| {
                each(Held::from_record(record));
            });
        }
    };
    each_line(text.as_bytes(), path, |line, at| {
        let held = match Held::read(&text, at, line.len()) {
            Some(held) => held,
            None => Held::from_record(serde_json::from_slice(line)?),
        };
        each(held);
        Ok(())
    })
}

/// Goes through `bytes` a line at a time, giving `read` each line without the
/// whitespace around it and where that begins, and telling a torn last line
/// (one `read` fails on that lacks its newline) from a corrupt one. Lines are
/// read where they lie, not copied.
fn each_line(
    bytes: &[u8],
    path: &Path,
    mut read: impl FnMut(&[u8], usize) -> Result<(), serde_json::Error>,
) -> Result<End, LedgerError> {
    let mut end = End {
        tail: Tail::Clean,
        len: 0,
        torn: Vec::new(),
    };
    for number in 1.. {
        let offset = end.len as usize;
        let Some(rest) = bytes.get(offset..).filter(|rest| !rest.is_empty()) else {
            break;
        };
        let (chunk, terminated) = match memchr::memchr(b'\n', rest) {
            Some(at) => (&rest[..=at], true),
            None => (rest, false),
        };
        end.len += chunk.len() as u64;
        let text = chunk.trim_ascii();
        // Blank lines carry nothing; tolerating them spares a hand edit an error.
        if text.is_empty() && terminated {
            continue;
        }
        let leading = chunk.len() - chunk.trim_ascii_start().len();
        match read(text, offset + leading) {
            Ok(()) if !terminated => end.tail = Tail::MissingNewline,
            Ok(()) => {}
            Err(_) if !terminated => {
                end.tail = Tail::Torn {
                    offset: offset as u64,
                    line: number,
                };
                end.torn = chunk.to_vec();
            }
            Err(source) => {
                return Err(LedgerError::Corrupt {
                    path: path.to_path_buf(),
                    line: number,
                    source: source.into(),
                });
            }
        }
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = r#"{"key":"a","event":"intent","at":"2027-03-01T00:00:00Z"}"#;

    #[test]
    fn torn_only_when_last_and_unterminated() {
        let bytes = format!("{A}\n{{\"key\":\"b\",\"ev");
        let scanned = scan(bytes.as_bytes(), Path::new("l")).unwrap();
        assert_eq!(scanned.lines.len(), 1);
        assert_eq!(
            scanned.tail,
            Tail::Torn {
                offset: A.len() as u64 + 1,
                line: 2
            }
        );

        let bytes = format!("{{\"key\":\"b\",\"ev\n{A}\n");
        let err = scan(bytes.as_bytes(), Path::new("l")).unwrap_err();
        assert!(
            matches!(err, LedgerError::Corrupt { line: 1, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn whole_record_without_newline_counts() {
        let scanned = scan(A.as_bytes(), Path::new("l")).unwrap();
        assert_eq!(scanned.lines.len(), 1);
        assert_eq!(scanned.tail, Tail::MissingNewline);
    }

    #[test]
    fn blank_lines_and_crlf_are_tolerated() {
        let bytes = format!("\n{A}\r\n  \n{A}\n");
        let scanned = scan(bytes.as_bytes(), Path::new("l")).unwrap();
        assert_eq!(scanned.tail, Tail::Clean);
        assert_eq!(scanned.lines.len(), 2);
        assert_eq!(scanned.lines[0].raw, A.as_bytes());
    }

    #[test]
    fn unknown_event_is_corruption_unknown_field_is_not() {
        let bytes = r#"{"key":"a","event":"intent","at":"2027-03-01T00:00:00Z","future":1}
{"key":"a","event":"exploded","at":"2027-03-01T00:00:00Z"}
"#;
        let err = scan(bytes.as_bytes(), Path::new("l")).unwrap_err();
        assert!(
            matches!(err, LedgerError::Corrupt { line: 2, .. }),
            "{err:?}"
        );
    }
}
