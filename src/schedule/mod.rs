//! Schedule files: model, YAML and CSV loading, validation with source spans.

mod class_fields;
mod csv;
mod encoding;
mod fields;
mod load;
mod model;
mod node;
mod problem;
mod resolve;
mod rule_value;
mod source;
pub mod values;
mod yaml;

pub use load::{Loaded, load};
pub use model::*;
pub use problem::{Problem, Problems, Severity, did_you_mean};
pub use source::{FileId, Origin, SourceFile, Sources, line_col, value_offset};
