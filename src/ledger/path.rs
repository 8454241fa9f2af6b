//! Where a schedule's ledger lives.

use std::path::{Path, PathBuf};

/// The ledger beside `schedule`: `spring.yaml` → `spring.ledger.jsonl`,
/// `terms/foo.csv` → `terms/foo.ledger.jsonl`.
///
/// Only the last extension is replaced, so `ml.2027.yaml` → `ml.2027.ledger.jsonl`.
/// A path without a file name (`""`, `..`) gets `livesched.ledger.jsonl` inside it.
pub fn ledger_path_for(schedule: &Path) -> PathBuf {
    match schedule.file_stem() {
        Some(stem) => {
            let mut name = stem.to_os_string();
            name.push(".ledger.jsonl");
            schedule.with_file_name(name)
        }
        None => schedule.join("livesched.ledger.jsonl"),
    }
}
