//! Tests for the `wecom` module: the client against the simulator over loopback HTTP.

mod calls;
mod errors;
mod fixtures;
mod safety;
mod tokens;
