//! `attendance` and what it stands on: learners in the schedule, watch statistics read
//! from the simulator, the results kept beside the ledger, and the five outputs.

mod course;
mod files;
mod learners;
mod outputs;
mod runs;
mod term;
