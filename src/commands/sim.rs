//! `livesched sim`: the WeCom simulator on a loopback address until Ctrl-C.

use crate::exit_codes::ExitCode;
use crate::sim::{self, SimConfig};

pub fn run(config: SimConfig) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: failed to start the async runtime: {err}");
            return ExitCode::ERROR;
        }
    };
    match runtime.block_on(sim::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{:?}", miette::Report::new(err));
            ExitCode::ERROR
        }
    }
}
