//! Why the simulator could not start or stop cleanly.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum SimError {
    #[error("failed to listen on `{addr}`")]
    #[diagnostic(help("pick another address with `--listen`, or `127.0.0.1:0` for any free port"))]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },

    #[error("failed to read the simulator state `{path}`: {reason}")]
    LoadState { path: PathBuf, reason: String },

    #[error("failed to save the simulator state `{path}`: {reason}")]
    SaveState { path: PathBuf, reason: String },

    #[error("failed to wait for Ctrl-C")]
    Signal(#[source] std::io::Error),
}
