//! Which schedules a command line names: files as given, and every `*.yaml` and
//! `*.yml` under a directory (recursively, sorted), except calendar files and
//! hidden entries (`.git`, `.livesched-sandbox`). CSV files are classes, reached
//! through `classes_from`, never schedules of their own.

use std::io;
use std::path::{Path, PathBuf};

use super::node;
use super::yaml::is_calendar;

/// The schedules `args` name, in the order given (a directory's sorted by path),
/// each once. A file that cannot be read is kept, for loading to report; an
/// unreadable directory is an error.
pub fn schedule_files(args: &[PathBuf]) -> Result<Vec<PathBuf>, (PathBuf, io::Error)> {
    let mut found = Vec::new();
    for arg in args {
        if arg.is_dir() {
            let mut inside = Vec::new();
            walk(arg, &mut inside)?;
            inside.sort();
            found.extend(inside.into_iter().filter(|f| !is_calendar_file(f)));
        } else {
            found.push(arg.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    Ok(found)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), (PathBuf, io::Error)> {
    let entries = std::fs::read_dir(dir).map_err(|err| (dir.to_path_buf(), err))?;
    for entry in entries {
        let entry = entry.map_err(|err| (dir.to_path_buf(), err))?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        // Symbolic links to directories are not followed: no loops.
        let kind = entry.file_type().map_err(|err| (path.clone(), err))?;
        if kind.is_dir() {
            walk(&path, out)?;
        } else if is_yaml(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// A file that reads as a calendar (see [`is_calendar`]); one that cannot be
/// read or parsed is not, so that loading it reports why.
fn is_calendar_file(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return false;
    };
    node::parse(0, text).is_ok_and(|root| is_calendar(&root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_gives_its_schedules_sorted_without_calendars_or_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let schedule = "term: { start: 2027-02-22, end: 2027-06-27 }\nclasses: []\n";
        write("b.yaml", schedule);
        write("a/z.yml", schedule);
        write("a/classes.csv", "id\n");
        write(
            "calendars/spring.yaml",
            "start: 2027-02-22\nend: 2027-06-27\n",
        );
        write(".livesched-sandbox/b.yaml", schedule);
        write("broken.yaml", "term: [");
        let root = dir.path().to_path_buf();
        let found = schedule_files(&[root.clone(), root.join("b.yaml")]).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|p| p.strip_prefix(&root).unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, ["a/z.yml", "b.yaml", "broken.yaml"]);
    }
}
