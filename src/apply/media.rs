//! Activity images given as local files: uploaded once per run, by content, just
//! before the first create that needs them.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::schedule::is_picture;
use crate::wecom::ApiError;
use crate::wecom::limits::IMAGE_MAX_BYTES;

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
        let bytes = read_picture(path)
            .await
            .map_err(|reason| ApiError::Protocol {
                api: "media/upload",
                reason: format!("refusing to upload `{}`: {reason}", path.display()),
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

/// The file again, as it is now (it was checked when the plan was made): at
/// most 2 MB read, and sent only if its bytes are a PNG's or a JPEG's.
async fn read_picture(path: &Path) -> Result<Vec<u8>, String> {
    use tokio::io::AsyncReadExt;
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|err| err.to_string())?;
    let mut bytes = Vec::new();
    file.take(IMAGE_MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .await
        .map_err(|err| err.to_string())?;
    if bytes.len() > IMAGE_MAX_BYTES {
        return Err("it is over 2 MB".into());
    }
    if !is_picture(&bytes) {
        return Err("it is not a PNG or JPEG".into());
    }
    Ok(bytes)
}

/// `upload:PATH` in a planned request names a local file.
pub fn upload_path(reference: &str) -> Option<PathBuf> {
    reference.strip_prefix("upload:").map(PathBuf::from)
}
