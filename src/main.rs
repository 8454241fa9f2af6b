use clap::Parser;

use livesched::{cli::Cli, commands, diagnostics, error::Error, logging};

fn main() {
    let code = match Cli::try_parse() {
        // `--help` and `--version` print and succeed; a bad argument is an error (1).
        Err(usage) => diagnostics::usage(&usage),
        Ok(cli) => {
            logging::init();
            let result = cli.into_job().map_err(Error::Usage);
            diagnostics::conclude(result.and_then(commands::run))
        }
    };
    std::process::exit(code.0);
}
