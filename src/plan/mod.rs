//! Expansion of a schedule into sessions, diff against the ledger, rendering.

mod across;
pub mod changes;
mod expand;
mod health;
mod lint;
mod live;
mod pipeline;
pub mod render;
pub mod status;

pub use across::{RunTerm, lint_run_creates, plan_run};
pub use expand::{MAX_SESSIONS, expand, expand_within, fill_theme, fmt_local, media_ref};
pub use health::{HELP as LOST_LEDGER_HELP, ledger_looks_lost, lost_ledger_warning};
pub use lint::{lint, lint_creates};
pub use live::{Plan, PlannedLive, SkipReason, Skipped};
pub use pipeline::{Limits, PlannedTerm, plan_term, plan_within, review, review_started};
