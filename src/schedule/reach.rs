//! Which files a schedule may make the tool read. A schedule in CI comes from a
//! pull request: the files it names (`classes_from`, pictures, calendars,
//! rosters) must resolve, symlinks followed, inside one folder tree — the one
//! the run was started in — unless the user allows more. The file named on the
//! command line is the user's own choice and is not confined.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest file a schedule may name (or be): far above any real term, and
/// a bound on what `plan /dev/zero` reads.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Inside this folder (canonical), symlinks followed.
    Inside(PathBuf),
    /// Anywhere (`--allow-outside`).
    Anywhere,
}

impl Reach {
    /// The tree the process runs in.
    pub fn current_dir() -> Reach {
        let dir = std::env::current_dir().and_then(std::fs::canonicalize);
        // Without a known current folder nothing outside can be told apart: refuse all.
        Reach::Inside(dir.unwrap_or_else(|_| PathBuf::from("/nonexistent-livesched-root")))
    }

    /// The tree of `file`'s own folder: the library's default when no command set one.
    pub fn beside(file: &Path) -> Reach {
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
        let dir = dir
            .map_or_else(std::env::current_dir, |d| Ok(d.to_path_buf()))
            .and_then(std::fs::canonicalize);
        Reach::Inside(dir.unwrap_or_else(|_| PathBuf::from("/nonexistent-livesched-root")))
    }

    /// `path` with its symlinks followed, when it may be read; why not, otherwise.
    pub fn check(&self, path: &Path) -> Result<PathBuf, String> {
        let real = std::fs::canonicalize(path).map_err(|err| err.to_string())?;
        match self {
            Reach::Anywhere => Ok(real),
            Reach::Inside(root) if real.starts_with(root) => Ok(real),
            Reach::Inside(_) => Err("it is outside the folder the run was started in".to_string()),
        }
    }
}

/// At most [`MAX_FILE_BYTES`] of `path`; more is an error, not a bigger read.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|err| err.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| err.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "it is over {} MB, the most a schedule file may be",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    Ok(bytes)
}

/// A PNG or a JPEG, by its first bytes rather than its name.
pub fn is_picture(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.starts_with(b"\xFF\xD8\xFF")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_out_of_the_tree_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        let inside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret");
        std::fs::write(&secret, "x").unwrap();
        let link = inside.path().join("cover.png");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        let reach = Reach::beside(&inside.path().join("t.yaml"));
        #[cfg(unix)]
        assert!(reach.check(&link).is_err());
        assert!(reach.check(&secret).is_err());
        assert!(Reach::Anywhere.check(&secret).is_ok());
        let here = inside.path().join("c.csv");
        std::fs::write(&here, "id").unwrap();
        assert!(reach.check(&here).is_ok());
    }

    #[test]
    fn pictures_are_told_by_their_bytes() {
        assert!(is_picture(b"\x89PNG\r\n\x1a\n...."));
        assert!(is_picture(b"\xFF\xD8\xFF\xE0"));
        assert!(!is_picture(b"root:x:0:0:root:/root:/bin/bash"));
    }
}
