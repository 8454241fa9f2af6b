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

    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] InvalidSimConfig),

    #[error("failed to wait for Ctrl-C or SIGTERM")]
    Signal(#[source] std::io::Error),
}

/// A simulator configuration that makes no sense.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum InvalidSimConfig {
    #[error("the {what} must be at least 1")]
    Zero { what: &'static str },

    #[error("the list of users holds an empty userid")]
    #[diagnostic(help("list userids separated by commas, e.g. `--users zhangsan,lisi`"))]
    EmptyUser,

    #[error("the corp id and the secret must not be empty")]
    EmptyCredentials,

    #[error("the clock rate is `{rate}`; it must be a number above 0")]
    ClockRate { rate: f64 },

    #[error("the probability of `{fault}` is `{value}`, outside 0 to 1")]
    Probability { fault: &'static str, value: f64 },
}
