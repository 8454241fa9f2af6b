//! Schedule files: model, YAML and CSV loading, validation with source spans.

mod calendar_file;
mod class_fields;
mod csv;
mod discover;
mod encoding;
mod events_tree;
mod fields;
mod load;
mod model;
mod node;
mod problem;
mod reach;
mod resolve;
mod roster;
mod rule_value;
mod source;
pub mod values;
mod yaml;

pub use discover::schedule_files;
pub use load::{Loaded, load, load_within};
pub use model::*;
pub use problem::{Problem, Problems, Severity, did_you_mean};
pub use reach::{MAX_FILE_BYTES, Reach, is_picture, read_bounded};
pub use source::{FileId, Origin, SourceFile, Sources, line_col, value_offset};
