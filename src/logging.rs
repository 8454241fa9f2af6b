//! Log lines on stderr, printed above the progress bar without tearing it.
//!
//! `LIVESCHED_LOG` filters them (`RUST_LOG` syntax; default `livesched=info`). They
//! never carry the corp secret or a token: the client strips both from what it logs.

use std::io::Write;
use std::sync::Mutex;

use indicatif::ProgressBar;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// The bar being drawn, if any: log lines suspend it while they print.
static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Routes log lines around `bar` until [`forget_bar`].
pub fn set_bar(bar: &ProgressBar) {
    *BAR.lock().expect("bar lock") = Some(bar.clone());
}

pub fn forget_bar() {
    *BAR.lock().expect("bar lock") = None;
}

/// Installs the subscriber; a second call does nothing.
pub fn init() {
    let filter = EnvFilter::try_from_env("LIVESCHED_LOG")
        .unwrap_or_else(|_| EnvFilter::new("livesched=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(AroundBar)
        .without_time()
        .with_target(false)
        .with_ansi(use_color())
        .try_init();
}

struct AroundBar;

/// One log line, written in one go when dropped.
struct Line(Vec<u8>);

impl<'a> MakeWriter<'a> for AroundBar {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line(Vec::new())
    }
}

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        let write = || {
            let _ = std::io::stderr().write_all(&self.0);
        };
        match BAR.lock().ok().and_then(|b| b.clone()) {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }
}

/// Whether stderr gets colour: a terminal, and `NO_COLOR` unset.
pub fn use_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}
