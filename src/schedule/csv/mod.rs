//! Classes from CSV files: a header row names the columns after the YAML fields.

mod classes;
mod rows;

pub use classes::read;
pub(super) use rows::{Cell, Row, split_rows};
