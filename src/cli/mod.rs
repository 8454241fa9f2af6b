//! Command-line arguments (clap derive). Nothing outside this module sees clap types.

mod sim;

pub use sim::SimArgs;
