//! Taking a ledger file for exclusive use, failing at once if someone else has it.
//!
//! The lock is on the ledger file itself, so no stray `.lock` file lands beside
//! a schedule that CI commits. Compaction renames a new file over the old one,
//! though, so a lock won on the old, replaced file would guard nothing: after
//! locking we check that the path still names the file we hold, and retry if not.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::Path;

use super::error::LedgerError;

/// A rename can only race us a few times in a row if something is badly wrong.
const ATTEMPTS: usize = 8;

/// How long a held lock is waited for before it counts as another writer's.
///
/// A process that forks (any thread spawning a child) holds a copy of every
/// descriptor until the child execs, and with it our lock: a ledger just closed
/// can look locked for a moment. A real second writer holds it for a whole run.
const CONTENDED_FOR: std::time::Duration = std::time::Duration::from_millis(200);

/// `path` opened for reading and appending (created if missing) and locked exclusively.
pub(crate) fn open_locked(path: &Path) -> Result<File, LedgerError> {
    let mut last_err = None;
    for _ in 0..ATTEMPTS {
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|err| LedgerError::io("open", path, err))?;
        try_lock_briefly(&file, path)?;
        match still_at(&file, path) {
            Ok(true) => return Ok(file),
            Ok(false) => last_err = None,
            Err(err) => last_err = Some(err),
        }
    }
    let err = last_err
        .unwrap_or_else(|| io::Error::other("the file kept being replaced while locking it"));
    Err(LedgerError::io("lock", path, err))
}

/// `path` opened for reading and writing (created if missing), waiting for the
/// lock as long as another process holds it: for files written briefly by many
/// runs at once (the cache of seen lives), where waiting is right.
pub(crate) fn open_locked_waiting(path: &Path) -> Result<File, LedgerError> {
    for _ in 0..ATTEMPTS {
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|err| LedgerError::io("open", path, err))?;
        file.lock()
            .map_err(|err| LedgerError::io("lock", path, err))?;
        if still_at(&file, path).map_err(|err| LedgerError::io("lock", path, err))? {
            return Ok(file);
        }
    }
    let err = io::Error::other("the file kept being replaced while locking it");
    Err(LedgerError::io("lock", path, err))
}

/// Takes the lock, retrying for [`CONTENDED_FOR`] before giving up as `Locked`.
fn try_lock_briefly(file: &File, path: &Path) -> Result<(), LedgerError> {
    let deadline = std::time::Instant::now() + CONTENDED_FOR;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(LedgerError::Locked {
                    path: path.to_path_buf(),
                });
            }
            Err(TryLockError::Error(err)) => return Err(LedgerError::io("lock", path, err)),
        }
    }
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;

    let held = file.metadata()?;
    match std::fs::metadata(path) {
        Ok(named) => Ok(held.dev() == named.dev() && held.ino() == named.ino()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(err),
    }
}

/// Elsewhere an open file cannot be renamed over, so the race does not arise.
#[cfg(not(unix))]
fn still_at(_file: &File, _path: &Path) -> io::Result<bool> {
    Ok(true)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_file_renamed_over_is_no_longer_the_one_held() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.jsonl");
        std::fs::write(&path, "old\n").unwrap();
        let held = File::open(&path).unwrap();
        assert!(still_at(&held, &path).unwrap());

        let replacement = dir.path().join("new");
        std::fs::write(&replacement, "new\n").unwrap();
        std::fs::rename(&replacement, &path).unwrap();
        assert!(!still_at(&held, &path).unwrap());

        // A lock won on the replaced file must not count: open_locked takes the new one.
        held.try_lock().unwrap();
        let fresh = open_locked(&path).unwrap();
        assert!(still_at(&fresh, &path).unwrap());
    }
}
