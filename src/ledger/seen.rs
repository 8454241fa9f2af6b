//! The lives of this app seen in WeCom, shared by every ledger in a folder
//! (`livesched.seen.jsonl` beside the schedules): which ledger made each live and
//! its last known status, so that listing an anchor's lives reads each one's
//! details once per repository rather than once per ledger and run.
//!
//! A cache, never the truth. Only what cannot change is relied on: a live that
//! is no longer scheduled never is again, and a live one ledger made is never
//! another's. A live the cache calls scheduled is read afresh before anything
//! is decided about it.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::compact::replace;
use super::error::LedgerError;
use super::lock::open_locked_waiting;
use crate::wecom::types::status;

/// The cache's name, in the schedules' folder.
pub const SEEN_FILE: &str = "livesched.seen.jsonl";

/// One live as last seen. Lines are sorted by corp and livingid, so that its diff
/// in git stays small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenLive {
    pub corpid: String,
    pub livingid: String,
    /// The ledger that holds it (its path from the cache's folder), when a ledger made or adopted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger: Option<String>,
    /// WeCom's status: 0 scheduled, 1 live, 2 ended, 3 expired, 4 cancelled.
    pub status: u8,
    pub anchor: String,
    pub theme: String,
    /// The scheduled start (unix seconds) and length (seconds).
    pub start: i64,
    pub duration: i64,
    /// When it was seen so.
    pub at: Timestamp,
}

impl SeenLive {
    /// No longer scheduled: it can never be adopted, modified or cancelled again.
    pub fn is_settled(&self) -> bool {
        self.status != status::SCHEDULED
    }

    /// `self` updated with a later sighting: the first ledger to claim a live keeps
    /// it, and a settled status is final. A sighting that changes nothing keeps
    /// `self` as it was, so that the file (and its diff in git) stays put.
    fn merged(&self, later: &SeenLive) -> SeenLive {
        let mut out = if self.is_settled() {
            self.clone()
        } else {
            later.clone()
        };
        out.ledger = self.ledger.clone().or_else(|| later.ledger.clone());
        out.at = self.at;
        if out == *self {
            return out;
        }
        out.at = later.at.max(self.at);
        out
    }
}

/// One corp's seen lives, loaded from the cache, and what this run adds to it.
#[derive(Debug, Default)]
pub struct SeenLives {
    path: Option<PathBuf>,
    corpid: String,
    lives: HashMap<String, SeenLive>,
    noted: BTreeMap<String, SeenLive>,
}

impl SeenLives {
    /// A cache that lives only as long as the run.
    pub fn in_memory(corpid: &str) -> SeenLives {
        SeenLives {
            corpid: corpid.to_string(),
            ..SeenLives::default()
        }
    }

    /// The cache at `path` for `corpid`: empty when missing; a line that does not
    /// read is skipped (a cache may be lost, never believed wrongly).
    pub fn load(path: &Path, corpid: &str) -> SeenLives {
        let lives = read_seen(path)
            .into_iter()
            .filter(|l| l.corpid == corpid)
            .map(|l| (l.livingid.clone(), l))
            .collect();
        SeenLives {
            path: Some(path.to_path_buf()),
            corpid: corpid.to_string(),
            lives,
            noted: BTreeMap::new(),
        }
    }

    pub fn corpid(&self) -> &str {
        &self.corpid
    }

    pub fn get(&self, livingid: &str) -> Option<&SeenLive> {
        self.lives.get(livingid)
    }

    /// Remembers a sighting (its `corpid` is set to this cache's).
    pub fn note(&mut self, mut live: SeenLive) {
        live.corpid.clone_from(&self.corpid);
        let merged = match self.lives.get(&live.livingid) {
            Some(known) if known.merged(&live) == *known => return,
            Some(known) => known.merged(&live),
            None => live,
        };
        self.lives.insert(merged.livingid.clone(), merged.clone());
        self.noted.insert(merged.livingid.clone(), merged);
    }

    /// Writes what this run noted into the file, merged with what other runs wrote
    /// there meanwhile; under the file's lock, replaced atomically. Nothing to
    /// write, or no file: nothing done.
    pub fn save(&self) -> Result<(), LedgerError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if self.noted.is_empty() {
            return Ok(());
        }
        let mut file = open_locked_waiting(path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|err| LedgerError::io("read", path, err))?;
        let mut all: BTreeMap<(String, String), SeenLive> = parse(&bytes, path)
            .into_iter()
            .map(|l| ((l.corpid.clone(), l.livingid.clone()), l))
            .collect();
        for live in self.noted.values() {
            let key = (live.corpid.clone(), live.livingid.clone());
            let merged = match all.get(&key) {
                Some(known) => known.merged(live),
                None => live.clone(),
            };
            all.insert(key, merged);
        }
        let mut out = Vec::new();
        for live in all.values() {
            serde_json::to_writer(&mut out, live).map_err(|source| LedgerError::Encode {
                key: live.livingid.clone(),
                source,
            })?;
            out.push(b'\n');
        }
        if out == bytes {
            return Ok(());
        }
        replace(path, &file, &out)
    }
}

/// Every line of the cache at `path` that reads, of every corp; none if it is missing.
pub fn read_seen(path: &Path) -> Vec<SeenLive> {
    match std::fs::read(path) {
        Ok(bytes) => parse(&bytes, path),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(err) => {
            tracing::warn!(path = %path.display(), "could not read the cache of seen lives: {err}");
            Vec::new()
        }
    }
}

fn parse(bytes: &[u8], path: &Path) -> Vec<SeenLive> {
    let mut out = Vec::new();
    for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<SeenLive>(line) {
            Ok(live) => out.push(live),
            Err(err) => {
                tracing::warn!(path = %path.display(), line = n + 1, "skipping a line of the cache of seen lives: {err}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(id: &str, status: u8, ledger: Option<&str>) -> SeenLive {
        SeenLive {
            corpid: String::new(),
            livingid: id.into(),
            ledger: ledger.map(Into::into),
            status,
            anchor: "a".into(),
            theme: "t".into(),
            start: 1,
            duration: 2,
            at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_settled_status_and_the_first_owner_are_kept() {
        let mut seen = SeenLives::in_memory("corp");
        seen.note(live("lv1", 4, None));
        seen.note(live("lv1", 0, Some("b.ledger.jsonl")));
        let got = seen.get("lv1").unwrap();
        assert_eq!(
            (got.status, got.ledger.as_deref()),
            (4, Some("b.ledger.jsonl"))
        );
        seen.note(live("lv2", 0, Some("a.ledger.jsonl")));
        seen.note(live("lv2", 0, Some("b.ledger.jsonl")));
        assert_eq!(
            seen.get("lv2").unwrap().ledger.as_deref(),
            Some("a.ledger.jsonl")
        );
    }

    #[test]
    fn a_sighting_that_changes_nothing_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SEEN_FILE);
        let mut seen = SeenLives::load(&path, "corp");
        seen.note(live("lv1", 0, Some("a.ledger.jsonl")));
        seen.save().unwrap();
        let before = std::fs::read(&path).unwrap();
        let mut again = SeenLives::load(&path, "corp");
        let mut later = live("lv1", 0, Some("a.ledger.jsonl"));
        later.at = Timestamp::UNIX_EPOCH + jiff::SignedDuration::from_hours(1);
        again.note(later.clone());
        again.save().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), before);
        later.status = 4;
        again.note(later.clone());
        again.save().unwrap();
        assert_eq!(
            SeenLives::load(&path, "corp").get("lv1").unwrap(),
            &SeenLive {
                corpid: "corp".into(),
                ..later
            }
        );
    }

    #[test]
    fn saves_merge_with_what_other_runs_wrote_and_keep_other_corps() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SEEN_FILE);
        let mut one = SeenLives::load(&path, "corp");
        let mut two = SeenLives::load(&path, "corp");
        let mut other = SeenLives::load(&path, "other");
        one.note(live("lv1", 0, Some("a.ledger.jsonl")));
        two.note(live("lv2", 2, None));
        other.note(live("lv1", 0, None));
        one.save().unwrap();
        two.save().unwrap();
        other.save().unwrap();
        let back = SeenLives::load(&path, "corp");
        assert_eq!(
            back.get("lv1").unwrap().ledger.as_deref(),
            Some("a.ledger.jsonl")
        );
        assert_eq!(back.get("lv2").unwrap().status, 2);
        assert_eq!(
            SeenLives::load(&path, "other").get("lv1").unwrap().ledger,
            None
        );
        // A line that does not read is skipped, not fatal.
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("not json\n{text}")).unwrap();
        assert_eq!(SeenLives::load(&path, "corp").get("lv2").unwrap().status, 2);
    }
}
