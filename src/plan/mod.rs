//! Expansion of a schedule into sessions, diff against the ledger, rendering.

mod across;
pub mod changes;
mod expand;
mod lint;
mod live;
mod pipeline;
pub mod render;
pub mod status;

pub use across::{RunTerm, lint_run_creates, plan_run};
pub use expand::{expand, fill_theme, fmt_local, media_ref};
pub use lint::{lint, lint_creates};
pub use live::{Plan, PlannedLive, SkipReason, Skipped};
pub use pipeline::{PlannedTerm, plan_term, review, review_started};
