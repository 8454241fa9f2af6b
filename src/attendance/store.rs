//! The readings kept beside the ledger (`spring.attendance.jsonl` beside
//! `spring.ledger.jsonl`): one JSON line per live read, appended and flushed as soon
//! as the live's details and every page of its statistics are in, so a run stopped
//! at any moment keeps what it read. The last reading of a session is the one that
//! counts. Written only while the ledger's lock is held.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::wecom::types::{LivingStatus, WatchingExternalUser, WatchingUser, status};

/// One live as read: its details from `get_living_info` and, once it has ended,
/// everyone who watched it from `get_watch_stat`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// The session key.
    pub key: String,
    pub livingid: String,
    /// The run's "now" when it was read.
    pub at: Timestamp,
    pub status: LivingStatus,
    /// Unix seconds and seconds: when it actually started and how long it ran
    /// (the scheduled ones while it has not started).
    pub living_start: i64,
    pub living_duration: i64,
    /// What was scheduled.
    pub reserve_start: i64,
    pub reserve_living_duration: i64,
    /// Members of the corp who watched (only read once the live has ended).
    #[serde(default)]
    pub users: Vec<WatchingUser>,
    /// Viewers from outside the corp.
    #[serde(default)]
    pub external_users: Vec<WatchingExternalUser>,
}

impl Reading {
    /// Whether what it says is final: the live ended, expired or was cancelled.
    pub fn is_final(&self) -> bool {
        matches!(
            self.status,
            status::ENDED | status::EXPIRED | status::CANCELLED
        )
    }

    /// Unix seconds when it ended, if it has.
    pub fn ended_at(&self) -> Option<i64> {
        (self.status == status::ENDED).then_some(self.living_start + self.living_duration)
    }

    /// The length it was scheduled for, which attendance is measured against.
    pub fn scheduled_seconds(&self) -> i64 {
        self.reserve_living_duration
    }
}

/// Why the readings file could not be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum StoreError {
    #[error("failed to {what} `{}`", .path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("`{}` line {line} is not a reading: {reason}", .path.display())]
    #[diagnostic(help(
        "the file is written by `livesched attendance`; remove the line (or the file: the next run reads every live again)"
    ))]
    Corrupt {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

impl StoreError {
    fn io(what: &'static str, path: &Path, source: std::io::Error) -> StoreError {
        StoreError::Io {
            what,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// `spring.ledger.jsonl` → `spring.attendance.jsonl`; another ledger name gets
/// `.attendance.jsonl` in place of its extension.
pub fn store_path_for(ledger: &Path) -> PathBuf {
    let name = ledger
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name
        .strip_suffix(".ledger.jsonl")
        .or_else(|| name.strip_suffix(".jsonl"))
        .unwrap_or(&name);
    ledger.with_file_name(format!("{stem}.attendance.jsonl"))
}

/// The readings file, open for appending.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    file: File,
    /// The last reading of each session.
    readings: BTreeMap<String, Reading>,
    /// A torn last line cut off on opening, for the caller to report.
    repaired: Option<usize>,
}

impl Store {
    /// Opens (creating if missing) the file at `path`. A torn last line (a run
    /// killed mid-write) is cut off: that live is simply read again. Any other
    /// bad line is an error that names it.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| StoreError::io("open", path, e))?;
        let mut bytes = Vec::new();
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_end(&mut bytes))
            .map_err(|e| StoreError::io("read", path, e))?;
        let mut readings = BTreeMap::new();
        let mut offset = 0;
        let mut repaired = None;
        let mut lines = bytes
            .split_inclusive(|b| *b == b'\n')
            .enumerate()
            .peekable();
        while let Some((i, line)) = lines.next() {
            let last = lines.peek().is_none();
            let text = String::from_utf8_lossy(line);
            if text.trim().is_empty() {
                offset += line.len();
                continue;
            }
            match serde_json::from_str::<Reading>(text.trim_end()) {
                Ok(reading) if line.ends_with(b"\n") || !last => {
                    readings.insert(reading.key.clone(), reading);
                }
                // The last line, cut off mid-write: forget it, and read that live again.
                _ if last => {
                    file.set_len(offset as u64)
                        .and_then(|()| file.sync_data())
                        .map_err(|e| StoreError::io("repair", path, e))?;
                    repaired = Some(i + 1);
                }
                Ok(_) => unreachable!("only the last line can lack its newline"),
                Err(err) => {
                    return Err(StoreError::Corrupt {
                        path: path.to_path_buf(),
                        line: i + 1,
                        reason: err.to_string(),
                    });
                }
            }
            offset += line.len();
        }
        Ok(Store {
            path: path.to_path_buf(),
            file,
            readings,
            repaired,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The line cut off on opening (1-based), if one was torn.
    pub fn repaired(&self) -> Option<usize> {
        self.repaired
    }

    /// The last reading of every session, by key.
    pub fn readings(&self) -> &BTreeMap<String, Reading> {
        &self.readings
    }

    /// Appends `reading` and flushes it to disk before returning.
    pub fn append(&mut self, reading: Reading) -> Result<(), StoreError> {
        let mut line = serde_json::to_vec(&reading).expect("a reading serializes");
        line.push(b'\n');
        self.file
            .write_all(&line)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| StoreError::io("append to", &self.path, e))?;
        self.readings.insert(reading.key.clone(), reading);
        Ok(())
    }

    /// Rewrites the file with the last reading of each session, sorted by key
    /// (a temp file in the same folder, fsynced, renamed over it), so it stays small.
    pub fn compact(&mut self) -> Result<(), StoreError> {
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let fail = |e: std::io::Error| StoreError::io("compact", &self.path, e);
        let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
        for reading in self.readings.values() {
            let mut line = serde_json::to_vec(reading).expect("a reading serializes");
            line.push(b'\n');
            temp.write_all(&line).map_err(fail)?;
        }
        temp.as_file().sync_all().map_err(fail)?;
        let file = temp.persist(&self.path).map_err(|e| fail(e.error))?;
        drop(file);
        self.file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&self.path)
            .map_err(fail)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(key: &str, status: u8) -> Reading {
        Reading {
            key: key.into(),
            livingid: format!("lv-{key}"),
            at: Timestamp::UNIX_EPOCH,
            status,
            living_start: 100,
            living_duration: 50,
            reserve_start: 100,
            reserve_living_duration: 60,
            users: vec![],
            external_users: vec![],
        }
    }

    #[test]
    fn the_store_sits_beside_the_ledger() {
        assert_eq!(
            store_path_for(Path::new("terms/spring.ledger.jsonl")),
            Path::new("terms/spring.attendance.jsonl")
        );
        assert_eq!(
            store_path_for(Path::new("l.jsonl")),
            Path::new("l.attendance.jsonl")
        );
    }

    #[test]
    fn the_last_reading_counts_and_a_torn_line_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.attendance.jsonl");
        let mut store = Store::open(&path).unwrap();
        store.append(reading("a", 1)).unwrap();
        store.append(reading("b", 3)).unwrap();
        store.append(reading("a", 2)).unwrap();
        drop(store);
        let mut text = std::fs::read(&path).unwrap();
        text.extend_from_slice(br#"{"key":"c","livingid":"#);
        std::fs::write(&path, &text).unwrap();
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.repaired(), Some(4));
        assert_eq!(store.readings().len(), 2);
        assert_eq!(store.readings()["a"].status, 2);
        assert!(store.readings()["a"].is_final());
        assert_eq!(store.readings()["a"].ended_at(), Some(150));
        store.compact().unwrap();
        store.append(reading("c", 0)).unwrap();
        let reopened = Store::open(&path).unwrap();
        assert_eq!(reopened.readings().len(), 3);
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 3);
    }

    #[test]
    fn a_bad_line_in_the_middle_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.attendance.jsonl");
        let good = serde_json::to_string(&reading("a", 2)).unwrap();
        std::fs::write(&path, format!("{good}\nnot json\n{good}\n")).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
