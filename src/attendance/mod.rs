//! Attendance: who came to a term's lives, from WeCom's watch statistics, per class
//! and per learner. `fetch` reads the lives that ended (through the same gate as
//! `apply`), `store` keeps what was read beside the ledger, `report` lays it over
//! the plan and the classes' learners, and `render` writes it out.

mod fetch;
pub mod render;
mod report;
mod rule;
mod store;

pub use fetch::{Fetched, Reader, Target, due};
pub use report::{
    ClassReport, ExternalCount, ExternalViewer, Inputs, LearnerClass, LearnerReport, LearnerRow,
    OffRoster, Report, SessionReport, SessionState, Viewer, minutes, report,
};
pub use rule::{Rule, parse_share, percent};
pub use store::{Reading, Store, StoreError, store_path_for};
