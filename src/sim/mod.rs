//! The WeCom simulator: server, state, faults.

mod api;
mod clock;
mod config;
mod course;
mod error;
mod handlers;
mod listener;
mod persist;
mod pipeline;
mod quota;
mod reply;
mod rng;
mod server;
mod shared;
mod state;
mod stats;
mod validate;

pub use config::{Course, Faults, QuotaBurst, SimConfig};
pub use error::{InvalidSimConfig, SimError};
pub use server::{SimServer, run, start};
pub use state::SimLive;
pub use stats::SimStats;
