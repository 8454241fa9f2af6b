//! `livesched`: a term's timetable in, WeCom scheduled lives out, declaratively.
//!
//! The data flows `schedule` → `plan` (expanded with `calendar`) → diff against the
//! `ledger` → `apply` through the `wecom` client. `sim` is a stand-in for WeCom.

pub mod apply;
pub mod attendance;
pub mod calendar;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostics;
pub mod error;
pub mod exit_codes;
pub mod ledger;
pub mod logging;
pub mod plan;
pub mod remote;
pub mod schedule;
pub mod sim;
pub mod wecom;
