//! `apply` against the simulator over loopback: exactly one live per session whatever
//! fails, is killed or interrupted; the ledger agrees with WeCom; the limiter, the lock,
//! the confirmation, the credentials and the sandbox behave as the README says.

mod access;
mod faults;
mod interrupted;
mod ledger;
mod runs;
mod term;
mod truth;
