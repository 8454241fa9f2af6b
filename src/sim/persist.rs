//! The state file: lives and media saved as JSON, written atomically so a crash leaves the old file.
//!
//! Version 2 keeps each live's create body whole under `request`. Version 1 spread
//! those fields beside `livingid` and `status`; it is still read, and the next
//! save writes it as version 2.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::SimError;
use super::state::{SimLive, World};

/// The version [`save`] writes.
const VERSION: u32 = 2;

/// Fields of a version 1 live that were the simulator's own; the rest were the create body.
const V1_OWN_FIELDS: [&str; 3] = ["livingid", "status", "created_at"];

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
            version: VERSION,
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
    parse(&text)
        .map(Some)
        .map_err(|reason| SimError::LoadState {
            path: path.to_owned(),
            reason,
        })
}

fn parse(text: &str) -> Result<Saved, String> {
    #[derive(Deserialize)]
    struct Version {
        version: u32,
    }
    let Version { version } = serde_json::from_str(text).map_err(|e| e.to_string())?;
    match version {
        // Straight from the text, so an error names its line and column.
        VERSION => serde_json::from_str(text).map_err(|e| e.to_string()),
        1 => {
            let mut saved: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
            if let Some(lives) = saved.get_mut("lives").and_then(Value::as_array_mut) {
                lives.iter_mut().for_each(nest_v1_request);
            }
            serde_json::from_value(saved).map_err(|e| e.to_string())
        }
        other => Err(format!(
            "version {other} is not one this simulator reads (1 or {VERSION})"
        )),
    }
}

/// A version 1 live, `{livingid, theme, …, status}`, as version 2: `{livingid, request: {theme, …}, status}`.
fn nest_v1_request(live: &mut Value) {
    let Value::Object(fields) = live else {
        return;
    };
    let mut request = Map::new();
    for (name, value) in std::mem::take(fields) {
        if V1_OWN_FIELDS.contains(&name.as_str()) {
            fields.insert(name, value);
        } else {
            request.insert(name, value);
        }
    }
    fields.insert("request".to_owned(), Value::Object(request));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wecom::types::{ActivityDetail, CreateLiving};

    fn live() -> SimLive {
        SimLive {
            livingid: "lv000001".to_owned(),
            request: CreateLiving {
                anchor_userid: "t1".to_owned(),
                theme: "网络 第1讲".to_owned(),
                living_start: 1_800_000_000,
                living_duration: 5_400,
                living_type: 4,
                description: None,
                agentid: None,
                remind_time: Some(900),
                activity_cover_mediaid: Some("m1".to_owned()),
                activity_share_mediaid: None,
                activity_detail: Some(ActivityDetail {
                    description: Some("开场".to_owned()),
                    image_list: vec!["m1".to_owned()],
                }),
            },
            status: 4,
            created_at: 1_799_000_000,
        }
    }

    /// As the simulator wrote it before lives held their request.
    const V1: &str = r#"{
  "version": 1,
  "next_id": 2,
  "lives": [
    {
      "livingid": "lv000001",
      "anchor_userid": "t1",
      "theme": "网络 第1讲",
      "living_start": 1800000000,
      "living_duration": 5400,
      "type": 4,
      "remind_time": 900,
      "activity_cover_mediaid": "m1",
      "activity_detail": {
        "description": "开场",
        "image_list": [
          "m1"
        ]
      },
      "status": 4,
      "created_at": 1799000000
    }
  ],
  "media": {
    "m1": 1799000000
  }
}"#;

    #[test]
    fn a_version_1_file_reads_as_the_same_lives() {
        let saved = parse(V1).unwrap();
        assert_eq!(saved.lives, [live()]);
        assert_eq!(saved.next_id, 2);
        assert_eq!(saved.media["m1"], 1_799_000_000);
    }

    #[test]
    fn version_2_round_trips() {
        let saved = Saved {
            version: VERSION,
            next_id: 2,
            lives: vec![live()],
            media: BTreeMap::new(),
        };
        let text = serde_json::to_string_pretty(&saved).unwrap();
        assert!(text.contains(r#""request": {"#), "{text}");
        assert_eq!(parse(&text).unwrap().lives, saved.lives);
    }

    #[test]
    fn an_unknown_version_is_refused() {
        let err = parse(r#"{"version": 3, "next_id": 1, "lives": []}"#).unwrap_err();
        assert!(err.contains("version 3"), "{err}");
    }
}
