//! Expansion of a schedule into sessions, diff against the ledger, rendering.

pub mod changes;
mod expand;
mod key;
mod lint;
mod live;
mod pipeline;
pub mod render;
pub mod status;

pub use expand::{expand, fmt_local, media_ref, occurrence_count};
pub use key::SessionKey;
pub use lint::{lint, lint_creates};
pub use live::{
    ActivityBody, CreateBody, LiveClass, Plan, PlannedLive, SkipReason, Skipped, Theme,
};
pub use pipeline::{PlannedTerm, plan_term, review};
