//! The integration test binary: drives the built `livesched` against real files and the simulator.

mod apply;
mod attendance;
mod converge;
mod diagnostics;
mod exit_codes;
mod fields;
mod files;
mod fuzz;
mod hostile;
mod html;
mod layers;
mod ledger;
mod plan;
mod properties;
mod recurrence;
mod rrule;
mod sim;
mod status;
mod support;
mod validate;
mod wecom;
