//! CSV text split into rows of cells (RFC 4180 quoting, as Excel writes it), each
//! cell keeping its place in the file.

use std::borrow::Cow;

use crate::schedule::source::{FileId, Origin};

/// One cell: its text (unquoted, `""` read as `"`) and where it stands in the file.
pub struct Cell<'t> {
    pub text: Cow<'t, str>,
    pub origin: Origin,
}

impl Cell<'_> {
    /// Nothing but spaces: no value, in a spreadsheet as in YAML.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

pub struct Row<'t> {
    pub line: usize,
    pub origin: Origin,
    pub cells: Vec<Cell<'t>>,
}

/// Splits CSV text into rows of cells, keeping each cell's byte range
/// (RFC 4180 quoting: `"a, b"` and `""` inside quotes). A header with tabs and
/// no comma is tab-separated: Excel's "Unicode text" is.
pub fn split_rows(file: FileId, text: &str) -> Vec<Row<'_>> {
    let bytes = text.as_bytes();
    let header = text.lines().next().unwrap_or("");
    let sep = if header.contains('\t') && !header.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut rows = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < bytes.len() {
        let row_start = i;
        let row_line = line;
        let mut cells = Vec::new();
        loop {
            let (start, end, next) = if bytes.get(i) == Some(&b'"') {
                let mut j = i + 1;
                while j < bytes.len() {
                    if bytes[j] == b'"' {
                        if bytes.get(j + 1) == Some(&b'"') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    if bytes[j] == b'\n' {
                        line += 1;
                    }
                    j += 1;
                }
                let mut k = (j + 1).min(bytes.len());
                while k < bytes.len() && !(bytes[k] == sep || matches!(bytes[k], b'\n' | b'\r')) {
                    k += 1;
                }
                (i + 1, j.min(bytes.len()), k)
            } else {
                let mut j = i;
                while j < bytes.len() && !(bytes[j] == sep || matches!(bytes[j], b'\n' | b'\r')) {
                    j += 1;
                }
                (i, j, j)
            };
            let raw = &text[start..end];
            let quoted = start > 0 && bytes[start - 1] == b'"';
            cells.push(Cell {
                text: if quoted && raw.contains("\"\"") {
                    Cow::Owned(raw.replace("\"\"", "\""))
                } else {
                    Cow::Borrowed(raw)
                },
                origin: Origin::new(file, start, end - start),
            });
            i = next;
            if bytes.get(i) == Some(&sep) {
                i += 1;
                continue;
            }
            if bytes.get(i) == Some(&b'\r') {
                i += 1;
            }
            if bytes.get(i) == Some(&b'\n') {
                i += 1;
                line += 1;
            }
            break;
        }
        rows.push(Row {
            line: row_line,
            origin: Origin::new(file, row_start, i - row_start),
            cells,
        });
    }
    rows
}
