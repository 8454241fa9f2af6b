//! Arguments of `livesched sim`.

/// Options of the WeCom simulator.
#[derive(Debug, clap::Args)]
pub struct SimArgs {}
