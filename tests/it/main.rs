//! The integration test binary: drives the built `livesched` against real files and the simulator.

mod ledger;
mod rrule;
mod sim;
mod wecom;
