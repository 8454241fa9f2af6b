//! Activity images given as local files: uploaded once per run, by content, just
//! before the first create that needs them.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::wecom::ApiError;

#[derive(Default)]
pub struct MediaCache {
    by_content: Mutex<HashMap<u64, Arc<OnceCell<String>>>>,
}

impl MediaCache {
    /// The media_id of the file at `path`, uploading it through `upload` the first time
    /// its content is seen in this run. The same picture under two names goes up once.
    pub async fn media_id<F, Fut>(&self, path: &Path, upload: F) -> Result<String, ApiError>
    where
        F: FnOnce(String, Vec<u8>) -> Fut,
        Fut: Future<Output = Result<String, ApiError>>,
    {
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|err| ApiError::Protocol {
                api: "media/upload",
                reason: format!("cannot read `{}`: {err}", path.display()),
            })?;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut h);
        let cell = Arc::clone(
            self.by_content
                .lock()
                .expect("media cache lock")
                .entry(h.finish())
                .or_default(),
        );
        let name = path.file_name().map_or_else(
            || "image.png".to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        cell.get_or_try_init(|| upload(name, bytes)).await.cloned()
    }
}

/// `upload:PATH` in a planned request names a local file.
pub fn upload_path(reference: &str) -> Option<PathBuf> {
    reference.strip_prefix("upload:").map(PathBuf::from)
}
