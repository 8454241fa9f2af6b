//! The state file: lives and media saved as JSON, written atomically so a crash leaves the old file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::SimError;
use super::state::{SimLive, World};

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Saved {
    pub version: u32,
    pub next_id: u64,
    pub lives: Vec<SimLive>,
    #[serde(default)]
    pub media: BTreeMap<String, i64>,
}

impl Saved {
    pub fn of(world: &World) -> Self {
        Self {
            version: 1,
            next_id: world.next_id,
            lives: world.lives.clone(),
            media: world.media.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        }
    }

    pub fn restore(self, world: &mut World) {
        world.next_id = self.next_id.max(world.next_id);
        world.media.extend(self.media);
        for live in self.lives {
            world.insert(live);
        }
        world.dirty = false;
    }
}

/// `Ok(None)` when the file does not exist yet: the first run starts empty.
pub(crate) fn load(path: &Path) -> Result<Option<Saved>, SimError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(SimError::LoadState {
                path: path.to_owned(),
                reason: e.to_string(),
            });
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| SimError::LoadState {
            path: path.to_owned(),
            reason: e.to_string(),
        })
}

pub(crate) fn save(path: &Path, saved: &Saved) -> Result<(), SimError> {
    let fail = |reason: String| SimError::SaveState {
        path: path.to_owned(),
        reason,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(e.to_string()))?;
    serde_json::to_writer_pretty(&mut file, saved).map_err(|e| fail(e.to_string()))?;
    file.write_all(b"\n").map_err(|e| fail(e.to_string()))?;
    file.as_file().sync_all().map_err(|e| fail(e.to_string()))?;
    file.persist(path).map_err(|e| fail(e.error.to_string()))?;
    Ok(())
}
