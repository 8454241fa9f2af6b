//! Reading a YAML schedule's node tree into fields, reporting every problem found.

mod changes;
mod class;
mod document;
mod reader;
mod term;

pub use reader::Reader;
pub use term::{TermFields, is_calendar, resolve as resolve_term};
