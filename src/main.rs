use clap::Parser;

fn main() {
    let cli = livesched::cli::Cli::parse();
    livesched::logging::init();
    let result = cli
        .into_job()
        .map_err(livesched::error::Error::Usage)
        .and_then(livesched::commands::run);
    std::process::exit(livesched::diagnostics::conclude(result).0);
}
