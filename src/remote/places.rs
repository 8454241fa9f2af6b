//! Where a schedule's ledger lives and, with `--sandbox`, the simulator's state.

use std::path::{Path, PathBuf};

use crate::ledger::{SEEN_FILE, ledger_path_for};

/// Where `--sandbox` keeps its ledger and the simulator's state, beside the schedule.
pub const SANDBOX_DIR: &str = ".livesched-sandbox";

/// The sandbox simulator's state in a run over several schedules.
const CORP_SIM_STATE: &str = "corp.sim.json";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    pub ledger: PathBuf,
    /// Set with `--sandbox`: the folder the sandbox owns, and its simulator's state.
    pub sandbox: Option<Sandbox>,
    /// The cache of seen lives the folder's ledgers share: beside the schedule
    /// (in the sandbox's folder with `--sandbox`).
    pub seen: PathBuf,
    /// The ledger as the cache names it: its path from the cache's folder.
    pub owner: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandbox {
    pub dir: PathBuf,
    pub sim_state: PathBuf,
}

impl Places {
    /// The ledger given, or the one beside `file` (inside the sandbox's folder with `sandbox`).
    pub fn new(file: &Path, ledger: Option<&Path>, sandbox: bool) -> Places {
        if !sandbox {
            let ledger = ledger.map_or_else(|| ledger_path_for(file), Path::to_path_buf);
            let dir = file.parent().unwrap_or_else(|| Path::new(""));
            return Places {
                owner: owner(dir, &ledger),
                seen: dir.join(SEEN_FILE),
                ledger,
                sandbox: None,
            };
        }
        let dir = file
            .parent()
            .unwrap_or_else(|| Path::new(""))
            .join(SANDBOX_DIR);
        let name = file
            .file_name()
            .map_or_else(|| "schedule".into(), |n| n.to_os_string());
        let in_dir = dir.join(name);
        let ledger = ledger.map_or_else(|| ledger_path_for(&in_dir), Path::to_path_buf);
        Places {
            owner: owner(&dir, &ledger),
            seen: dir.join(SEEN_FILE),
            ledger,
            sandbox: Some(Sandbox {
                sim_state: in_dir.with_extension("sim.json"),
                dir,
            }),
        }
    }

    /// The sandbox of a run over `places`: one simulator, one corp. Over one
    /// schedule its state is that schedule's (`NAME.sim.json`); over several it is
    /// `corp.sim.json` in the sandbox folder of the folder that holds them all, so
    /// that every run over files of one tree sees the same corp.
    pub fn run_sandbox(places: &[Places]) -> Option<Sandbox> {
        let sandboxes: Vec<&Sandbox> = places.iter().filter_map(|p| p.sandbox.as_ref()).collect();
        match sandboxes[..] {
            [] => None,
            [one] => Some(one.clone()),
            _ => {
                let folders: Vec<&Path> = sandboxes
                    .iter()
                    .map(|s| s.dir.parent().unwrap_or_else(|| Path::new("")))
                    .collect();
                let dir = common_folder(&folders).join(SANDBOX_DIR);
                Some(Sandbox {
                    sim_state: dir.join(CORP_SIM_STATE),
                    dir,
                })
            }
        }
    }

    /// Every folder this run writes in: the ledger's, and the sandbox's own.
    pub fn folders(&self) -> impl Iterator<Item = &Path> {
        self.ledger
            .parent()
            .into_iter()
            .chain(self.sandbox.as_ref().map(|s| s.dir.as_path()))
            .filter(|d| !d.as_os_str().is_empty())
    }
}

/// The deepest folder holding all of `folders` (made absolute when some are and some are not).
fn common_folder(folders: &[&Path]) -> PathBuf {
    let mixed = folders.iter().any(|f| f.is_absolute()) && folders.iter().any(|f| !f.is_absolute());
    let folders: Vec<PathBuf> = folders
        .iter()
        .map(|f| match mixed {
            true => std::path::absolute(f).unwrap_or_else(|_| f.to_path_buf()),
            false => f.to_path_buf(),
        })
        .collect();
    let Some((first, rest)) = folders.split_first() else {
        return PathBuf::new();
    };
    let mut common: Vec<_> = first.components().collect();
    for folder in rest {
        let shared = common
            .iter()
            .zip(folder.components())
            .take_while(|(a, b)| **a == *b)
            .count();
        common.truncate(shared);
    }
    common.iter().collect()
}

/// `ledger` as seen from `dir`, or as given when it lies elsewhere.
fn owner(dir: &Path, ledger: &Path) -> String {
    let dir = dir.strip_prefix(".").unwrap_or(dir);
    let ledger = ledger.strip_prefix(".").unwrap_or(ledger);
    ledger
        .strip_prefix(dir)
        .unwrap_or(ledger)
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_sits_beside_the_schedule() {
        let p = Places::new(Path::new("terms/spring.yaml"), None, false);
        assert_eq!(p.ledger, Path::new("terms/spring.ledger.jsonl"));
        assert!(p.sandbox.is_none());
        assert_eq!(p.seen, Path::new("terms/livesched.seen.jsonl"));
        assert_eq!(p.owner, "spring.ledger.jsonl");
        let here = Places::new(Path::new("./t.yaml"), None, false);
        assert_eq!(here.owner, "t.ledger.jsonl");
        let elsewhere = Places::new(Path::new("t.yaml"), Some(Path::new("/l/x.jsonl")), false);
        assert_eq!(elsewhere.owner, "/l/x.jsonl");
    }

    #[test]
    fn the_sandbox_owns_its_folder_even_with_another_ledger() {
        let p = Places::new(
            Path::new("terms/spring.yaml"),
            Some(Path::new("l.jsonl")),
            true,
        );
        assert_eq!(p.ledger, Path::new("l.jsonl"));
        let sandbox = p.sandbox.as_ref().unwrap();
        assert_eq!(sandbox.dir, Path::new("terms/.livesched-sandbox"));
        assert_eq!(
            sandbox.sim_state,
            Path::new("terms/.livesched-sandbox/spring.sim.json")
        );
        let folders: Vec<_> = p.folders().collect();
        assert_eq!(folders, [Path::new("terms/.livesched-sandbox")]);
    }

    #[test]
    fn a_run_over_several_schedules_has_one_sandbox_corp_where_they_meet() {
        let places: Vec<Places> = ["terms/cs/ai.yaml", "terms/hr/onboarding.yaml"]
            .iter()
            .map(|f| Places::new(Path::new(f), None, true))
            .collect();
        assert_eq!(
            places[1].ledger,
            Path::new("terms/hr/.livesched-sandbox/onboarding.ledger.jsonl")
        );
        let run = Places::run_sandbox(&places).unwrap();
        assert_eq!(run.dir, Path::new("terms/.livesched-sandbox"));
        assert_eq!(
            run.sim_state,
            Path::new("terms/.livesched-sandbox/corp.sim.json")
        );
        let one = Places::run_sandbox(&places[..1]).unwrap();
        assert_eq!(
            one.sim_state,
            Path::new("terms/cs/.livesched-sandbox/ai.sim.json")
        );
        let plain = [Places::new(Path::new("a.yaml"), None, false)];
        assert_eq!(Places::run_sandbox(&plain), None);
    }
}
