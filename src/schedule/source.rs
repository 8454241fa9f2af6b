//! The text of every file a schedule was read from, and places inside it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One file's text, as decoded (CSV in GB18030 is decoded to UTF-8 first).
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user named it (or as resolved from `classes_from`), for display.
    pub path: PathBuf,
    pub text: Arc<str>,
    /// False for a file that is not text: its problems name the place, never a snippet.
    pub shown: bool,
}

/// Index of a file inside [`Sources`].
pub type FileId = usize;

/// Every file read for one schedule, so that problems can show their snippet.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<Arc<SourceFile>>,
}

impl Sources {
    pub fn add(&mut self, path: &Path, text: impl Into<Arc<str>>) -> FileId {
        self.files.push(Arc::new(SourceFile {
            path: path.to_path_buf(),
            text: text.into(),
            shown: true,
        }));
        self.files.len() - 1
    }

    /// A file that is not text, kept only so that places in it can be named.
    pub fn add_hidden(&mut self, path: &Path, text: impl Into<Arc<str>>) -> FileId {
        let id = self.add(path, text);
        Arc::get_mut(&mut self.files[id]).expect("just added").shown = false;
        id
    }

    pub fn get(&self, id: FileId) -> &Arc<SourceFile> {
        &self.files[id]
    }

    pub fn path(&self, id: FileId) -> &Path {
        &self.files[id].path
    }
}

/// A byte range inside one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: FileId,
    pub offset: usize,
    pub len: usize,
}

impl Origin {
    pub fn new(file: FileId, offset: usize, len: usize) -> Self {
        Self { file, offset, len }
    }

    /// 1-based line and column (in characters) of the start of this range.
    pub fn line_col(&self, sources: &Sources) -> (usize, usize) {
        line_col(&sources.get(self.file).text, self.offset)
    }
}

/// Where byte `at` of a scalar's parsed `value` stands in the file `text`, for a
/// scalar written at `origin`: past an opening quote, or inside the indented
/// lines of a block scalar (`|`, `>`), as pasted iCalendar text is written.
pub fn value_offset(text: &str, origin: Origin, value: &str, at: usize) -> usize {
    let start = origin.offset.min(text.len());
    let written = &text[start..];
    if written.starts_with(['"', '\'']) {
        return start + 1 + at;
    }
    // Where the value's first line begins, and how far its lines are indented.
    let (body_start, indent) = if written.starts_with(['|', '>']) {
        let Some(header_end) = written.find('\n') else {
            return start;
        };
        let body_start = start + header_end + 1;
        let indent = text[body_start..]
            .lines()
            .find(|l| !l.trim().is_empty())
            .map_or(0, |l| l.len() - l.trim_start().len());
        (body_start, indent)
    } else {
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        (line_start, start - line_start)
    };
    let before = &value[..at.min(value.len())];
    let line = before.matches('\n').count();
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    let line_start: usize = text[body_start..]
        .split_inclusive('\n')
        .take(line)
        .map(str::len)
        .sum();
    body_start + line_start + indent + column
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}
