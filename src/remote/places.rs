//! Where a schedule's ledger lives and, with `--sandbox`, the simulator's state.

use std::path::{Path, PathBuf};

use crate::ledger::ledger_path_for;

/// Where `--sandbox` keeps its ledger and the simulator's state, beside the schedule.
pub const SANDBOX_DIR: &str = ".livesched-sandbox";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    pub ledger: PathBuf,
    /// Set with `--sandbox`: the folder the sandbox owns, and its simulator's state.
    pub sandbox: Option<Sandbox>,
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
            return Places {
                ledger: ledger.map_or_else(|| ledger_path_for(file), Path::to_path_buf),
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
        Places {
            ledger: ledger.map_or_else(|| ledger_path_for(&in_dir), Path::to_path_buf),
            sandbox: Some(Sandbox {
                sim_state: in_dir.with_extension("sim.json"),
                dir,
            }),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_sits_beside_the_schedule() {
        let p = Places::new(Path::new("terms/spring.yaml"), None, false);
        assert_eq!(p.ledger, Path::new("terms/spring.ledger.jsonl"));
        assert!(p.sandbox.is_none());
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
}
