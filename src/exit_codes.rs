//! The process exit codes, documented in the README.
