//! `livesched completions` and `livesched man`: generated from the clap definitions, so they
//! can never disagree with what the binary accepts.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::config::Shell;
use crate::error::Error;
use crate::exit_codes::ExitCode;

pub fn completions(shell: Shell) -> Result<ExitCode, Error> {
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "livesched", &mut out);
    emit(&out)
}

/// The overview page, or with `command` that command's own page (`livesched-plan(1)`).
pub fn man(command: Option<&str>) -> Result<ExitCode, Error> {
    let mut cmd = Cli::command();
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => {
                let full = format!("livesched-{name}");
                sub.clone().display_name(full.clone()).bin_name(full)
            }
            None => {
                let names: Vec<String> = cmd
                    .get_subcommands()
                    .filter(|s| s.get_name() != "help")
                    .map(|s| format!("`{}`", s.get_name()))
                    .collect();
                return Err(Error::NoManPage {
                    name: name.to_string(),
                    pages: names.join(", "),
                });
            }
        },
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .source(concat!("livesched ", env!("CARGO_PKG_VERSION")))
        .render(&mut out)
        .map_err(Error::ManPage)?;
    emit(&out)
}

fn emit(bytes: &[u8]) -> Result<ExitCode, Error> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(err) => Err(Error::Stdout(err)),
    }
}
