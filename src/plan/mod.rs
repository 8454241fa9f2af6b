//! Expansion of a schedule into sessions, diff against the ledger, rendering.

mod across;
pub mod changes;
mod course;
mod create_body;
mod days;
mod expand;
mod health;
mod join;
mod json_text;
mod key;
mod lint;
mod live;
mod living_id;
mod occurrences;
mod pipeline;
pub mod render;
pub mod status;

pub use across::{RunTerm, lint_run_creates, plan_run};
pub use create_body::CreateBody;
pub use days::media_ref;
pub use expand::{MAX_SESSIONS, expand, expand_within, fmt_local, occurrence_count};
pub use health::{HELP as LOST_LEDGER_HELP, ledger_looks_lost, lost_ledger_warning};
pub use key::SessionKey;
pub use lint::{lint, lint_creates};
pub use live::{ActivityBody, LiveClass, Plan, PlannedLive, SkipReason, Skipped, Theme};
pub use living_id::LivingId;
pub use pipeline::{Limits, PlannedTerm, plan_term, plan_within, review, review_started};

/// The example term's plan (`schedules/spring-2027.yaml`), for tests.
#[cfg(test)]
pub(crate) fn example_plan() -> Plan {
    plan_term(std::path::Path::new("schedules/spring-2027.yaml"), false)
        .plan
        .expect("the example term is valid")
}
