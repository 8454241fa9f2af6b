//! Tests for the `sim` module: WeCom's rules, lifecycle, quotas, faults and state, over raw HTTP.

mod args;
mod faults;
mod harness;
mod quotas;
mod rules;
mod state;
mod watching;
