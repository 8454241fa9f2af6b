//! `livesched sim`: the WeCom simulator on a loopback address until Ctrl-C.

use crate::error::Error;
use crate::exit_codes::ExitCode;
use crate::sim::{self, SimConfig};

pub fn run(config: SimConfig) -> Result<ExitCode, Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    runtime.block_on(sim::run(config))?;
    Ok(ExitCode::SUCCESS)
}
