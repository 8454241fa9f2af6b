use clap::Parser;

fn main() {
    let cli = livesched::cli::Cli::parse();
    livesched::logging::init();
    let code = match cli.into_job() {
        Ok(job) => livesched::commands::run(job),
        Err(message) => {
            eprintln!("error: {message}");
            livesched::exit_codes::ExitCode::ERROR
        }
    };
    std::process::exit(code.0);
}
