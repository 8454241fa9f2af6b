//! Expansion of a schedule into sessions, diff against the ledger, rendering.

pub mod changes;
mod expand;
mod lint;
mod live;
pub mod render;

pub use expand::{expand, fill_theme, fmt_local, media_ref};
pub use lint::{lint, lint_creates};
pub use live::{Plan, PlannedLive, SkipReason, Skipped};
